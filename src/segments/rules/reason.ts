import type { Explanation } from './compiled-node.js';

const topLevel = (explanation: Explanation): readonly Explanation[] =>
  (explanation.type === 'all' || explanation.type === 'any') && explanation.children
    ? explanation.children
    : [explanation];

/**
 * The top-level conditions that decide the result: for `all`, the false ones when out (every one
 * when in); for `any`, the true ones when in (every one when out); any other root is its own reason.
 */
export function decidingConditions(explanation: Explanation): Explanation[] {
  const conditions = topLevel(explanation);
  if (explanation.type === 'all' && !explanation.result) return conditions.filter((c) => !c.result);
  if (explanation.type === 'any' && explanation.result) return conditions.filter((c) => c.result);
  return [...conditions];
}

/**
 * Top-level conditions whose result differs between two explanations of the same rule for the
 * same profile (matched by path); without a previous one, the deciding conditions.
 */
export function changedConditions(previous: Explanation | undefined, current: Explanation): Explanation[] {
  if (!previous) return decidingConditions(current);
  const before = new Map(topLevel(previous).map((c) => [c.path, c.result]));
  return topLevel(current).filter((c) => before.get(c.path) !== c.result);
}

/**
 * One line for the membership history: `entered: <path> <detail>; …` or `left: …`, naming the
 * top-level conditions that changed (all deciding ones when the previous state is unknown).
 */
export function membershipReason(previous: Explanation | undefined, current: Explanation): string {
  const changed = changedConditions(previous, current);
  const shown = changed.length > 0 ? changed : decidingConditions(current);
  const verb = current.result ? 'entered' : 'left';
  return `${verb}: ${shown.map((c) => `${c.path} ${c.detail}`).join('; ')}`;
}

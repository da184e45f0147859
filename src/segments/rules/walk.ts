import type { RuleNode } from './schema.js';

/** Calls `visit` on every node, parents before children, with the node's path from the rule root. */
export function forEachNode(
  rule: RuleNode,
  visit: (node: RuleNode, path: ReadonlyArray<PropertyKey>) => void,
  path: ReadonlyArray<PropertyKey> = [],
): void {
  visit(rule, path);
  if (rule.type === 'all' || rule.type === 'any') {
    rule.children.forEach((child, i) => {
      forEachNode(child, visit, [...path, 'children', i]);
    });
  } else if (rule.type === 'not') {
    forEachNode(rule.child, visit, [...path, 'child']);
  }
}

import type { SegmentRule } from './schema.js';
import { forEachNode } from './walk.js';

/** Ids of the segments a rule refers to (`segment` nodes), each once, in order of appearance. */
export function segmentDependencies(rule: SegmentRule): string[] {
  const ids = new Set<string>();
  forEachNode(rule, (node) => {
    if (node.type === 'segment') ids.add(node.segment);
  });
  return [...ids];
}

/**
 * A cycle of segment references reachable from `segmentId`, as the ids along it with the first
 * repeated at the end (`['seg_a', 'seg_b', 'seg_a']`; a self-reference is `['seg_a', 'seg_a']`),
 * or null. `ruleOf` answers the rule each id would have once the change being checked is saved
 * (the edited segment's new rule, the stored rule of the others); an unknown id has no references.
 */
export function findCycle(
  segmentId: string,
  ruleOf: (id: string) => SegmentRule | undefined,
): string[] | null {
  const done = new Set<string>();
  const onPath: string[] = [];
  const onPathSet = new Set<string>();
  const visit = (id: string): string[] | null => {
    if (onPathSet.has(id)) return [...onPath.slice(onPath.indexOf(id)), id];
    if (done.has(id)) return null;
    const rule = ruleOf(id);
    if (!rule) {
      done.add(id);
      return null;
    }
    onPath.push(id);
    onPathSet.add(id);
    for (const dependency of segmentDependencies(rule)) {
      const cycle = visit(dependency);
      if (cycle) return cycle;
    }
    onPath.pop();
    onPathSet.delete(id);
    done.add(id);
    return null;
  };
  return visit(segmentId);
}

/**
 * `ids` ordered so every segment comes after the segments it refers to, for a recompute that fills
 * `snapshot.segments` as it goes. Referenced ids outside `ids` are left out (their membership is
 * read as stored). Throws on a cycle: saving a rule rejects those first (`findCycle`).
 */
export function segmentEvaluationOrder(
  ids: readonly string[],
  ruleOf: (id: string) => SegmentRule | undefined,
): string[] {
  const wanted = new Set(ids);
  const ordered: string[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (id: string): void => {
    if (placed.has(id)) return;
    if (visiting.has(id)) throw new Error(`segment reference cycle through ${id}`);
    visiting.add(id);
    const rule = ruleOf(id);
    for (const dependency of rule ? segmentDependencies(rule) : []) {
      if (wanted.has(dependency)) place(dependency);
    }
    visiting.delete(id);
    placed.add(id);
    ordered.push(id);
  };
  for (const id of ids) place(id);
  return ordered;
}

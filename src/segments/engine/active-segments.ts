import type { AppDeps } from '../../app-deps.js';
import { segments } from '../../db/schema/segments.js';
import {
  type CompiledRule,
  compileRule,
  parseSegmentRule,
  type RuleRequirements,
  requirementsOf,
  type SegmentRule,
  segmentEvaluationOrder,
} from '../rules/index.js';

export interface ActiveSegment {
  id: string;
  name: string;
  version: number;
  groupName: string | null;
  priority: number;
  /**
   * False until a full recompute has populated the segment once: that first population is not a
   * change of anyone's membership, so it writes no history (the members' enteredAt says when).
   */
  populated: boolean;
  rule: SegmentRule;
  compiled: CompiledRule;
}

export interface ActiveSegments {
  /** In dependency order: a segment comes after the segments its rule refers to. */
  list: ActiveSegment[];
  requirements: RuleRequirements;
}

// Ingest refreshes memberships after every batch; segments change rarely. A short per-instance
// cache, dropped at once when this instance edits a segment (other isolates see it within 5 s).
const CACHE_MS = 5_000;
const cache = new WeakMap<AppDeps['db'], { at: number; value: ActiveSegments }>();

export function forgetActiveSegments(deps: AppDeps): void {
  cache.delete(deps.db);
}

/** The enabled segments, parsed and compiled once. */
export async function activeSegments(deps: AppDeps): Promise<ActiveSegments> {
  const hit = cache.get(deps.db);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const rows = await deps.db.select().from(segments);
  const enabled = rows.filter((row) => row.enabled);
  const rules = new Map<string, SegmentRule>();
  for (const row of enabled) {
    // Saved rules were validated on the way in; one that no longer parses (a schema change) is
    // skipped and logged rather than stopping every other segment.
    const parsed = parseSegmentRule(row.rule);
    if (parsed.ok) rules.set(row.id, parsed.rule);
    else
      deps.logger.error('stored segment rule does not parse', { segmentId: row.id, issues: parsed.issues });
  }
  const byId = new Map(enabled.map((row) => [row.id, row]));
  const order = segmentEvaluationOrder([...rules.keys()], (id) => rules.get(id));
  const list = order.flatMap((id) => {
    const row = byId.get(id);
    const rule = rules.get(id);
    if (!row || !rule) return [];
    return [
      {
        id,
        name: row.name,
        version: row.version,
        groupName: row.groupName,
        priority: row.priority,
        populated: row.computedVersion !== null,
        rule,
        compiled: compileRule(rule),
      },
    ];
  });
  const value = { list, requirements: requirementsOf(list.map((segment) => segment.rule)) };
  cache.set(deps.db, { at: Date.now(), value });
  return value;
}

import type { AppDeps } from '../../app-deps.js';
import { eventNames, segments } from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';
import {
  findCycle,
  parseSegmentRule,
  type RuleIssue,
  type SegmentRule,
  segmentDependencies,
} from '../../segments/rules/index.js';

/**
 * A rule as it may be saved for segment `segmentId` (null for a new one): valid by the language,
 * no reference cycle through the other segments, every referenced segment existing. Event names
 * never received are warnings: the events may simply not have arrived yet.
 */
export async function validateSegmentRule(
  deps: AppDeps,
  segmentId: string | null,
  json: unknown,
): Promise<{ rule: SegmentRule; warnings: RuleIssue[] }> {
  const known = new Set(
    (await deps.db.select({ name: eventNames.name }).from(eventNames)).map((row) => row.name),
  );
  const parsed = parseSegmentRule(json, { knownEventNames: known, root: 'rule' });
  if (!parsed.ok) throw invalid(parsed.issues);

  const stored = await deps.db.select({ id: segments.id, rule: segments.rule }).from(segments);
  const rules = new Map<string, SegmentRule>();
  for (const row of stored) {
    const other = parseSegmentRule(row.rule);
    if (other.ok) rules.set(row.id, other.rule);
  }
  const self = segmentId ?? '(new segment)';
  rules.set(self, parsed.rule);
  const issues: RuleIssue[] = [];
  const referenced = segmentDependencies(parsed.rule);
  for (const id of referenced) {
    if (!rules.has(id) || id === '(new segment)')
      issues.push({ path: 'rule', message: `segment ${id} does not exist` });
  }
  const cycle = findCycle(self, (id) => rules.get(id));
  if (cycle)
    issues.push({ path: 'rule', message: `segments may not refer to themselves: ${cycle.join(' → ')}` });
  if (issues.length > 0) throw invalid(issues);
  return { rule: parsed.rule, warnings: parsed.warnings };
}

function invalid(issues: RuleIssue[]): AppError {
  return new AppError(
    'validation_failed',
    'segment rule is not valid',
    issues.map((issue) => ({ path: issue.path, message: issue.message })),
  );
}

/**
 * The segment rule language (docs/segment-rules.md): validate a rule from JSON, find what it
 * depends on and what data it needs, compile it once into an evaluator, explain a profile's result,
 * and say when time alone may change it. Pure: the caller loads snapshots and stores memberships.
 */
export { type Calendar, createCalendar } from './calendar.js';
export {
  type CompiledRule,
  type CompileOptions,
  compileRule,
  compileSegmentRule,
  explainSegmentRule,
  isTimeDependent,
  nextChangeAt,
  type SegmentEvaluator,
} from './compile.js';
export type { Explanation } from './compiled-node.js';
export { findCycle, segmentDependencies, segmentEvaluationOrder } from './dependencies.js';
export { RULE_LIMITS } from './limits.js';
export {
  type ClockMetricName,
  METRIC_NAMES,
  METRICS,
  type MetricDefinition,
  type MetricName,
  type StoredMetricName,
} from './metrics.js';
export { type ParseRuleOptions, type ParseRuleResult, parseSegmentRule, type RuleIssue } from './parse.js';
export { changedConditions, decidingConditions, membershipReason } from './reason.js';
export { type EventRequirement, type RuleRequirements, requirementsOf } from './requirements.js';
export type * from './schema.js';
export { ruleNodeSchema } from './schema.js';
export { SEED_SEGMENTS, type SeedSegment, type SeedSegmentKey, seedSegment } from './seed-segments.js';
export type {
  ConsentChannel,
  ConsentStatus,
  ProfileSnapshot,
  SnapshotCartItem,
  SnapshotEvent,
} from './snapshot.js';

import { z } from 'zod';
import { CONSENT_CHANNELS, CONSENT_STATUSES } from '../../db/schema/consent.js';
import { parseInstant } from './dates.js';
import { durationMs, MAX_WINDOW_MS, RULE_LIMITS, WINDOW_UNITS } from './limits.js';
import { checkMetricValue } from './metric-values.js';
import { METRIC_NAMES, METRICS } from './metrics.js';

/*
 * The segment rule language: JSON, one node per condition, a discriminated union on `type`.
 * docs/segment-rules.md documents every node with an example. Objects are strict: a misspelt
 * field is an error rather than a condition silently dropped.
 */

const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'required' : `expected ${what}`;

const nonEmptyName = z.string({ error: required('a string') }).min(1, 'expected a non-empty string');
const positiveInt = z
  .number({ error: required('a positive integer') })
  .int('expected a positive integer')
  .positive('expected a positive integer');
const finiteNumber = z.number({ error: required('a number') });
const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: required('a string, number or boolean'),
});
const numberOrString = z.union([z.number(), z.string()], { error: required('a number or a string') });
const windowUnit = z.enum(WINDOW_UNITS, { error: required(`one of: ${WINDOW_UNITS.join(', ')}`) });
const isoDate = z
  .string({ error: required('an ISO 8601 date') })
  .refine((text) => parseInstant(text) !== undefined, 'expected an ISO 8601 date, e.g. "2024-05-01"');

/** "Within the last N units": `{ last: 24, unit: 'hours' }`. */
export const windowSchema = z
  .strictObject({ last: positiveInt, unit: windowUnit })
  .superRefine((window, ctx) => {
    if (durationMs(window.last, window.unit) > MAX_WINDOW_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['last'],
        message: `window longer than ${RULE_LIMITS.maxWindowDays} days`,
      });
    }
  });
export type RuleWindow = z.infer<typeof windowSchema>;

/** A relative (`{ ago: 30, unit: 'days' }`) or absolute (`{ date: '2024-01-01' }`) point in time. */
export const timeBoundSchema = z
  .strictObject({ ago: positiveInt.optional(), unit: windowUnit.optional(), date: isoDate.optional() })
  .superRefine((bound, ctx) => {
    if ((bound.ago === undefined) === (bound.date === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected either { ago, unit } or { date }' });
    } else if (bound.ago !== undefined && bound.unit === undefined) {
      ctx.addIssue({ code: 'custom', path: ['unit'], message: 'required with ago' });
    } else if (bound.date !== undefined && bound.unit !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['unit'], message: 'not allowed with date' });
    } else if (bound.ago !== undefined && bound.unit && durationMs(bound.ago, bound.unit) > MAX_WINDOW_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['ago'],
        message: `more than ${RULE_LIMITS.maxWindowDays} days back`,
      });
    }
  });
export type TimeBound = z.infer<typeof timeBoundSchema>;

const betweenBounds = z
  .tuple([numberOrString, numberOrString], { error: required('[low, high]') })
  .superRefine(([low, high], ctx) => {
    if (typeof low !== typeof high) {
      ctx.addIssue({ code: 'custom', message: 'both bounds must be numbers, or both strings' });
      return;
    }
    const lowAt = typeof low === 'string' ? parseInstant(low) : undefined;
    const highAt = typeof high === 'string' ? parseInstant(high) : undefined;
    const inverted =
      lowAt !== undefined && highAt !== undefined
        ? lowAt > highAt
        : typeof low === 'number'
          ? low > (high as number)
          : (low as string).toLowerCase() > (high as string).toLowerCase();
    if (inverted) ctx.addIssue({ code: 'custom', message: 'the low bound is above the high bound' });
  });

const daysValue = positiveInt.max(RULE_LIMITS.maxWindowDays, `at most ${RULE_LIMITS.maxWindowDays} days`);
const valueList = z
  .array(scalar, { error: required('an array') })
  .min(1, 'expected at least one value')
  .max(1000, 'at most 1000 values');

// Comparison variants shared by traits, event properties and metrics; `shape` adds the node's own
// fields so each variant is a complete strict object the `op` discriminator can pick.
function scalarComparisons<S extends z.core.$ZodLooseShape>(shape: S) {
  return [
    z.strictObject({ ...shape, op: z.enum(['eq', 'neq']), value: scalar }),
    z.strictObject({ ...shape, op: z.enum(['in', 'not_in']), value: valueList }),
    z.strictObject({ ...shape, op: z.enum(['lt', 'lte', 'gt', 'gte']), value: numberOrString }),
    z.strictObject({ ...shape, op: z.literal('between'), value: betweenBounds }),
    z.strictObject({ ...shape, op: z.enum(['exists', 'not_exists']) }),
  ] as const;
}

function textComparison<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject({ ...shape, op: z.enum(['contains', 'not_contains']), value: numberOrString });
}

const traitShape = { type: z.literal('trait'), trait: nonEmptyName };
export const traitNodeSchema = z.discriminatedUnion('op', [
  ...scalarComparisons(traitShape),
  textComparison(traitShape),
  z.strictObject({ ...traitShape, op: z.enum(['within_last_days', 'more_than_days_ago']), value: daysValue }),
  z.strictObject({ ...traitShape, op: z.enum(['anniversary_today', 'birthday_today']) }),
]);
export type TraitNode = z.infer<typeof traitNodeSchema>;
export type TraitOp = TraitNode['op'];

const metricName = z.enum(METRIC_NAMES, {
  error: (issue) =>
    issue.input === undefined
      ? 'required'
      : `unknown metric ${JSON.stringify(issue.input)}; known metrics: ${METRIC_NAMES.join(', ')}`,
});
const metricShape = { type: z.literal('metric'), metric: metricName };
export const metricNodeSchema = z
  .discriminatedUnion('op', [...scalarComparisons(metricShape)])
  .superRefine((node, ctx) => checkMetricValue(node, METRICS[node.metric], ctx));
export type MetricNode = z.infer<typeof metricNodeSchema>;

const propertyShape = { property: nonEmptyName };
export const propertyConditionSchema = z.discriminatedUnion('op', [
  ...scalarComparisons(propertyShape),
  textComparison(propertyShape),
]);
export type PropertyCondition = z.infer<typeof propertyConditionSchema>;

/** A comparison of a number: event counts, cart value and item count. */
function numberComparison(value: z.ZodNumber) {
  return z.discriminatedUnion('op', [
    z.strictObject({ op: z.enum(['eq', 'neq', 'lt', 'lte', 'gt', 'gte']), value }),
    z.strictObject({
      op: z.literal('between'),
      value: z
        .tuple([value, value], { error: required('[low, high]') })
        .refine(([low, high]) => low <= high, {
          message: 'the low bound is above the high bound',
        }),
    }),
  ]);
}
export const countComparisonSchema = numberComparison(
  z
    .number({ error: required('a whole number') })
    .int('expected a whole number')
    .nonnegative('expected a whole number'),
);
export const amountComparisonSchema = numberComparison(finiteNumber);
export type NumberComparison = z.infer<typeof amountComparisonSchema>;

const whereList = z.array(propertyConditionSchema).max(20, 'at most 20 property conditions').optional();

export const eventNodeSchema = z.strictObject({
  type: z.literal('event'),
  event: nonEmptyName,
  where: whereList,
  /** Default: at least once. */
  count: countComparisonSchema.optional(),
  /** Default: the whole history. */
  within: windowSchema.optional(),
});
export type EventNode = z.infer<typeof eventNodeSchema>;

export const notEventNodeSchema = z.strictObject({
  type: z.literal('not_event'),
  event: nonEmptyName,
  where: whereList,
  within: windowSchema.optional(),
});
export type NotEventNode = z.infer<typeof notEventNodeSchema>;

export const lastPerformedNodeSchema = z
  .strictObject({
    type: z.literal('last_performed'),
    event: nonEmptyName,
    where: whereList,
    before: timeBoundSchema.optional(),
    after: timeBoundSchema.optional(),
  })
  .superRefine((node, ctx) => {
    if (!node.before && !node.after) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected before, after or both' });
    }
  });
export type LastPerformedNode = z.infer<typeof lastPerformedNodeSchema>;

export const cartNodeSchema = z.strictObject({
  type: z.literal('cart'),
  value: amountComparisonSchema.optional(),
  itemCount: countComparisonSchema.optional(),
  containsProduct: nonEmptyName.optional(),
  containsCategory: nonEmptyName.optional(),
  updatedWithin: windowSchema.optional(),
  notUpdatedWithin: windowSchema.optional(),
});
export type CartNode = z.infer<typeof cartNodeSchema>;

export const consentNodeSchema = z.strictObject({
  type: z.literal('consent'),
  channel: z.enum(CONSENT_CHANNELS, { error: required(`one of: ${CONSENT_CHANNELS.join(', ')}`) }),
  status: z.enum(CONSENT_STATUSES, { error: required(`one of: ${CONSENT_STATUSES.join(', ')}`) }),
});
export type ConsentNode = z.infer<typeof consentNodeSchema>;

export const segmentNodeSchema = z.strictObject({ type: z.literal('segment'), segment: nonEmptyName });
export type SegmentNode = z.infer<typeof segmentNodeSchema>;

const bucketBound = z
  .number({ error: required('a whole number from 0 to 100') })
  .int('expected a whole number from 0 to 100')
  .min(0, 'expected a whole number from 0 to 100')
  .max(100, 'expected a whole number from 0 to 100');
/** Buckets `from` (inclusive) to `to` (exclusive) of 0..99: `{ from: 0, to: 10 }` is 10 % of profiles. */
export const randomBucketNodeSchema = z
  .strictObject({ type: z.literal('random_bucket'), seed: nonEmptyName, from: bucketBound, to: bucketBound })
  .refine((node) => node.from < node.to, { path: ['to'], message: 'expected to > from' });
export type RandomBucketNode = z.infer<typeof randomBucketNodeSchema>;

const children = () =>
  z.array(ruleNodeSchema, { error: required('an array') }).min(1, 'expected at least one condition');

export const allNodeSchema = z.strictObject({
  type: z.literal('all'),
  get children(): z.ZodArray<typeof ruleNodeSchema> {
    return children();
  },
});
export const anyNodeSchema = z.strictObject({
  type: z.literal('any'),
  get children(): z.ZodArray<typeof ruleNodeSchema> {
    return children();
  },
});
export const notNodeSchema = z.strictObject({
  type: z.literal('not'),
  get child(): typeof ruleNodeSchema {
    return ruleNodeSchema;
  },
});

export const ruleNodeSchema = z.discriminatedUnion(
  'type',
  [
    allNodeSchema,
    anyNodeSchema,
    notNodeSchema,
    traitNodeSchema,
    metricNodeSchema,
    eventNodeSchema,
    notEventNodeSchema,
    lastPerformedNodeSchema,
    cartNodeSchema,
    consentNodeSchema,
    segmentNodeSchema,
    randomBucketNodeSchema,
  ],
  {
    // Only for inputs that are no object at all; a bad `type` gets its own message in parse.ts.
    error: (issue) =>
      issue.input === undefined
        ? 'required'
        : typeof issue.input !== 'object' || issue.input === null || Array.isArray(issue.input)
          ? 'expected a condition: an object with a type'
          : undefined,
  },
);
export type RuleNode = z.infer<typeof ruleNodeSchema>;
export type AllNode = z.infer<typeof allNodeSchema>;
export type AnyNode = z.infer<typeof anyNodeSchema>;
export type NotNode = z.infer<typeof notNodeSchema>;
/** A whole segment rule is one node (usually `all` or `any`). */
export type SegmentRule = RuleNode;

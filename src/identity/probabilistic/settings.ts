import { z } from 'zod';

/**
 * Settings of the probabilistic linker: plain JSON (stored per workspace in the database later),
 * validated by zod, so a model trained today can be re-read and explained tomorrow.
 */

const label = z.string().min(1).optional();

/**
 * One comparison level. Levels are tried in order and the first that holds wins, so list them
 * from the most to the least specific. "Null" (either side missing, weight 0) is implicit first
 * and "else" (nothing held) implicit last.
 */
export const comparisonLevelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exact'), label }),
  z.object({ kind: z.literal('jaroWinkler'), min: z.number().gt(0).lt(1), label }),
  z.object({ kind: z.literal('levenshtein'), max: z.number().int().min(1).max(16), label }),
  /** Levenshtein plus adjacent transpositions (optimal string alignment). */
  z.object({ kind: z.literal('damerau'), max: z.number().int().min(1).max(16), label }),
  /**
   * This field equals the other record's `field` in either direction: given name and surname
   * entered in each other's box is a common data-entry error that no string distance sees.
   */
  z.object({ kind: z.literal('swapped'), field: z.string().min(1), label }),
  z.object({ kind: z.literal('dateDayMonthSwapped'), label }),
  z.object({ kind: z.literal('dateWithinDays'), days: z.number().int().min(0), label }),
  /** Same month and day, year within `years`: the year is the part most often mistyped or guessed. */
  z.object({ kind: z.literal('dateSameMonthDay'), years: z.number().int().min(1), label }),
  z.object({ kind: z.literal('dateWithinYears'), years: z.number().int().min(0), label }),
  /** Holds when |a − b| ≤ abs or |a − b| ≤ rel · max(|a|, |b|). */
  z.object({
    kind: z.literal('numberWithin'),
    abs: z.number().min(0).optional(),
    rel: z.number().min(0).optional(),
    label,
  }),
]);
export type ComparisonLevel = z.infer<typeof comparisonLevelSchema>;

/** How a raw value becomes the comparable one; see prepare.ts. */
export const normalizerSchema = z.enum(['text', 'digits', 'date', 'email', 'phone', 'number', 'none']);
export type Normalizer = z.infer<typeof normalizerSchema>;

export const fieldSettingsSchema = z.object({
  /** The field's name in models and evidence, e.g. `given_name`. */
  key: z.string().min(1),
  /**
   * Source columns holding it, tried in order (case and surrounding spaces ignored): the same
   * settings serve FEBRL's `given_name` and a CRM's `first_name`. A field absent from the data
   * is left out of the model (all comparisons null, weight 0).
   */
  columns: z.array(z.string().min(1)).min(1),
  normalize: normalizerSchema.default('text'),
  levels: z.array(comparisonLevelSchema).min(1),
  /**
   * Exact agreement on a common value ("smith") is weaker evidence than on a rare one ("zwolinski"):
   * the exact level's u becomes the value's frequency instead of the field's average.
   */
  termFrequency: z.boolean().default(false),
});
export type FieldSettings = z.infer<typeof fieldSettingsSchema>;

export const blockingTransformSchema = z.enum(['value', 'prefix', 'suffix', 'soundex', 'year', 'monthDay']);
export type BlockingTransform = z.infer<typeof blockingTransformSchema>;

export const blockingKeySchema = z.object({
  field: z.string().min(1),
  transform: blockingTransformSchema.default('value'),
  /** Characters kept by `prefix` and `suffix`. */
  length: z.number().int().min(1).optional(),
});
export type BlockingKey = z.infer<typeof blockingKeySchema>;

/** Two records are compared when every key of at least one rule is present and equal on both. */
export const blockingRuleSchema = z.object({
  name: z.string().min(1).optional(),
  keys: z.array(blockingKeySchema).min(1),
});
export type BlockingRule = z.infer<typeof blockingRuleSchema>;

export const linkageSettingsSchema = z
  .object({
    fields: z.array(fieldSettingsSchema).min(1),
    blockingRules: z.array(blockingRuleSchema).min(1),
    /**
     * Blocks larger than this are skipped (and counted): a placeholder value shared by thousands
     * of records ("1900-01-01") would otherwise turn blocking back into all pairs.
     */
    maxBlockSize: z.number().int().min(2).default(2_000),
    /** Normalized values that mean "unknown" and are treated as missing. */
    nullValues: z.array(z.string()).default(['null', 'none', 'n a', 'na', 'unknown', 'undefined']),
    /** How `03/04/1990` is read; ISO (`1990-04-03`) and `19900403` are unambiguous. */
    dateOrder: z.enum(['dmy', 'mdy']).default('mdy'),
    thresholds: z
      .object({
        /** Match probability at or above which records are merged. */
        merge: z.number().gt(0).lt(1).default(0.99),
        /** Between this and `merge`: queued for review. */
        review: z.number().gt(0).lt(1).default(0.8),
      })
      .prefault({}),
    training: z
      .object({
        /** Random record pairs compared to estimate u (the non-match distribution). */
        uSamplePairs: z.number().int().min(1_000).default(300_000),
        seed: z.number().int().default(20_240_601),
        maxEmIterations: z.number().int().min(1).default(100),
        /** EM stops when no parameter moves by more than this. */
        emTolerance: z.number().gt(0).default(1e-6),
        /**
         * Pseudo-count per level added to the EM's m counts: a level no match showed in training
         * gets a small m instead of 0 (an infinite negative weight for the first real match that shows it).
         */
        mPseudoCount: z.number().min(0).default(0.5),
        /** Floor of a term-frequency u, so a value seen once cannot yield an unbounded weight. */
        tfMinU: z.number().gt(0).lt(1).default(1e-4),
      })
      .prefault({}),
  })
  .superRefine((settings, ctx) => {
    if (settings.thresholds.review > settings.thresholds.merge) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not exceed thresholds.merge',
        path: ['thresholds', 'review'],
      });
    }
    const keys = new Set<string>();
    settings.fields.forEach((field, index) => {
      if (keys.has(field.key))
        ctx.addIssue({ code: 'custom', message: 'duplicate field key', path: ['fields', index, 'key'] });
      keys.add(field.key);
    });
    settings.fields.forEach((field, index) => {
      field.levels.forEach((level, levelIndex) => {
        if (level.kind === 'swapped' && !keys.has(level.field)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown field ${level.field}`,
            path: ['fields', index, 'levels', levelIndex, 'field'],
          });
        }
      });
    });
    settings.blockingRules.forEach((rule, index) => {
      rule.keys.forEach((key, keyIndex) => {
        if (!keys.has(key.field)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown field ${key.field}`,
            path: ['blockingRules', index, 'keys', keyIndex, 'field'],
          });
        }
      });
    });
  });
export type LinkageSettings = z.output<typeof linkageSettingsSchema>;
export type LinkageSettingsInput = z.input<typeof linkageSettingsSchema>;

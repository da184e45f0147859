import { z } from 'zod';
import { linkageSettingsSchema } from './settings.js';

/**
 * A trained model: the settings it was trained with and every estimated parameter, as plain JSON
 * (stored with the merges it justified, so each merge can be explained later from its evidence).
 */

export const modelLevelSchema = z.object({
  label: z.string(),
  /** P(level | match), estimated by EM. */
  m: z.number().min(0).max(1),
  /** P(level | non-match), estimated from random pairs. */
  u: z.number().min(0).max(1),
});

export const termFrequencySchema = z.object({
  /** Records with a value for the field. */
  total: z.number().int().min(0),
  /** Values seen more than once → count; a value not listed was seen at most once. */
  counts: z.record(z.string(), z.number().int().min(2)),
});
export type TermFrequencyTable = z.infer<typeof termFrequencySchema>;

export const modelFieldSchema = z.object({
  key: z.string(),
  /** False when the training data had no value for the field: it then weighs 0. */
  present: z.boolean(),
  /** Non-null levels in settings order, "else" last. */
  levels: z.array(modelLevelSchema),
  termFrequency: termFrequencySchema.nullable(),
});
export type ModelField = z.infer<typeof modelFieldSchema>;

export const linkageModelSchema = z.object({
  version: z.literal(1),
  settings: linkageSettingsSchema,
  /** λ: probability that two records drawn at random are the same entity. */
  priorMatchProbability: z.number().gt(0).lt(1),
  fields: z.array(modelFieldSchema),
  training: z.object({
    mode: z.enum(['dedup', 'link']),
    records: z.number().int().min(0),
    candidatePairs: z.number().int().min(0),
    sampledPairs: z.number().int().min(0),
    emIterations: z.number().int().min(0),
    emConverged: z.boolean(),
    /** Expected matches among the candidate pairs, from EM. */
    expectedMatches: z.number().min(0),
    /** Mean match weight of the pairs EM took for matches, under the final model. */
    meanMatchWeight: z.number(),
    /**
     * Whether that mean clears the merge threshold. False means EM found no class of pairs the
     * model itself would merge (typically: no duplicates in the data); linkage then merges nothing.
     */
    identifiable: z.boolean(),
  }),
});
export type LinkageModel = z.infer<typeof linkageModelSchema>;

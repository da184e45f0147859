import { compareAll, compileComparators } from './comparisons.js';
import type { LinkageModel } from './model.js';
import { type PersonRecord, prepareRecords } from './prepare.js';
import { createScorer, explainPair, type PairScore, type Scorer } from './scoring.js';

const scorers = new WeakMap<LinkageModel, Scorer>();

/**
 * Scores two records with a trained model, e.g. a new profile against a candidate from the store.
 * Term frequencies come from the model (the population it was trained on), not from the pair.
 */
export function scorePair(model: LinkageModel, a: PersonRecord, b: PersonRecord): PairScore {
  let scorer = scorers.get(model);
  if (!scorer) {
    scorer = createScorer(model);
    scorers.set(model, scorer);
  }
  const prepared = prepareRecords(model.settings, [a], [b]);
  // A field the model never saw weighs 0 even if this pair has it: there is no m or u for it.
  prepared.fields.forEach((field, f) => {
    if (!model.fields[f]!.present) field.values.fill(null);
  });
  const comparators = compileComparators(model.settings.fields, prepared);
  const vectors = compareAll(comparators, Int32Array.of(0), Int32Array.of(1));
  return explainPair(scorer, prepared, vectors, 0, 0);
}

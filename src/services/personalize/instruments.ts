import type { AppDeps } from '../../app-deps.js';
import type { Db } from '../../db/client.js';
import { PersonalizeMetrics } from './metrics.js';
import { TokenBuckets } from './rate-limit.js';

/** The webhook's per-instance state for one database: its metrics and its rate-limit buckets. */
export interface PersonalizeInstruments {
  metrics: PersonalizeMetrics;
  buckets: TokenBuckets;
}

const instruments = new WeakMap<Db, PersonalizeInstruments>();

export function instrumentsFor(deps: AppDeps): PersonalizeInstruments {
  let found = instruments.get(deps.db);
  if (!found) {
    found = { metrics: new PersonalizeMetrics(), buckets: new TokenBuckets() };
    instruments.set(deps.db, found);
  }
  return found;
}

import { bucketerFor } from './bucket.js';
import { type CompiledNode, leaf } from './compiled-node.js';
import type { ConsentNode, RandomBucketNode, SegmentNode } from './schema.js';

/** Consent: a channel without a stated status is `never`. */
export function compileConsent(node: ConsentNode, path: string): CompiledNode {
  const { channel, status } = node;
  return leaf('consent', path, {
    test: (snapshot) => (snapshot.consent[channel] ?? 'never') === status,
    detail: (snapshot) => `${channel} consent = ${snapshot.consent[channel] ?? 'never'}; wanted ${status}`,
  });
}

/**
 * Membership of another segment as the caller filled `snapshot.segments`. It changes when that
 * segment's members do, which the caller schedules for that segment; here it is time-independent.
 */
export function compileSegmentMembership(node: SegmentNode, path: string): CompiledNode {
  const id = node.segment;
  return leaf('segment', path, {
    test: (snapshot) => snapshot.segments.has(id),
    detail: (snapshot) => `${snapshot.segments.has(id) ? 'in' : 'not in'} segment ${id}`,
  });
}

export function compileRandomBucket(node: RandomBucketNode, path: string): CompiledNode {
  const bucketOf = bucketerFor(node.seed);
  const { from, to } = node;
  return leaf('random_bucket', path, {
    test: (snapshot) => {
      const bucket = bucketOf(snapshot.profileId);
      return bucket >= from && bucket < to;
    },
    detail: (snapshot) =>
      `bucket ${bucketOf(snapshot.profileId)} for seed ${JSON.stringify(node.seed)}; wanted ${from} to ${to - 1}`,
  });
}

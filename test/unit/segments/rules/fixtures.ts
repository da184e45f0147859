import { expect } from 'vitest';
import { parseSegmentRule } from '../../../../src/segments/rules/parse.js';
import type { SegmentRule } from '../../../../src/segments/rules/schema.js';
import type { ProfileSnapshot, SnapshotEvent } from '../../../../src/segments/rules/snapshot.js';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Saturday 17 May 2025, 12:00 UTC: every test's "now". */
export const NOW = Date.UTC(2025, 4, 17, 12, 0, 0);

export function event(name: string, at: number, properties: Record<string, unknown> = {}): SnapshotEvent {
  return { name, at, properties };
}

type SnapshotOverrides = Partial<Omit<ProfileSnapshot, 'cart'>> & { cart?: Partial<ProfileSnapshot['cart']> };

/** A profile with nothing known about it, plus the given parts. */
export function profile(overrides: SnapshotOverrides = {}): ProfileSnapshot {
  const { cart, ...rest } = overrides;
  return {
    profileId: 'prof_test',
    traits: {},
    metrics: {},
    events: [],
    consent: {},
    segments: new Set(),
    ...rest,
    cart: { items: [], value: 0, updatedAt: null, ...cart },
  };
}

/** Parses a rule that must be valid (the tests' rules go through the same door as the API's). */
export function rule(json: unknown): SegmentRule {
  const parsed = parseSegmentRule(json);
  if (!parsed.ok) expect.fail(`invalid rule: ${JSON.stringify(parsed.issues)}`);
  return parsed.rule;
}

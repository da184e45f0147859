import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../src/app-deps.js';
import { AppError } from '../../../src/http/errors.js';
import { answerObject, type BuiltAnswer, EMPTY_PROFILE } from '../../../src/services/personalize/answer.js';
import { withinBudget } from '../../../src/services/personalize/budget.js';
import {
  type ProductEntry,
  productJson,
  seededShuffle,
  withUtm,
} from '../../../src/services/personalize/items.js';
import { PersonalizeMetrics } from '../../../src/services/personalize/metrics.js';
import { parsePersonalizeQuery } from '../../../src/services/personalize/params.js';
import { jsonString, profileJson } from '../../../src/services/personalize/profile-json.js';
import { lookupProfileRecord } from '../../../src/services/personalize/profile-record.js';
import { TokenBuckets } from '../../../src/services/personalize/rate-limit.js';
import { serializeAnswer } from '../../../src/services/personalize/serialize.js';
import {
  recommendationSettingsSchema,
  webhookSettingsSchema,
} from '../../../src/services/personalize/settings.js';
import { answerSeed } from '../../../src/services/personalize/slots.js';
import { servedProfile } from './served-profile-fixture.js';

const defaults = webhookSettingsSchema.parse({});

function product(id: string, url: string | null, extra: Partial<ProductEntry> = {}): ProductEntry {
  const shown = { id, title: `Title "${id}" <b>`, url, image: null, price: 9.5, currency: 'EUR', ...extra };
  return { ...shown, category: null, showable: true, json: productJson(shown) };
}

describe('query parameters', () => {
  it('fills defaults and keeps the slots in the order asked, each once', () => {
    expect(parsePersonalizeQuery({ email: ' A@B.co ' }, defaults)).toEqual({
      identifier: { param: 'email', value: 'A@B.co' },
      slots: ['recs'],
      n: 4,
      sendId: null,
      format: 'json',
    });
    const request = parsePersonalizeQuery(
      {
        external_id: '42',
        source: 'crm',
        slots: 'hero, recs,hero',
        n: '12',
        send_id: 'c1',
        format: 'html',
        x: 'y',
      },
      defaults,
    );
    expect(request).toMatchObject({
      identifier: { param: 'external_id', value: '42', source: 'crm' },
      slots: ['hero', 'recs'],
      n: 12,
    });
  });

  it('parses a slots value once and shares it, frozen; a bad value is still refused after a good one', () => {
    const first = parsePersonalizeQuery({ email: 'a@b.co', slots: 'trending,recs' }, defaults);
    const second = parsePersonalizeQuery({ email: 'c@d.co', slots: 'trending,recs' }, defaults);
    expect(second.slots).toBe(first.slots);
    expect(first.slots).toEqual(['trending', 'recs']);
    expect(Object.isFrozen(first.slots)).toBe(true);
    expect(() => parsePersonalizeQuery({ email: 'a@b.co', slots: 'trending,recs,nope' }, defaults)).toThrow(
      /unknown slot 'nope'/,
    );
  });

  it.each([
    [{}, 'query'],
    [{ email: 'a@b.co', user_id: 'u' }, 'query.email'],
    [{ email: '  ' }, 'query.email'],
    [{ email: 'a@b.co', slots: ',' }, 'query.slots'],
    [{ email: 'a@b.co', slots: 'recs,nope' }, 'query.slots'],
    [{ email: 'a@b.co', n: '-1' }, 'query.n'],
    [{ email: 'a@b.co', n: '1e1' }, 'query.n'],
    [{ email: 'a@b.co', format: 'JSON' }, 'query.format'],
    [{ email: 'a@b.co', send_id: 'x'.repeat(201) }, 'query.send_id'],
  ])('refuses %j naming %s', (query, path) => {
    try {
      parsePersonalizeQuery(query, defaults);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect(((error as AppError).details as Array<{ path: string }>)[0]!.path).toBe(path);
    }
  });
});

describe('the recommendations settings document', () => {
  it('fills every default, and setting one rule keeps the others', () => {
    const defaults = recommendationSettingsSchema.parse({});
    expect(defaults).toMatchObject({
      itemsPerProfile: 10,
      rules: { maxPerCategory: 3, priceBand: { min: 0, max: 3 }, excludePurchasedWithinDays: 30 },
      fallback: { overfetch: 2, minConfidence: 0.3 },
      webhook: { budgetMs: 50, defaultN: 4, rateLimit: { perSecond: 1000, burst: 2000 } },
    });
    const boosted = recommendationSettingsSchema.parse({
      rules: { boost: ['sku-1'] },
      webhook: { budgetMs: 80 },
    });
    expect(boosted.rules).toMatchObject({
      boost: ['sku-1'],
      maxPerCategory: 3,
      priceBand: { min: 0, max: 3 },
    });
    expect(boosted.webhook).toMatchObject({ budgetMs: 80, cacheSeconds: 300 });
    expect(recommendationSettingsSchema.safeParse({ webhook: { defaultSlots: ['bogus'] } }).success).toBe(
      false,
    );
  });
});

describe('determinism', () => {
  it('seeds from the profile and the send, or the hour when there is no send', () => {
    const request = parsePersonalizeQuery({ email: 'a@b.co', send_id: 's' }, defaults);
    const hourly = parsePersonalizeQuery({ email: 'a@b.co' }, defaults);
    const at = Date.UTC(2026, 0, 1, 10, 5);
    expect(answerSeed(request, 'prof_1', at)).toBe(answerSeed(request, 'prof_1', at + 86_400_000));
    expect(answerSeed(request, 'prof_1', at)).not.toBe(answerSeed(request, 'prof_2', at));
    expect(answerSeed(hourly, 'prof_1', at)).toBe(answerSeed(hourly, 'prof_1', at + 50 * 60_000));
    expect(answerSeed(hourly, 'prof_1', at)).not.toBe(answerSeed(hourly, 'prof_1', at + 60 * 60_000));
  });

  it('shuffles the same way for the same seed', () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    expect(seededShuffle(items, 7)).toEqual(seededShuffle(items, 7));
    expect(seededShuffle(items, 7)).not.toEqual(seededShuffle(items, 8));
    expect([...seededShuffle(items, 7)].sort((a, b) => a - b)).toEqual(items);
  });
});

describe('the JSON answer', () => {
  it('is assembled from pieces exactly as JSON.stringify writes the answer object', () => {
    const built: BuiltAnswer = {
      profile: {
        id: 'prof_1',
        firstName: 'Zoë "Z"',
        lastName: null,
        primarySegment: 'Loyal',
        primarySegments: { lifecycle: 'Loyal' },
        rfmGroup: 'Champions',
        clvTier: 'high',
        cluster: null,
        lastViewedCategory: 'shoes',
        cartItems: 2,
      },
      slots: [
        {
          slot: 'recs',
          products: [
            product('a', 'https://shop.example.com/p/a'),
            product('b', 'https://shop.example.com/p/b?size=42#reviews'),
            product('c', null, { title: 'Café ☕ 😀 \u2028' }),
            product('d', 'https://shop.example.com/p/d?utm_source=feed'),
          ],
          fallback: false,
          level: 'personal',
          confidence: 0.7143,
        },
        { slot: 'hero', products: [], fallback: true, level: 'global', confidence: 0.5 },
      ],
      fallback: false,
      reason: null,
      sendId: 'camp 7/ü',
      campaign: 'camp 7/ü',
      utm: { source: 'esp-hub', medium: 'email' },
    };
    const { body } = serializeAnswer(built);
    const json = new TextDecoder().decode(body);
    expect(json).toBe(JSON.stringify(answerObject(built)));
    const parsed = JSON.parse(json);
    expect(parsed.slots.recs.items[1].url).toBe(
      'https://shop.example.com/p/b?size=42&utm_source=esp-hub&utm_medium=email&utm_campaign=camp%207%2F%C3%BC&utm_content=recs#reviews',
    );
    // A URL with its own utm_source keeps it.
    expect(parsed.slots.recs.items[3].url).toBe(
      'https://shop.example.com/p/d?utm_source=feed&utm_medium=email&utm_campaign=camp%207%2F%C3%BC&utm_content=recs',
    );
  });

  it('hashes everything the body is made of: a change anywhere changes the hash', () => {
    const answer = (price: number, sendId: string, firstName: string): BuiltAnswer => ({
      profile: { ...EMPTY_PROFILE, id: 'prof_1', firstName },
      slots: [
        {
          slot: 'recs',
          products: [
            product('a', 'https://x.example/a', { price }),
            product('b', 'https://x.example/b?utm_medium=x'),
          ],
          fallback: false,
          level: 'personal',
          confidence: 0.5,
        },
      ],
      fallback: false,
      reason: null,
      sendId,
      campaign: sendId,
      utm: { source: 'esp-hub', medium: 'email' },
    });
    const base = serializeAnswer(answer(10, 's1', 'Ann'));
    expect(serializeAnswer(answer(10, 's1', 'Ann'))).toEqual(base);
    const withSlot = (change: Partial<BuiltAnswer['slots'][number]>): BuiltAnswer => {
      const built = answer(10, 's1', 'Ann');
      return { ...built, slots: [{ ...built.slots[0]!, ...change }] };
    };
    const changes = [
      answer(11, 's1', 'Ann'),
      answer(10, 's2', 'Ann'),
      answer(10, 's1', 'Anne'),
      withSlot({ confidence: 0.6 }),
      withSlot({ level: 'segment' }),
      withSlot({ fallback: true }),
      withSlot({ slot: 'hero' }),
      // New UTM settings (another object) with the same campaign: not the UTM query remembered for the old ones.
      { ...answer(10, 's1', 'Ann'), utm: { source: 'crm', medium: 'email' } },
    ];
    for (const changed of changes) {
      const { body, hash } = serializeAnswer(changed);
      expect(body).not.toEqual(base.body);
      expect(hash).not.toBe(base.hash);
    }
  });

  it('adds UTM parameters before the fragment', () => {
    expect(withUtm('https://x.example/p#top', { source: 's', medium: 'm' }, 'c', 'hero')).toBe(
      'https://x.example/p?utm_source=s&utm_medium=m&utm_campaign=c&utm_content=hero#top',
    );
  });
});

describe('the time budget', () => {
  it('answers with the work when it is in time, and without it when it is not', async () => {
    expect(await withinBudget(Promise.resolve(3), 50)).toEqual({ done: true, value: 3 });
    const slow = new Promise((resolve) => setTimeout(() => resolve('late'), 200));
    expect(await withinBudget(slow, 10)).toEqual({ done: false });
    await expect(withinBudget(Promise.reject(new Error('broken')), 50)).rejects.toThrow('broken');
  });
});

describe('per-key rate limits', () => {
  it('allows the burst, then refills at the rate', () => {
    const buckets = new TokenBuckets();
    const limit = { perSecond: 2, burst: 3 };
    const at = 1_000_000;
    expect([1, 2, 3, 4].map(() => buckets.take('k1', limit, at).ok)).toEqual([true, true, true, false]);
    expect(buckets.take('k1', limit, at)).toEqual({ ok: false, retryAfterS: 1 });
    expect(buckets.take('k2', limit, at).ok).toBe(true);
    expect(buckets.take('k1', limit, at + 500).ok).toBe(true);
    expect(buckets.take('k1', limit, at + 500).ok).toBe(false);
  });
});

describe('metrics', () => {
  it('reads percentiles from the histogram within a bucket of the true value', () => {
    const metrics = new PersonalizeMetrics();
    for (let i = 1; i <= 1000; i++) metrics.answered('ok', i / 100, false);
    metrics.answered('fallback_timeout', 60, true);
    metrics.refusedWith('bad_request');
    const snapshot = metrics.snapshot();
    expect(snapshot.requests).toBe(1002);
    expect(snapshot.answers).toMatchObject({ ok: 1000, fallback_timeout: 1 });
    expect(snapshot.slotFallbacks).toBe(1);
    expect(snapshot.latencyMs.p50).toBeGreaterThanOrEqual(5);
    expect(snapshot.latencyMs.p50).toBeLessThanOrEqual(5 * 1.25);
    expect(snapshot.latencyMs.p99).toBeGreaterThanOrEqual(9.9);
    expect(snapshot.latencyMs.p99).toBeLessThanOrEqual(9.9 * 1.25);
    expect(snapshot.latencyMs.max).toBe(60);
  });
});

describe("a held profile's primary segments", () => {
  const held = (id: string) => servedProfile(id, { segments: 'seg_b\u001fseg_a\u001fseg_c' });
  const lookup = { byId: true, key: 'unused' };
  // Never read: a held profile needs no database.
  const deps = {} as AppDeps;
  const unusedSlot = () => {
    throw new Error('a held profile has its products already');
  };

  it('are the highest priority per group, shared between profiles with the same list, and follow the segments as read', async () => {
    const segments = new Map([
      ['seg_a', { group: 'tier', name: 'Gold', priority: 2 }],
      ['seg_b', { group: 'tier', name: 'Silver', priority: 1 }],
      ['seg_c', { group: 'age', name: 'New', priority: 0 }],
    ]);
    const ann = await lookupProfileRecord(deps, lookup, segments, held('prof_ann'), unusedSlot);
    const bob = await lookupProfileRecord(deps, lookup, segments, held('prof_bob'), unusedSlot);
    expect(ann?.primarySegments).toEqual([
      { group: 'age', id: 'seg_c', name: 'New' },
      { group: 'tier', id: 'seg_a', name: 'Gold' },
    ]);
    expect(bob?.primarySegments).toBe(ann?.primarySegments);
    // Segments read again (a rename, a new priority) are a new map: the answer follows them.
    const reread = new Map(segments);
    reread.set('seg_b', { group: 'tier', name: 'Silver+', priority: 5 });
    const later = await lookupProfileRecord(deps, lookup, reread, held('prof_ann'), unusedSlot);
    expect(later?.primarySegments).toEqual([
      { group: 'age', id: 'seg_c', name: 'New' },
      { group: 'tier', id: 'seg_b', name: 'Silver+' },
    ]);
  });
});

describe('the profile JSON', () => {
  const full = (change: Partial<BuiltAnswer['profile']>): BuiltAnswer['profile'] => ({
    id: 'prof_1',
    firstName: 'Ann',
    lastName: 'Lee',
    primarySegment: 'Loyal',
    primarySegments: { lifecycle: 'Loyal', value: 'High' },
    rfmGroup: 'Champions',
    clvTier: 'high',
    cluster: 'cluster 3',
    lastViewedCategory: 'shoes',
    cartItems: 2,
    ...change,
  });

  it('is the text JSON.stringify writes, with every field and every kind of value', () => {
    const cases = [
      full({}),
      EMPTY_PROFILE,
      full({ firstName: 'Zoë "Z" \\ back', lastName: 'tab\there\nline' }),
      full({ lastName: '😀 and a lone \ud800 surrogate', cluster: '\u2028\u2029' }),
      // Integer-like group names come first in JSON.stringify's order.
      full({ primarySegments: { zeta: 'Z', '10': 'ten', '2': 'two', 'a"b': 'q' } }),
      full({ cartItems: Number.NaN, id: null }),
    ];
    for (const fields of cases) expect(profileJson(fields)).toBe(JSON.stringify(fields));
  });

  it('quotes plain strings as they are and escapes the rest as JSON.stringify does', () => {
    for (const text of ['', 'plain', 'é€', 'a"b', 'c\\d', '\u0001', '\udfff', '😀']) {
      expect(jsonString(text)).toBe(JSON.stringify(text));
    }
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppDeps } from '../../src/app-deps.js';
import { atomic } from '../../src/db/atomic.js';
import { bulkInsert } from '../../src/db/bulk.js';
import { rawSelect } from '../../src/db/raw-select.js';
import { events, profileMetrics, profiles, segments } from '../../src/db/schema/index.js';
import { ingest } from '../../src/ingest/pipeline.js';
import { seededRandom } from '../../src/lib/random.js';
import { forgetActiveSegments } from '../../src/segments/engine/active-segments.js';
import { recomputeAllSegments } from '../../src/segments/engine/recompute.js';
import { SEED_SEGMENTS, type SegmentRule } from '../../src/segments/rules/index.js';
import { openBenchDeps } from './bench-deps.js';

/**
 * Segments over a large store: N profiles (default 1,000,000) with 10 events each, 20 segments (the
 * eight seed segments and twelve variants over categories, products, windows and thresholds).
 * Ours: a full recompute of all 20 (snapshot loading by rule requirements, evaluation, membership
 * diffs written): first the initial population of new segments, then a rerun over the same data
 * (the nightly pass: everything evaluated again, almost nothing to write). Baseline, same run and file: reading the same rows with the plainest SQL (the
 * events the rules need, the metrics and traits) and doing nothing with them, i.e. the read floor.
 * Then the incremental path: one event ingested for a profile, memberships updated before ingest
 * returns; p50/p99 over 200 events.
 *
 * Run alone: `npx tsx test/bench/segments-recompute.ts [N]`.
 */
const DAY = 86_400_000;
const CATEGORIES = ['Shoes', 'Hats', 'Outdoor', 'Kitchen', 'Books', 'Toys'];
const NAMES = [
  'Product Viewed',
  'Product Viewed',
  'Product Viewed',
  'Product Added',
  'Order Completed',
  'Email Opened',
];

function variants(): Array<{ name: string; rule: SegmentRule }> {
  const seeds = SEED_SEGMENTS.map((seed) => ({ name: seed.name, rule: seed.rule as unknown as SegmentRule }));
  const more: Array<{ name: string; rule: unknown }> = [
    ...CATEGORIES.slice(1).map((category) => ({
      name: `Browsed ${category} in 7 days`,
      rule: {
        type: 'event',
        event: 'Product Viewed',
        where: [{ property: 'category', op: 'eq', value: category }],
        within: { last: 7, unit: 'days' },
      },
    })),
    { name: 'Big spenders', rule: { type: 'metric', metric: 'monetary', op: 'gt', value: 500 } },
    { name: 'Engaged', rule: { type: 'metric', metric: 'engagement', op: 'gte', value: 5 } },
    { name: 'Cart over 100', rule: { type: 'cart', value: { op: 'gt', value: 100 } } },
    { name: 'Pro plan', rule: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } },
    {
      name: 'Repeat buyers in 60 days',
      rule: {
        type: 'event',
        event: 'Order Completed',
        count: { op: 'gte', value: 2 },
        within: { last: 60, unit: 'days' },
      },
    },
    {
      name: 'Added but not bought',
      rule: {
        type: 'all',
        children: [
          { type: 'event', event: 'Product Added', within: { last: 14, unit: 'days' } },
          { type: 'not_event', event: 'Order Completed', within: { last: 14, unit: 'days' } },
        ],
      },
    },
    {
      name: 'Dormant readers',
      rule: { type: 'metric', metric: 'days_since_last_event', op: 'gte', value: 30 },
    },
  ];
  return [...seeds, ...more.map((entry) => ({ name: entry.name, rule: entry.rule as SegmentRule }))].slice(
    0,
    20,
  );
}

async function seed(deps: AppDeps, n: number, now: number): Promise<void> {
  const random = seededRandom(11);
  const PAGE = 10_000;
  for (let start = 0; start < n; start += PAGE) {
    const profileRows: Array<typeof profiles.$inferInsert> = [];
    const metricRows: Array<typeof profileMetrics.$inferInsert> = [];
    const eventRows: Array<typeof events.$inferInsert> = [];
    for (let i = start; i < Math.min(n, start + PAGE); i++) {
      const id = `prof_${String(i).padStart(8, '0')}`;
      const birthday = `19${70 + (i % 30)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
      profileRows.push({
        id,
        traits: { first_name: `P${i}`, plan: i % 4 === 0 ? 'pro' : 'free', birthday },
        traitSources: {},
        createdAt: new Date(now - 200 * DAY),
        updatedAt: new Date(now),
      });
      let orders = 0;
      let spent = 0;
      let lastOrder: number | null = null;
      let lastEvent = 0;
      for (let e = 0; e < 10; e++) {
        const name = NAMES[Math.floor(random() * NAMES.length)]!;
        const at = now - Math.floor(random() * random() * 120 * DAY);
        const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
        if (name === 'Order Completed') {
          orders++;
          spent += 20 + Math.floor(random() * 200);
          lastOrder = Math.max(lastOrder ?? 0, at);
        }
        lastEvent = Math.max(lastEvent, at);
        eventRows.push({
          id: `evt_${i}_${e}`,
          profileId: id,
          originProfileId: id,
          source: 'bench',
          messageId: `${i}-${e}`,
          type: 'track',
          name,
          properties: { category, product_id: `SKU-${Math.floor(random() * 500)}` },
          occurredAt: new Date(at),
          receivedAt: new Date(at),
        });
      }
      const cartValue = i % 5 === 0 ? Math.floor(random() * 200) : 0;
      metricRows.push({
        profileId: id,
        orderCount: orders,
        totalSpent: spent,
        averageOrderValue: orders > 0 ? spent / orders : null,
        lastOrderAt: lastOrder === null ? null : new Date(lastOrder),
        engagementScore: random() * 10,
        engagementAt: new Date(lastEvent),
        cart: cartValue > 0 ? [{ productId: 'SKU-1', price: cartValue, quantity: 1 }] : [],
        cartValue,
        cartUpdatedAt: cartValue > 0 ? new Date(now - Math.floor(random() * 48) * 3_600_000) : null,
        eventCount: 10,
        lastEventAt: new Date(lastEvent),
        updatedAt: new Date(now),
      });
    }
    await atomic(deps.db, [
      ...bulkInsert(profiles, profileRows, deps.sqlParamLimit),
      ...bulkInsert(profileMetrics, metricRows, deps.sqlParamLimit),
      ...bulkInsert(events, eventRows, deps.sqlParamLimit),
    ]);
  }
}

async function readFloor(deps: AppDeps, now: number): Promise<number> {
  let rows = 0;
  let cursor = '';
  for (;;) {
    const page = await rawSelect<{ id: string; traits: string }>(
      deps.db,
      'select id, traits_json as traits from profiles where id > ? and merged_into is null order by id limit 5000',
      [cursor],
    );
    if (page.length === 0) return rows;
    const first = page[0]!.id;
    const last = page[page.length - 1]!.id;
    const metrics = await rawSelect(
      deps.db,
      'select * from profile_metrics where profile_id between ? and ?',
      [first, last],
    );
    const recent = await rawSelect<{ p: string }>(
      deps.db,
      `select profile_id, name, occurred_at, properties_json as p from events
       where profile_id between ? and ? and occurred_at >= ?`,
      [first, last, now - 90 * DAY],
    );
    for (const row of recent) if (row.p) JSON.parse(row.p);
    rows += page.length + metrics.length + recent.length;
    cursor = last;
  }
}

export async function benchSegments(n = 1_000_000): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'esp-hub-bench-seg-'));
  try {
    const { deps, close } = await openBenchDeps(dir);
    const now = Date.now();
    const seedStarted = performance.now();
    await seed(deps, n, now);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const definitions = variants();
    await atomic(
      deps.db,
      definitions.map((definition, i) =>
        deps.db.insert(segments).values({
          id: `seg_bench${String(i).padStart(2, '0')}`,
          name: definition.name,
          rule: definition.rule as unknown as Record<string, unknown>,
          version: 1,
          createdAt: new Date(now),
          updatedAt: new Date(now),
        }),
      ),
    );
    forgetActiveSegments(deps);

    const baselineStarted = performance.now();
    await readFloor(deps, now);
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;

    const started = performance.now();
    const result = await recomputeAllSegments(deps);
    const seconds = (performance.now() - started) / 1000;
    // The nightly pass over stable data: the same evaluation, (almost) nothing to write.
    const againStarted = performance.now();
    await recomputeAllSegments(deps);
    const againSeconds = (performance.now() - againStarted) / 1000;
    const [{ members } = { members: 0 }] = await rawSelect<{ members: number }>(
      deps.db,
      'select count(*) as members from segment_memberships',
      [],
    );

    // Incremental: an event arrives; memberships are current when ingest returns.
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const profile = `prof_${String((i * 4999) % n).padStart(8, '0')}`;
      const email = `bench-${i}@example.com`;
      // Attach an email to the seeded profile so the event resolves to it.
      await atomic(deps.db, [
        {
          kind: 'raw',
          sql: `insert into identities (profile_id, origin_profile_id, key, type, value, raw_value, valid, source, first_seen_at, last_seen_at)
                values (?, ?, ?, 'email', ?, ?, 1, 'bench', ?, ?) on conflict do nothing`,
          args: [profile, profile, `email\u001f${email}`, email, email, now, now],
        },
      ]);
      const t0 = performance.now();
      await ingest(deps, [
        {
          source: 'bench',
          identifiers: { email },
          observedAt: new Date(),
          event: {
            messageId: `inc-${i}`,
            type: 'track',
            name: 'Product Viewed',
            properties: { category: 'Shoes', product_id: 'SKU-123' },
          },
        },
      ]);
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    close();
    return [
      `segments_recompute: profiles=${n} events=${n * 10} segments=${definitions.length} seconds=${seconds.toFixed(1)} ` +
        `memberships=${members} entered=${result.counts.entered} rerun_seconds=${againSeconds.toFixed(1)} baseline_read_seconds=${baselineSeconds.toFixed(1)} ` +
        `ratio=${(baselineSeconds / seconds).toFixed(2)} target_seconds=30 seed_seconds=${seedSeconds.toFixed(0)} ` +
        `peak_rss_mb=${Math.round(process.resourceUsage().maxRSS / 1024)}`,
      `segments_incremental: events=${latencies.length} p50_ms=${p(0.5).toFixed(1)} p99_ms=${p(0.99).toFixed(1)} target_p99_ms=100`,
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await benchSegments(Number(process.argv[2] ?? 1_000_000))) console.log(line);
}

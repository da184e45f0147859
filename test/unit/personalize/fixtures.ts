import type { AppDeps } from '../../../src/app-deps.js';
import { ingest } from '../../../src/ingest/pipeline.js';
import type { IngestRecord } from '../../../src/ingest/types.js';
import { seededRandom } from '../../../src/lib/random.js';
import { recomputeRecommendations } from '../../../src/recommend/serving/index.js';
import { upsertProducts } from '../../../src/services/catalog.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

export const NOW = new Date('2026-06-01T12:00:00Z');
const DAY_MS = 86_400_000;
export const CATEGORIES = ['shoes', 'hats', 'books'] as const;
export const OUT_OF_STOCK = 'shoes-9';

/** Ten products per category, prices 10–100; `shoes-9` is out of stock. */
export async function seedCatalog(deps: AppDeps): Promise<void> {
  await upsertProducts(
    deps,
    CATEGORIES.flatMap((category) =>
      Array.from({ length: 10 }, (_, i) => ({
        id: `${category}-${i}`,
        title: `${category} ${i}`,
        url: `https://shop.example.com/p/${category}-${i}`,
        imageUrl: `https://cdn.example.com/${category}-${i}.jpg`,
        price: 10 + i * 10,
        currency: 'EUR',
        category,
        inStock: `${category}-${i}` !== OUT_OF_STOCK,
        active: true,
        properties: {},
      })),
    ),
  );
}

export function view(email: string, productId: string, at: Date, n: string): IngestRecord {
  return {
    source: 'shop',
    identifiers: { email },
    observedAt: at,
    event: {
      messageId: `view-${n}`,
      type: 'track',
      name: 'Product Viewed',
      properties: { product_id: productId, category: productId.split('-')[0] },
    },
  };
}

export function order(email: string, productIds: string[], at: Date, n: string): IngestRecord {
  return {
    source: 'shop',
    identifiers: { email },
    observedAt: at,
    event: {
      messageId: `order-${n}`,
      type: 'track',
      name: 'Order Completed',
      properties: {
        order_id: `o-${n}`,
        currency: 'EUR',
        products: productIds.map((id) => ({ product_id: id, price: 50, quantity: 1 })),
      },
    },
  };
}

/**
 * Planted taste: `people` per category view four of its products and buy two of them together,
 * 10–60 days ago; in every category the low-numbered products are the favourites. Plus one person
 * with a single view and one with no product events at all.
 */
export async function seedShoppers(deps: AppDeps, people = 20): Promise<void> {
  const random = seededRandom(7);
  const records: IngestRecord[] = [];
  for (const category of CATEGORIES) {
    for (let p = 0; p < people; p++) {
      const email = `${category}${p}@example.com`;
      const picks = new Set<number>();
      while (picks.size < 4) picks.add(Math.floor(random() * random() * 10));
      const ids = [...picks].map((i) => `${category}-${i}`);
      const day = 10 + Math.floor(random() * 50);
      ids.forEach((id, k) => {
        records.push(view(email, id, new Date(NOW.getTime() - (day + 1) * DAY_MS), `${email}-${k}`));
      });
      records.push(order(email, ids.slice(0, 2), new Date(NOW.getTime() - day * DAY_MS), email));
    }
  }
  records.push(view('oneview@example.com', 'hats-3', new Date(NOW.getTime() - DAY_MS), 'oneview'));
  records.push({
    source: 'crm',
    identifiers: { email: 'quiet@example.com' },
    observedAt: new Date(NOW.getTime() - DAY_MS),
    traits: { first_name: 'Quinn' },
  });
  records.sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime());
  for (let i = 0; i < records.length; i += 200) await ingest(deps, records.slice(i, i + 200));
}

/** A test app at NOW with the catalogue, the shoppers and (unless `recompute: false`) their lists. */
export async function createShopApp(
  options: { people?: number; recompute?: boolean } = {},
): Promise<TestApp> {
  const t = await createTestApp();
  t.deps.now = () => NOW;
  await seedCatalog(t.deps);
  await seedShoppers(t.deps, options.people);
  if (options.recompute !== false) await recomputeRecommendations(t.deps);
  return t;
}

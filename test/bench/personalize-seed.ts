import type { AppDeps } from '../../src/app-deps.js';
import { atomic, type Statement } from '../../src/db/atomic.js';
import { bulkInsert } from '../../src/db/bulk.js';
import {
  events,
  identities,
  orderLines,
  orders,
  products,
  profileMetrics,
  profileScores,
  profiles,
  segmentMemberships,
  segments,
} from '../../src/db/schema/index.js';
import { seededRandom } from '../../src/lib/random.js';

/**
 * The personalization benchmark's shop, written with raw bulk inserts (the way
 * segments-recompute.ts seeds): `products` products in 100 categories with Zipf popularity inside
 * each, and `profiles` people with one or two favourite categories who view (Poisson 3), add to
 * cart (Poisson 0.5) and, four in ten, order (1–3 orders of 1–3 lines, often two neighbours in a
 * category: planted "bought together"), over the last 180 days. Buyers get RFM, CLV tier and one
 * of 8 clusters in profile_scores; a third of the profiles a primary segment in group `lifecycle`.
 */
const DAY = 86_400_000;
const CATEGORIES = 100;

/** Profile i's email is EMAIL_HEAD + i + EMAIL_TAIL (the load generators build it the same way). */
export const EMAIL_HEAD = 'u';
export const EMAIL_TAIL = '@bench.example.com';

export function emailOf(i: number): string {
  return `${EMAIL_HEAD}${i}${EMAIL_TAIL}`;
}

export function profileIdOf(i: number): string {
  return `prof_${String(i).padStart(8, '0')}`;
}

function productIdOf(i: number): string {
  return `p${String(i).padStart(6, '0')}`;
}

function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

export async function seedShop(
  deps: AppDeps,
  profileCount: number,
  productCount: number,
  now: number,
): Promise<void> {
  const random = seededRandom(42);
  const perCategory = Math.ceil(productCount / CATEGORIES);
  // Zipf(0.9) over ranks inside a category, as a cumulative table to sample from.
  const cdf = new Float64Array(perCategory);
  let total = 0;
  for (let r = 0; r < perCategory; r++) cdf[r] = total += 1 / (r + 1) ** 0.9;
  const rankOf = (u: number) => {
    let low = 0;
    let high = perCategory - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cdf[mid]! < u * total) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  const productIn = (category: number) =>
    Math.min(productCount - 1, category * perCategory + rankOf(random()));

  const productRows: Array<typeof products.$inferInsert> = [];
  for (let i = 0; i < productCount; i++) {
    productRows.push({
      id: productIdOf(i),
      title: `Product ${i}`,
      url: `https://shop.example.com/p/${productIdOf(i)}`,
      imageUrl: `https://cdn.example.com/img/${productIdOf(i)}.jpg`,
      price: Math.round(5 + 200 * random() ** 2) + 0.99,
      currency: 'EUR',
      category: `cat-${Math.floor(i / perCategory)}`,
      inStock: random() > 0.02,
      updatedAt: new Date(now),
    });
  }
  await atomic(deps.db, bulkInsert(products, productRows, deps.sqlParamLimit));
  await atomic(
    deps.db,
    ['Champions', 'Loyal', 'New'].map((name, k) =>
      deps.db.insert(segments).values({
        id: `seg_bench${k}`,
        name,
        groupName: 'lifecycle',
        priority: 3 - k,
        rule: { type: 'metric', metric: 'frequency', op: 'gte', value: 1 },
        version: 1,
        createdAt: new Date(now),
        updatedAt: new Date(now),
      }),
    ),
  );

  const PAGE = 10_000;
  for (let start = 0; start < profileCount; start += PAGE) {
    const rows = {
      profiles: [] as Array<typeof profiles.$inferInsert>,
      identities: [] as Array<typeof identities.$inferInsert>,
      events: [] as Array<typeof events.$inferInsert>,
      orders: [] as Array<typeof orders.$inferInsert>,
      lines: [] as Array<typeof orderLines.$inferInsert>,
      metrics: [] as Array<typeof profileMetrics.$inferInsert>,
      scores: [] as Array<typeof profileScores.$inferInsert>,
      memberships: [] as Array<typeof segmentMemberships.$inferInsert>,
    };
    for (let i = start; i < Math.min(profileCount, start + PAGE); i++) {
      const id = profileIdOf(i);
      const email = emailOf(i);
      rows.profiles.push({
        id,
        traits: { first_name: `Pat${i}`, email },
        traitSources: {},
        createdAt: new Date(now - 200 * DAY),
        updatedAt: new Date(now),
      });
      rows.identities.push({
        profileId: id,
        originProfileId: id,
        key: `email\u001f${email}`,
        type: 'email',
        value: email,
        rawValue: email,
        valid: true,
        source: 'bench',
        firstSeenAt: new Date(now - 200 * DAY),
        lastSeenAt: new Date(now),
      });
      const favourite = Math.floor(random() ** 1.5 * CATEGORIES);
      const second = Math.floor(random() * CATEGORIES);
      const pickCategory = () => {
        const u = random();
        return u < 0.7 ? favourite : u < 0.9 ? second : Math.floor(random() * CATEGORIES);
      };
      const at = () => now - Math.floor(random() * 180 * DAY);
      let lastView: { product: number; at: number } | undefined;
      const viewed: number[] = [];
      for (let v = poisson(random, 3); v > 0; v--) {
        const product = productIn(pickCategory());
        const when = at();
        viewed.push(product);
        if (!lastView || when > lastView.at) lastView = { product, at: when };
        rows.events.push(trackEvent(id, `v${i}-${v}`, 'Product Viewed', productIdOf(product), when));
      }
      const cart: Array<{ productId: string; price: number; quantity: number }> = [];
      for (let a = poisson(random, 0.5); a > 0 && viewed.length > 0; a--) {
        const product = viewed[Math.floor(random() * viewed.length)]!;
        rows.events.push(trackEvent(id, `a${i}-${a}`, 'Product Added', productIdOf(product), at()));
        cart.push({ productId: productIdOf(product), price: productRows[product]!.price!, quantity: 1 });
      }
      let orderCount = 0;
      let spent = 0;
      let lastOrder: number | null = null;
      if (random() < 0.4) {
        for (let o = 1 + poisson(random, 0.7); o > 0; o--) {
          const orderId = `ord_${i}_${o}`;
          const when = at();
          const category = pickCategory();
          const first = productIn(category);
          const items = [first];
          // Planted complements: the next product of the category, bought with it half the time.
          if (random() < 0.5 && first + 1 < productCount) items.push(first + 1);
          for (let extra = poisson(random, 0.5); extra > 0; extra--) items.push(productIn(pickCategory()));
          let value = 0;
          items.forEach((product, lineNo) => {
            const price = productRows[product]!.price!;
            value += price;
            rows.lines.push({ orderId, lineNo, productId: productIdOf(product), price, quantity: 1 });
          });
          rows.orders.push({
            id: orderId,
            source: 'bench',
            externalOrderId: orderId,
            profileId: id,
            originProfileId: id,
            status: 'completed',
            total: value,
            currency: 'EUR',
            orderedAt: new Date(when),
          });
          orderCount++;
          spent += value;
          lastOrder = Math.max(lastOrder ?? 0, when);
        }
        rows.scores.push({
          profileId: id,
          rfmGroup: ['Champions', 'Loyal Customers', 'Potential Loyalists', 'At Risk'][i % 4]!,
          clvTier: (['high', 'medium', 'low'] as const)[i % 3]!,
          clusterId: `c${favourite % 8}`,
          clusterLabel: `cluster ${favourite % 8}`,
          updatedAt: new Date(now),
        });
      }
      if (i % 3 === 0)
        rows.memberships.push({
          segmentId: `seg_bench${i % 9 === 0 ? 0 : 1}`,
          profileId: id,
          enteredAt: new Date(now),
        });
      if (i % 5 === 0)
        rows.memberships.push({ segmentId: 'seg_bench2', profileId: id, enteredAt: new Date(now) });
      rows.metrics.push({
        profileId: id,
        orderCount,
        totalSpent: spent,
        averageOrderValue: orderCount > 0 ? spent / orderCount : null,
        lastOrderAt: lastOrder === null ? null : new Date(lastOrder),
        lastViewedProductId: lastView ? productIdOf(lastView.product) : null,
        lastViewedCategory: lastView ? productRows[lastView.product]!.category! : null,
        lastViewedAt: lastView ? new Date(lastView.at) : null,
        cart: orderCount === 0 ? cart : [],
        cartValue: orderCount === 0 ? cart.reduce((sum, item) => sum + item.price, 0) : 0,
        eventCount: viewed.length + cart.length,
        updatedAt: new Date(now),
      });
    }
    const writes: Statement[] = [
      ...bulkInsert(profiles, rows.profiles, deps.sqlParamLimit),
      ...bulkInsert(identities, rows.identities, deps.sqlParamLimit),
      ...bulkInsert(events, rows.events, deps.sqlParamLimit),
      ...bulkInsert(orders, rows.orders, deps.sqlParamLimit),
      ...bulkInsert(orderLines, rows.lines, deps.sqlParamLimit),
      ...bulkInsert(profileMetrics, rows.metrics, deps.sqlParamLimit),
      ...bulkInsert(profileScores, rows.scores, deps.sqlParamLimit),
      ...bulkInsert(segmentMemberships, rows.memberships, deps.sqlParamLimit),
    ];
    await atomic(deps.db, writes);
  }
}

function trackEvent(
  profileId: string,
  messageId: string,
  name: string,
  productId: string,
  at: number,
): typeof events.$inferInsert {
  return {
    id: `evt_${messageId}`,
    profileId,
    originProfileId: profileId,
    source: 'bench',
    messageId,
    type: 'track',
    name,
    properties: { product_id: productId },
    occurredAt: new Date(at),
    receivedAt: new Date(at),
  };
}

import type { IngestRecord } from '../../src/ingest/types.js';
import { seededRandom } from '../../src/lib/random.js';

const DAY_MS = 86_400_000;
const CATEGORIES = ['outdoor', 'kitchen', 'books'];

/**
 * `Order Completed` events of `customers` people with a buy-till-you-die history ending at `now`:
 * each buys at their own Poisson rate and, after each purchase, may drop out for good (the story
 * BG/NBD tells), with order values and categories that differ by person.
 */
export function simulatedOrders(customers: number, now: Date, seed = 1): IngestRecord[] {
  const random = seededRandom(seed);
  const records: IngestRecord[] = [];
  for (let c = 0; c < customers; c++) {
    const rate = (-Math.log(1 - random()) * 1) / 25; // purchases per day, mean one every 25 days
    const dropout = 0.05 + random() * 0.45;
    const basket = 20 + random() * 120;
    const category = CATEGORIES[c % CATEGORIES.length]!;
    let day = -Math.floor(60 + random() * 300);
    let n = 0;
    for (;;) {
      const total = Math.round(basket * (0.7 + random() * 0.6) * 100) / 100;
      records.push({
        source: 'shop',
        identifiers: { email: `buyer${c}@example.com` },
        observedAt: new Date(now.getTime() + day * DAY_MS),
        event: {
          messageId: `order-${seed}-${c}-${n}`,
          type: 'track',
          name: 'Order Completed',
          properties: {
            order_id: `o-${seed}-${c}-${n}`,
            total,
            currency: 'USD',
            products: [{ product_id: `p-${category}-${n % 5}`, category, price: total, quantity: 1 }],
          },
        },
      });
      n++;
      if (random() < dropout) break;
      day += Math.max(1, Math.round(-Math.log(1 - random()) / rate));
      if (day >= 0) break;
    }
  }
  return records.sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime());
}

import { seededRandom } from '../../src/lib/random.js';

/**
 * Request bodies for the `ingest_batch` benchmark: `/v1/batch` bodies of 100 Segment messages in
 * browsing sessions (page views, product views, cart adds, cart views, orders, identifies) over
 * 20,000 people, some signed in, some anonymous until they identify. A fixed set of templates is
 * generated once; each request fills in a fresh prefix for every messageId and order id, so no
 * request is ever a replay (dedup would make it trivially cheap) and the load generator does no
 * more than a string join per request.
 */

export const EVENTS_PER_BATCH = 100;
const PEOPLE = 20_000;
const TEMPLATES = 200;
const PRODUCTS = 500;
const CATEGORIES = ['outdoor', 'kitchen', 'garden', 'books', 'toys', 'apparel', 'beauty', 'tools'];
/** Replaced per request by a unique prefix; plain characters, so JSON.stringify leaves it as is. */
const SLOT = '~SLOT~';

function product(random: () => number) {
  const n = Math.floor(random() * PRODUCTS);
  return {
    product_id: `sku-${n}`,
    sku: `SKU-${n}`,
    name: `Product ${n}`,
    category: CATEGORIES[n % CATEGORIES.length],
    price: Math.round((5 + (n % 90) + 0.99) * 100) / 100,
    quantity: 1 + Math.floor(random() * 3),
  };
}

function session(random: () => number, start: number): Array<Record<string, unknown>> {
  const person = Math.floor(random() * PEOPLE);
  const signedIn = random() < 0.7;
  const who: Record<string, unknown> = signedIn
    ? { userId: `user-${person}`, anonymousId: `anon-${person}` }
    : { anonymousId: `anon-${person}` };
  const context = {
    ip: `10.${person % 250}.${(person >> 8) % 250}.7`,
    library: { name: 'analytics.js', version: 'next-1.70.0' },
    locale: 'en-US',
    userAgent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    ...(signedIn ? { traits: { email: `person${person}@example.com` } } : {}),
  };
  const out: Array<Record<string, unknown>> = [];
  let clock = start;
  const push = (message: Record<string, unknown>) => {
    clock += 1000 + Math.floor(random() * 20_000);
    out.push({ ...who, context, timestamp: new Date(clock).toISOString(), ...message });
  };
  if (random() < 0.25) {
    push({
      type: 'identify',
      userId: `user-${person}`,
      traits: {
        email: `person${person}@example.com`,
        first_name: `First${person}`,
        last_name: `Last${person}`,
        plan: random() < 0.2 ? 'pro' : 'free',
      },
    });
  }
  const cart: Array<ReturnType<typeof product>> = [];
  const steps = 2 + Math.floor(random() * 5);
  for (let step = 0; step < steps; step++) {
    const roll = random();
    if (roll < 0.3) {
      push({ type: 'page', name: 'Home', properties: { path: '/', url: 'https://shop.example.com/' } });
    } else if (roll < 0.65) {
      const viewed = product(random);
      push({ type: 'track', event: 'Product Viewed', properties: viewed });
    } else if (roll < 0.85) {
      const added = product(random);
      cart.push(added);
      push({ type: 'track', event: 'Product Added', properties: { cart_id: `cart-${person}`, ...added } });
    } else if (roll < 0.92) {
      push({
        type: 'track',
        event: 'Cart Viewed',
        properties: { cart_id: `cart-${person}`, products: cart },
      });
    } else if (cart.length > 0) {
      const revenue = cart.reduce((sum, item) => sum + item.price * item.quantity, 0);
      push({
        type: 'track',
        event: 'Order Completed',
        properties: {
          order_id: `${SLOT}-order-${out.length}`,
          revenue: Math.round(revenue * 100) / 100,
          currency: 'USD',
          products: cart.splice(0),
        },
      });
    } else {
      push({ type: 'track', event: 'Signed In', properties: { method: 'password' } });
    }
  }
  return out;
}

function template(random: () => number): string[] {
  const messages: Array<Record<string, unknown>> = [];
  const start = Date.UTC(2026, 0, 1) + Math.floor(random() * 30 * 86_400_000);
  while (messages.length < EVENTS_PER_BATCH) messages.push(...session(random, start));
  const batch = messages
    .slice(0, EVENTS_PER_BATCH)
    .map((message, index) => ({ ...message, messageId: `${SLOT}-${index}` }));
  return JSON.stringify({ batch, sentAt: new Date(start + 86_400_000).toISOString() }).split(SLOT);
}

/** Returns a function giving the next body; every call's messageIds are new. */
export function segmentBatches(runId: string): () => Buffer {
  const random = seededRandom(20_260_101);
  const templates = Array.from({ length: TEMPLATES }, () => template(random));
  let sent = 0;
  return () => {
    const parts = templates[sent % TEMPLATES]!;
    sent++;
    return Buffer.from(parts.join(`${runId}-${sent}`));
  };
}

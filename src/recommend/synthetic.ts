import { z } from 'zod';
import { type Random, seededRandom } from './random.js';
import type { Interaction } from './types.js';

/**
 * Seeded implicit-feedback data with planted structure, shaped like the public 100k movie-rating
 * benchmark (943 users, 1,682 items, 100,000 rows, 20 to ~700 rows per user, a long tail of items
 * seen by a handful of people), for tuning defaults and for tests that need a known truth.
 *
 * Each item belongs to a primary latent group (its category) and, sometimes, a secondary one; it
 * has a log-normal popularity. Each user has a sparse taste over groups (Dirichlet), a
 * "mainstream" exponent on popularity, and an activity level (log-normal, clipped). A user picks
 * items without replacement with probability ∝ popularity^mainstream × (noise + taste · groups).
 */

export const syntheticOptionsSchema = z.object({
  users: z.number().int().positive().default(943),
  items: z.number().int().positive().default(1682),
  interactions: z.number().int().positive().default(100_000),
  /** Latent groups; an item's group is its category. */
  groups: z.number().int().positive().default(18),
  /**
   * Structure below the category level: items sit on a circle inside their group (like a movie's
   * era inside its genre) and each user likes a spot on it with this width (standard deviation,
   * as a fraction of the circle). Small widths make local item–item structure that neighbourhood
   * methods see and low-rank factors need many factors for; ≥ 1 switches it off.
   */
  withinGroupWidth: z.number().positive().default(0.15),
  minPerUser: z.number().int().positive().default(20),
  maxPerUser: z.number().int().positive().default(700),
  /** Spread (σ) of the per-user activity log-normal. */
  activitySpread: z.number().nonnegative().default(0.9),
  /** σ of log item popularity: larger, longer tail. */
  popularitySpread: z.number().nonnegative().default(1.8),
  /** Dirichlet concentration of user tastes: smaller, users stick to fewer groups. */
  tasteConcentration: z.number().positive().default(0.15),
  /** Weight of picks that ignore taste (0: only taste). */
  noise: z.number().nonnegative().default(0.005),
  /** Probability that an item also belongs to a second group (with half the weight). */
  secondaryGroup: z.number().min(0).max(1).default(0.3),
  seed: z.number().int().default(1),
  /** Start of the time range the interactions fall in (epoch ms). */
  start: z.number().default(Date.UTC(2024, 0, 1)),
  days: z.number().positive().default(365),
});
export type SyntheticOptions = z.input<typeof syntheticOptionsSchema>;

export interface SyntheticData {
  interactions: Interaction[];
  /** item id → its primary group as a category name (`c3`). */
  categories: Map<string, string>;
  /** Primary group of every item, by item number. */
  itemGroup: Int32Array;
  /** The group each user weighs most, by user number. */
  userGroup: Int32Array;
  /**
   * The planted pick weight of an item for a user (ids as in `interactions`; 0 for unknown ids):
   * ranking by it is the best any algorithm can do, the ceiling to compare fitted models with.
   */
  plantedWeight(userId: string, itemId: string): number;
}

/** Gamma(shape, 1) by Marsaglia & Tsang, with the shape < 1 boost. */
function gamma(random: Random, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * random.next() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = random.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = random.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Per-user activity: log-normal around a median solved (by bisection) to hit the total. */
function activityLevels(random: Random, o: z.infer<typeof syntheticOptionsSchema>): Int32Array {
  const z = Float64Array.from({ length: o.users }, () => random.normal());
  const cap = Math.min(o.maxPerUser, o.items);
  const countsFor = (logMedian: number) =>
    Int32Array.from(z, (value) =>
      Math.max(o.minPerUser, Math.min(cap, Math.round(Math.exp(logMedian + o.activitySpread * value)))),
    );
  let low = 0;
  let high = Math.log(cap) + 1;
  for (let step = 0; step < 50; step++) {
    const middle = (low + high) / 2;
    const total = countsFor(middle).reduce((sum, n) => sum + n, 0);
    if (total < o.interactions) low = middle;
    else high = middle;
  }
  return countsFor((low + high) / 2);
}

export function generateSynthetic(input: SyntheticOptions = {}): SyntheticData {
  const o = syntheticOptionsSchema.parse(input);
  const random = seededRandom(o.seed);
  const G = o.groups;
  const itemGroup = Int32Array.from({ length: o.items }, () => random.int(G));
  const itemSpot = Float64Array.from({ length: o.items }, () => random.next());
  const secondGroup = Int32Array.from({ length: o.items }, () =>
    random.next() < o.secondaryGroup ? random.int(G) : -1,
  );
  const popularity = Float64Array.from({ length: o.items }, () =>
    Math.exp(o.popularitySpread * random.normal()),
  );
  const activity = activityLevels(random, o);
  const userGroup = new Int32Array(o.users);
  // Per user: taste over groups, and within each group the liked spot on the group's circle.
  const tastes = new Float64Array(o.users * G);
  const spots = new Float64Array(o.users * G);
  const width = o.withinGroupWidth;
  // A wrapped Gaussian bump has mean ≈ width·√(2π) over the circle: dividing by it keeps the
  // group's total pull equal to its taste share whatever the width.
  const bumpMean = Math.min(1, width * Math.sqrt(2 * Math.PI));
  const within = (u: number, g: number, i: number) => {
    if (width >= 1) return 1;
    const raw = Math.abs(itemSpot[i]! - spots[u * G + g]!);
    const distance = Math.min(raw, 1 - raw);
    return Math.exp(-(distance * distance) / (2 * width * width)) / bumpMean;
  };
  const mainstreams = new Float64Array(o.users);
  const pickWeight = (u: number, i: number) => {
    const g = itemGroup[i]!;
    const second = secondGroup[i]!;
    const affinity = tastes[u * G + g]! * within(u, g, i) + (second >= 0 ? 0.5 * tastes[u * G + second]! : 0);
    return popularity[i]! ** mainstreams[u]! * (o.noise + affinity);
  };
  const interactions: Interaction[] = [];
  const keys = new Float64Array(o.items);
  const order = Int32Array.from({ length: o.items }, (_, i) => i);
  for (let u = 0; u < o.users; u++) {
    const taste = dirichlet(random, G, o.tasteConcentration);
    let best = 0;
    for (let g = 0; g < G; g++) {
      if (taste[g]! > taste[best]!) best = g;
      spots[u * G + g] = random.next();
    }
    userGroup[u] = best;
    tastes.set(taste, u * G);
    mainstreams[u] = Math.min(1.6, Math.max(0.4, 1 + 0.3 * random.normal()));
    // Efraimidis–Spirakis: the n smallest −ln(U)/w are a weighted sample without replacement.
    for (let i = 0; i < o.items; i++) keys[i] = -Math.log(1 - random.next()) / pickWeight(u, i);
    order.sort((a, b) => keys[a]! - keys[b]!);
    const first = o.start + random.next() * o.days * 0.8 * 86_400_000;
    const span = (o.start + o.days * 86_400_000 - first) * random.next();
    for (let t = 0; t < activity[u]!; t++) {
      interactions.push({
        userId: `u${u + 1}`,
        itemId: `i${order[t]! + 1}`,
        at: Math.round(first + random.next() * span),
      });
    }
  }
  const categories = new Map<string, string>();
  for (const [i, g] of itemGroup.entries()) categories.set(`i${i + 1}`, `c${g}`);
  const numberOf = (id: string, count: number) => {
    const n = Number(id.slice(1)) - 1;
    return Number.isInteger(n) && n >= 0 && n < count ? n : -1;
  };
  return {
    interactions,
    categories,
    itemGroup,
    userGroup,
    plantedWeight(userId, itemId) {
      const u = userId.startsWith('u') ? numberOf(userId, o.users) : -1;
      const i = itemId.startsWith('i') ? numberOf(itemId, o.items) : -1;
      return u < 0 || i < 0 ? 0 : pickWeight(u, i);
    },
  };
}

function dirichlet(random: Random, size: number, concentration: number): Float64Array {
  const draw = Float64Array.from({ length: size }, () => gamma(random, concentration));
  const total = draw.reduce((sum, value) => sum + value, 0);
  return total > 0 ? draw.map((value) => value / total) : draw.fill(1 / size);
}

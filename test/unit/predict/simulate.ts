import { seededRandom } from '../../../src/lib/random.js';
import type { PurchaseHistory } from '../../../src/predict/bg-nbd.js';

export { seededRandom };

function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) by Marsaglia & Tsang; shape < 1 through Gamma(shape + 1) · U^(1/shape). */
export function gammaDraw(random: () => number, shape: number, rate: number): number {
  if (shape < 1) return gammaDraw(random, shape + 1, rate) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export interface BgNbdTruth {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * One customer observed for `age` time units after a first purchase at 0: Poisson purchases at a
 * rate λ ~ Gamma(r, α) until dropping out, with probability p ~ Beta(a, b) after each repeat purchase.
 * `purchasesUntil` also counts repeat purchases in (age, until] for holdout checks.
 */
export function simulateBgNbdCustomer(
  random: () => number,
  truth: BgNbdTruth,
  age: number,
  until = age,
): PurchaseHistory & { later: number } {
  const lambda = gammaDraw(random, truth.r, truth.alpha);
  const ga = gammaDraw(random, truth.a, 1);
  const p = ga / (ga + gammaDraw(random, truth.b, 1));
  let time = 0;
  let frequency = 0;
  let recency = 0;
  let later = 0;
  for (;;) {
    time += -Math.log(1 - random()) / lambda;
    if (time > until) break;
    if (time <= age) {
      frequency++;
      recency = time;
    } else later++;
    if (random() < p) break;
  }
  return { frequency, recency, age, later };
}

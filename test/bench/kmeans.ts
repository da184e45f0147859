import { pathToFileURL } from 'node:url';
import {
  type ClusterFeatureInput,
  type FeatureMatrix,
  kmeans,
  seededRandom,
  trainMicroSegments,
} from '../../src/segments/clusters/index.js';

/**
 * Micro-segment training on N synthetic customer profiles with 8 features: standardisation,
 * k-means++ with 3 restarts for every k in 2..10, the silhouette of each k on a fixed 3,000-row
 * sample, descriptions. The profiles come from six personas with overlapping, skewed features
 * (log-normal order values, rates clipped to [0, 1]), so the silhouette is realistic rather than
 * the near-1 of separated blobs. Target: ≤ 10 s for N = 100,000 on 2 cores.
 *
 * Baseline in the same run: a single k-means++ fit at the chosen k. Run alone:
 * `npx tsx test/bench/kmeans.ts [N]`.
 */

const FEATURES: ClusterFeatureInput[] = [
  { name: 'recency_days', high: 'lapsed', low: 'recent' },
  { name: 'frequency', high: 'frequent', low: 'infrequent' },
  { name: 'order_value' },
  { name: 'open_rate', high: 'opens emails', low: 'ignores emails' },
  { name: 'discount_share', high: 'discount-driven', low: 'full price' },
  { name: 'outdoor_share', kind: 'category-affinity', category: 'outdoor' },
  { name: 'kids_share', kind: 'category-affinity', category: 'kids' },
  { name: 'home_share', kind: 'category-affinity', category: 'home' },
];

/** Mean recency, frequency, log order value, open rate, discount share and category weights. */
const PERSONAS = [
  { weight: 0.3, recency: 200, frequency: 1.5, logValue: 3.6, open: 0.1, discount: 0.5, cats: [1, 1, 1] },
  { weight: 0.2, recency: 30, frequency: 8, logValue: 3.4, open: 0.45, discount: 0.2, cats: [4, 1, 1] },
  { weight: 0.15, recency: 45, frequency: 5, logValue: 4.6, open: 0.3, discount: 0.1, cats: [1, 1, 4] },
  { weight: 0.15, recency: 60, frequency: 4, logValue: 3.9, open: 0.35, discount: 0.3, cats: [1, 4, 1] },
  { weight: 0.1, recency: 20, frequency: 14, logValue: 4.2, open: 0.6, discount: 0.05, cats: [2, 2, 2] },
  { weight: 0.1, recency: 120, frequency: 3, logValue: 3.2, open: 0.2, discount: 0.85, cats: [1, 2, 1] },
];

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const clip01 = (v: number) => Math.min(1, Math.max(0, v));

/** The persona whose slice of the cumulative weights holds u ∈ [0, 1). */
function pickPersona(u: number): (typeof PERSONAS)[number] {
  let remaining = u;
  for (const persona of PERSONAS) {
    remaining -= persona.weight;
    if (remaining < 0) return persona;
  }
  return PERSONAS[PERSONAS.length - 1]!;
}

export function syntheticProfiles(n: number, seed: number): FeatureMatrix {
  const random = seededRandom(seed);
  const d = FEATURES.length;
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const persona = pickPersona(random());
    const shares = persona.cats.map((w) => w * Math.exp(0.35 * gaussian(random)));
    const total = shares.reduce((a, b) => a + b, 0) + 1;
    const row = [
      Math.max(0, persona.recency * Math.exp(0.4 * gaussian(random))),
      Math.max(1, Math.round(persona.frequency * Math.exp(0.3 * gaussian(random)))),
      Math.exp(persona.logValue + 0.35 * gaussian(random)),
      clip01(persona.open + 0.08 * gaussian(random)),
      clip01(persona.discount + 0.1 * gaussian(random)),
      ...shares.map((s) => s / total),
    ];
    values.set(row, i * d);
  }
  return { rows: n, cols: d, values };
}

export async function benchKMeans(n = 100_000): Promise<string[]> {
  const data = syntheticProfiles(n, 2024);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const { model } = trainMicroSegments({ data, features: FEATURES, options: { kMin: 2, kMax: 10, seed: 1 } });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time next to wall time: on a shared machine the wall clock also counts other processes' turns.
  process.stderr.write(`  cpu seconds: ${((cpu.user + cpu.system) / 1e6).toFixed(2)}\n`);
  for (const candidate of model.training.candidates) {
    process.stderr.write(
      `  k=${candidate.k} silhouette=${candidate.silhouette?.toFixed(4)} inertia=${candidate.inertia.toFixed(0)} iterations=${candidate.iterations}\n`,
    );
  }
  for (const cluster of model.clusters) {
    process.stderr.write(`  #${cluster.id} ${(cluster.share * 100).toFixed(1)}% ${cluster.description}\n`);
  }
  // Baseline, same data and run: one k-means++ fit at the chosen k (one start, no scaling, no
  // silhouette, no descriptions): the least work any k-means does on these rows.
  const baselineStarted = performance.now();
  kmeans(data, { k: model.training.k, seed: 1, restarts: 1, maxIterations: 100, tolerance: 1e-4 });
  const baselineSeconds = (performance.now() - baselineStarted) / 1000;
  return [
    `kmeans: n=${n} k_range=2..10 seconds=${seconds.toFixed(2)} chosen_k=${model.training.k} silhouette=${model.training.silhouette?.toFixed(4)} ` +
      `baseline_one_fit_seconds=${baselineSeconds.toFixed(2)} ratio=${(baselineSeconds / seconds).toFixed(2)} target_seconds=10`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 100_000);
  for (const line of await benchKMeans(n)) console.log(line);
}

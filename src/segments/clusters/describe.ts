import type { ClusterFeature } from './options.js';

/**
 * Clusters in words, from their centroids in the standardised space, where a coordinate is the
 * distance from the overall mean in standard deviations. Only features beyond the threshold are
 * named, the most distinctive first: "frequent, low order value, outdoor" says what sets the
 * cluster apart, not everything about it.
 */

export interface DescriptionTerm {
  feature: string;
  direction: 'high' | 'low';
  /** Standard deviations from the overall mean. */
  z: number;
  word: string;
}

const TYPICAL = 'typical';

function humanize(name: string): string {
  return name.replace(/[_-]+/g, ' ').trim();
}

export function featureWord(feature: ClusterFeature, direction: 'high' | 'low'): string {
  const custom = direction === 'high' ? feature.high : feature.low;
  if (custom) return custom;
  if (feature.kind === 'category-affinity') {
    const category = feature.category ?? humanize(feature.name);
    return direction === 'high' ? category : `little ${category}`;
  }
  return `${direction} ${humanize(feature.name)}`;
}

/** Every feature beyond the threshold, largest deviation first (feature order breaks ties). */
export function describeTerms(
  standardizedCentroid: ArrayLike<number>,
  features: readonly ClusterFeature[],
  threshold: number,
): DescriptionTerm[] {
  const terms: DescriptionTerm[] = [];
  features.forEach((feature, c) => {
    const z = standardizedCentroid[c]!;
    if (!(Math.abs(z) > threshold)) return;
    const direction = z > 0 ? 'high' : 'low';
    terms.push({ feature: feature.name, direction, z, word: featureWord(feature, direction) });
  });
  return terms.sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
}

function wordsOf(terms: readonly DescriptionTerm[], count: number): string {
  return terms.length === 0
    ? TYPICAL
    : terms
        .slice(0, count)
        .map((t) => t.word)
        .join(', ');
}

/**
 * One description per centroid, `maxTerms` terms each; clusters that would read the same get
 * further terms until they differ, and any still alike are numbered ("frequent #2"), so no two
 * clusters of one model share a description.
 */
export function describeClusters(
  standardizedCentroids: ReadonlyArray<ArrayLike<number>>,
  features: readonly ClusterFeature[],
  options: { threshold: number; maxTerms: number },
): string[] {
  const terms = standardizedCentroids.map((centroid) => describeTerms(centroid, features, options.threshold));
  const counts = terms.map(() => options.maxTerms);
  let texts = terms.map((t, i) => wordsOf(t, counts[i]!));
  for (;;) {
    let lengthened = false;
    const seen = countBy(texts);
    texts.forEach((text, i) => {
      if (seen.get(text)! > 1 && counts[i]! < terms[i]!.length) {
        counts[i]!++;
        lengthened = true;
      }
    });
    if (!lengthened) break;
    texts = terms.map((t, i) => wordsOf(t, counts[i]!));
  }
  return numberDuplicates(texts);
}

/** Later repeats of a text get " #2", " #3", … in order; the first keeps the plain text. */
export function numberDuplicates(texts: readonly string[], taken: ReadonlySet<string> = new Set()): string[] {
  const used = new Set(taken);
  return texts.map((text) => {
    let candidate = text;
    for (let n = 2; used.has(candidate); n++) candidate = `${text} #${n}`;
    used.add(candidate);
    return candidate;
  });
}

function countBy(texts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) counts.set(text, (counts.get(text) ?? 0) + 1);
  return counts;
}

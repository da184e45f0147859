import { describe, expect, it } from 'vitest';
import {
  type ClusterFeature,
  clusterFeatureSchema,
  describeClusters,
  describeTerms,
} from '../../../../src/segments/clusters/index.js';

const features: ClusterFeature[] = [
  { name: 'frequency', high: 'frequent', low: 'infrequent' },
  { name: 'order_value' },
  { name: 'outdoor_share', kind: 'category-affinity', category: 'outdoor' },
  { name: 'kids_share', kind: 'category-affinity', category: 'kids' },
].map((f) => clusterFeatureSchema.parse(f));

describe('cluster descriptions', () => {
  it('names the deviating features, most distinctive first, with their words', () => {
    expect(describeClusters([[1.4, -0.9, 0.7, 0.1]], features, { threshold: 0.5, maxTerms: 3 })).toEqual([
      'frequent, low order value, outdoor',
    ]);
  });

  it('leaves out features within the threshold and says "typical" when nothing stands out', () => {
    const terms = describeTerms([0.2, -0.4, 0.49, -2], features, 0.5);
    expect(terms.map((t) => t.word)).toEqual(['little kids']);
    expect(describeClusters([[0.1, 0, -0.3, 0.2]], features, { threshold: 0.5, maxTerms: 3 })).toEqual([
      'typical',
    ]);
  });

  it('caps the terms, and lengthens or numbers descriptions that would repeat', () => {
    const texts = describeClusters(
      [
        [2, 0, 1, 0],
        [2, 0, -1, 0],
        [0.1, 0, 0, 0],
        [-0.1, 0, 0, 0],
      ],
      features,
      { threshold: 0.5, maxTerms: 1 },
    );
    expect(texts).toEqual(['frequent, outdoor', 'frequent, little outdoor', 'typical', 'typical #2']);
  });

  it('requires a category for a category-affinity feature', () => {
    expect(clusterFeatureSchema.safeParse({ name: 'x', kind: 'category-affinity' }).success).toBe(false);
  });
});

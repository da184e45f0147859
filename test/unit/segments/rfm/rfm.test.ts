import { describe, expect, it } from 'vitest';
import {
  ascendingBin,
  quantileBreaks,
  quantileOfSorted,
  RFM_GROUPS,
  rfmGroup,
  scoreRfm,
  scoreValue,
  summarizeOrders,
} from '../../../../src/segments/rfm/index.js';

describe('quantiles (numpy linear interpolation)', () => {
  it('matches numpy.quantile on small lists', () => {
    expect(quantileOfSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantileOfSorted([7], 0.8)).toBe(7);
    const tenths = quantileBreaks([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 5);
    [2.8, 4.6, 6.4, 8.2].forEach((want, i) => {
      expect(tenths[i]).toBeCloseTo(want, 12);
    });
  });

  it('rejects an empty list', () => {
    expect(() => quantileOfSorted([], 0.5)).toThrow(RangeError);
  });
});

describe('scores', () => {
  it('puts a value equal to a break in the bin below it', () => {
    // Order counts 1,1,1,1,2,3: quartile breaks 1, 1, 1.75.
    const breaks = quantileBreaks([1, 1, 1, 1, 2, 3], 4);
    expect(breaks).toEqual([1, 1, 1.75]);
    expect(ascendingBin(1, breaks)).toBe(1);
    expect(ascendingBin(1.75, breaks)).toBe(3);
    expect(ascendingBin(2, breaks)).toBe(4);
  });

  it('turns direction and orientation independently', () => {
    const breaks = [10, 20, 30, 40];
    expect(scoreValue(5, breaks, 'higher-is-better', 'max-is-best')).toBe(1);
    expect(scoreValue(5, breaks, 'lower-is-better', 'max-is-best')).toBe(5);
    expect(scoreValue(5, breaks, 'higher-is-better', 'one-is-best')).toBe(5);
    expect(scoreValue(5, breaks, 'lower-is-better', 'one-is-best')).toBe(1);
  });
});

describe('scoreRfm with the product default (quintiles, 5 best)', () => {
  // Ten buyers whose recency, frequency and monetary rise together, plus one who never ordered.
  const customers = [
    ...Array.from({ length: 10 }, (_, i) => ({
      customerId: `c${i + 1}`,
      recencyDays: i + 1,
      frequency: i + 1,
      monetary: 10 * (i + 1),
    })),
    { customerId: 'browser', frequency: 0, monetary: 0 },
  ];
  const result = scoreRfm(customers, { analysisDate: '2024-06-30' });

  it('uses quintile breaks over buyers only and leaves non-buyers unscored', () => {
    expect(result.options.bins).toBe(5);
    expect(result.breaks?.recency.map((b) => Number(b.toFixed(9)))).toEqual([2.8, 4.6, 6.4, 8.2]);
    expect(result.unscored).toEqual([{ customerId: 'browser', reason: 'no_orders' }]);
    expect(result.scored.map((s) => s.customerId)).not.toContain('browser');
  });

  it('scores low recency and high frequency/monetary as 5', () => {
    const byId = new Map(result.scored.map((s) => [s.customerId, s]));
    expect(byId.get('c1')).toMatchObject({ r: 5, f: 1, m: 1, rfmClass: '511', group: 'New' });
    expect(byId.get('c10')).toMatchObject({ r: 1, f: 5, m: 5, rfmClass: '155', group: "Can't lose them" });
    expect(byId.get('c5')).toMatchObject({ r: 3, f: 3, m: 3, rfmClass: '333', group: 'Need attention' });
  });

  it('derives recency in whole days from the last order date', () => {
    const dated = scoreRfm(
      [
        { customerId: 'a', frequency: 2, monetary: 50, lastOrderAt: new Date('2024-06-29T23:00:00Z') },
        { customerId: 'b', frequency: 1, monetary: 20, lastOrderAt: new Date('2024-03-01T12:00:00Z') },
        // Stamped after the analysis date (clock skew): counted as 0 days.
        { customerId: 'c', frequency: 1, monetary: 20, lastOrderAt: new Date('2024-07-01T08:00:00Z') },
      ],
      { analysisDate: '2024-06-30' },
    );
    expect(dated.scored.map((s) => s.recencyDays)).toEqual([0, 120, 0]);
  });

  it('needs a recency for a customer with orders', () => {
    expect(() =>
      scoreRfm([{ customerId: 'x', frequency: 1, monetary: 5 }], { analysisDate: '2024-01-01' }),
    ).toThrow(/neither recencyDays nor lastOrderAt/);
  });

  it('returns no breaks when nobody has ordered', () => {
    const empty = scoreRfm([{ customerId: 'x', frequency: 0, monetary: 0 }], { analysisDate: '2024-01-01' });
    expect(empty.breaks).toBeNull();
    expect(empty.scored).toEqual([]);
  });

  it('maps a 1-best quintile scale onto the same groups', () => {
    const flipped = scoreRfm(customers, { analysisDate: '2024-06-30', orientation: 'one-is-best' });
    const c1 = flipped.scored.find((s) => s.customerId === 'c1');
    expect(c1).toMatchObject({ r: 1, f: 5, m: 5, group: 'New' });
  });
});

describe('RFM groups', () => {
  it('names hand-made score combinations', () => {
    expect(rfmGroup(5, 5, 5)).toBe('Champions');
    expect(rfmGroup(4, 4, 5)).toBe('Champions');
    expect(rfmGroup(3, 4, 4)).toBe('Loyal');
    expect(rfmGroup(5, 3, 3)).toBe('Loyal');
    expect(rfmGroup(5, 2, 2)).toBe('Potential loyalist');
    expect(rfmGroup(5, 1, 1)).toBe('New');
    expect(rfmGroup(4, 1, 1)).toBe('Promising');
    expect(rfmGroup(3, 3, 3)).toBe('Need attention');
    expect(rfmGroup(3, 1, 2)).toBe('About to sleep');
    expect(rfmGroup(2, 4, 5)).toBe('At risk');
    expect(rfmGroup(1, 5, 4)).toBe("Can't lose them");
    expect(rfmGroup(2, 2, 2)).toBe('Hibernating');
    expect(rfmGroup(1, 1, 1)).toBe('Lost');
  });

  it('rounds FM half up: F 2 with M 3 counts as FM 3', () => {
    expect(rfmGroup(3, 2, 3)).toBe('Need attention');
    expect(rfmGroup(3, 2, 2)).toBe('About to sleep');
  });

  it('gives every one of the 125 classes a group, and uses all 11 names', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++)
      for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(rfmGroup(r, f, m));
    expect([...seen].sort()).toEqual([...RFM_GROUPS].sort());
  });

  it('refuses scores off the 1..5 scale', () => {
    expect(() => rfmGroup(0, 3, 3)).toThrow(RangeError);
    expect(() => rfmGroup(3, 6, 3)).toThrow(RangeError);
  });
});

describe('summarizeOrders', () => {
  it('counts, sums and keeps the last date, leaving out orders after the analysis date', () => {
    const at = (iso: string) => new Date(`${iso}T00:00:00Z`);
    const summary = summarizeOrders(
      [
        { customerId: 'a', orderedAt: at('2024-01-05'), total: 10 },
        { customerId: 'b', orderedAt: at('2024-02-01'), total: 7 },
        { customerId: 'a', orderedAt: at('2024-03-09'), total: 15 },
        { customerId: 'a', orderedAt: at('2024-02-01'), total: 5 },
        { customerId: 'a', orderedAt: at('2024-08-01'), total: 999 },
      ],
      at('2024-06-30'),
    );
    expect(summary).toEqual([
      { customerId: 'a', frequency: 3, monetary: 30, lastOrderAt: at('2024-03-09') },
      { customerId: 'b', frequency: 1, monetary: 7, lastOrderAt: at('2024-02-01') },
    ]);
  });
});

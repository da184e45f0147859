import { describe, expect, it } from 'vitest';
import { parseWrkOutput, weightedQuantiles } from '../../bench/wrk.js';

const weightedQuantile = (values: number[], weights: number[], q: number) =>
  weightedQuantiles(values, weights, [q])[0];

function wrkOutput(
  quantilesUs: number[],
  counts = 'requests=30000 duration_us=2001000 status=2 connect=0 read=1 write=0 timeout=3',
) {
  return [
    'Running 2s test @ http://127.0.0.1:4000',
    '  1 threads and 50 connections',
    `wrk-counts ${counts}`,
    `wrk-quantiles-us ${quantilesUs.join(' ')}`,
    '',
  ].join('\n');
}

describe('parseWrkOutput (the lines wrk-recipients.lua prints)', () => {
  it('reads the counts and the 1,000 quantiles, in ms', () => {
    const round = parseWrkOutput(wrkOutput(Array.from({ length: 1000 }, (_, i) => 1000 + i)));
    expect(round).toMatchObject({ requests: 30000, seconds: 2.001, statusErrors: 2, socketErrors: 4 });
    expect(round.quantilesMs[0]).toBe(1);
    expect(round.quantilesMs[999]).toBe(1.999);
  });

  it('refuses output without the results, or with a short list of quantiles', () => {
    expect(() => parseWrkOutput('Running 2s test\nconnection refused\n')).toThrow(/no results/);
    expect(() => parseWrkOutput(wrkOutput([1, 2, 3]))).toThrow(/3 quantiles, expected 1000/);
    expect(() => parseWrkOutput(wrkOutput(Array(1000).fill(5), 'requests=1 duration_us=1'))).toThrow(
      /lack status/,
    );
  });
});

describe('weightedQuantiles', () => {
  it('is the plain percentile when every value weighs 1', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    const ones = values.map(() => 1);
    expect(weightedQuantile(values, ones, 0.5)).toBe(50);
    expect(weightedQuantile(values, ones, 0.99)).toBe(99);
    expect(weightedQuantile(values, ones, 1)).toBe(100);
  });

  it('lets a round with more requests count for more', () => {
    // A fast round of 9,000 requests at 1 ms and a slow one of 1,000 at 20 ms: 10 % are slow.
    const values = [1, 20];
    expect(weightedQuantile(values, [9000, 1000], 0.5)).toBe(1);
    expect(weightedQuantile(values, [9000, 1000], 0.95)).toBe(20);
    expect(weightedQuantile(values, [9900, 100], 0.95)).toBe(1);
  });

  it('answers every fraction asked for, in the order asked', () => {
    expect(weightedQuantiles([3, 1, 2], [1, 1, 1], [1, 0.1, 0.5])).toEqual([3, 1, 2]);
  });

  it('has no value for no samples', () => {
    expect(weightedQuantile([], [], 0.5)).toBeNaN();
  });
});

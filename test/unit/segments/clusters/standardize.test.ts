import { describe, expect, it } from 'vitest';
import {
  applyScaler,
  fitScaler,
  matrixFromRows,
  scaleRow,
  unscaleRow,
} from '../../../../src/segments/clusters/index.js';

describe('standardisation', () => {
  const data = matrixFromRows([
    [1, 100, 5],
    [2, 300, 5],
    [3, 500, 5],
    [6, 700, 5],
  ]);

  it('gives each varying feature mean 0 and population standard deviation 1', () => {
    const scaler = fitScaler(data);
    expect(scaler.means).toEqual([3, 400, 5]);
    expect(scaler.scales[1]).toBeCloseTo(Math.sqrt(50_000), 9);
    const scaled = applyScaler(scaler, data);
    for (const c of [0, 1]) {
      const column = [0, 1, 2, 3].map((r) => scaled.values[r * 3 + c]!);
      const mean = column.reduce((a, b) => a + b, 0) / 4;
      const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(mean).toBeCloseTo(0, 12);
      expect(variance).toBeCloseTo(1, 12);
    }
  });

  it('turns a zero-variance feature into zeros instead of NaN, and flags it', () => {
    const scaler = fitScaler(data);
    expect(scaler.constant).toEqual([false, false, true]);
    expect(scaler.scales[2]).toBe(1);
    const scaled = applyScaler(scaler, data);
    expect([0, 1, 2, 3].map((r) => scaled.values[r * 3 + 2])).toEqual([0, 0, 0, 0]);
    expect(scaled.values.every(Number.isFinite)).toBe(true);
    // A later value of a feature that was constant in training still maps to 0.
    expect(scaleRow(scaler, [3, 400, 9])).toEqual([0, 0, 0]);
  });

  it('treats a large constant with rounding noise as constant', () => {
    const scaler = fitScaler(matrixFromRows([[1e9], [1e9 + 1e-7], [1e9]]));
    expect(scaler.constant).toEqual([true]);
  });

  it('round-trips a row through the scaler', () => {
    const scaler = fitScaler(data);
    const row = [4.5, 250, 5];
    const back = unscaleRow(scaler, scaleRow(scaler, row));
    back.forEach((value, c) => {
      expect(value).toBeCloseTo(row[c]!, 9);
    });
  });

  it('refuses missing values and empty input', () => {
    expect(() => fitScaler(matrixFromRows([[1], [Number.NaN]]))).toThrow(/impute/);
    expect(() => fitScaler(matrixFromRows([], 2))).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { gammaSign, hyp2f1, logBeta, logGamma } from '../../../src/predict/special-functions.js';

const relativeError = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

describe('logGamma', () => {
  it('matches closed forms to ~1e-15 relative', () => {
    expect(relativeError(logGamma(0.5), Math.log(Math.sqrt(Math.PI)))).toBeLessThan(1e-14);
    expect(relativeError(logGamma(1.5), Math.log(Math.sqrt(Math.PI) / 2))).toBeLessThan(1e-13);
    let factorial = 1;
    for (let n = 2; n <= 30; n++) {
      factorial *= n;
      // ln Γ(n+1) = ln n!
      expect(relativeError(logGamma(n + 1), Math.log(factorial))).toBeLessThan(1e-14);
    }
  });

  it('is 0 at 1 and 2 (absolutely, where relative error means nothing)', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15);
  });

  it('matches published values for small and large arguments', () => {
    // DLMF / mpmath: ln Γ(100) = ln 99!, ln Γ(0.001), ln Γ(1000.25), ln Γ(10⁶).
    expect(relativeError(logGamma(100), 359.1342053695754)).toBeLessThan(1e-14);
    expect(relativeError(logGamma(0.001), 6.907178885383854)).toBeLessThan(1e-14);
    expect(relativeError(logGamma(1000.25), 5906.9472682711175)).toBeLessThan(1e-14);
    expect(relativeError(logGamma(1e6), 12815504.569147611)).toBeLessThan(1e-14);
  });

  it('reflects to negative arguments and knows the sign of Γ', () => {
    // Γ(−½) = −2√π, Γ(−3/2) = 4√π/3
    expect(relativeError(logGamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)))).toBeLessThan(1e-14);
    expect(relativeError(logGamma(-1.5), Math.log((4 * Math.sqrt(Math.PI)) / 3))).toBeLessThan(1e-14);
    expect(gammaSign(-0.5)).toBe(-1);
    expect(gammaSign(-1.5)).toBe(1);
    expect(gammaSign(2.5)).toBe(1);
    expect(gammaSign(-2)).toBe(0);
    expect(logGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(logGamma(-3)).toBe(Number.POSITIVE_INFINITY);
  });

  it('gives log-beta', () => {
    // B(2, 3) = 1/12
    expect(relativeError(logBeta(2, 3), Math.log(1 / 12))).toBeLessThan(1e-14);
  });
});

describe('hyp2f1', () => {
  it('2F1(1,1;2;z) = −ln(1−z)/z, across the series, near-integer fallback and negative z', () => {
    for (const z of [1e-6, 0.1, 0.5, 0.9, 0.95, 0.999, -0.5, -3, -20]) {
      expect(relativeError(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-13);
    }
  });

  it('2F1(a,b;b;z) = (1−z)^−a', () => {
    for (const [a, b, z] of [
      [0.3, 2.5, 0.4],
      [2.2, 0.7, 0.93],
      [1.5, 4, 0.999],
      [-2.5, 1.3, 0.8],
      [3.1, 1.7, -2],
    ] as const) {
      expect(relativeError(hyp2f1(a, b, b, z), (1 - z) ** -a)).toBeLessThan(1e-12);
    }
  });

  it('arcsin, artanh and arctan forms, including the 1−z connection formula (c−a−b = ½)', () => {
    for (const x of [0.2, 0.7, 0.95, 0.9995]) {
      expect(relativeError(hyp2f1(0.5, 0.5, 1.5, x * x), Math.asin(x) / x)).toBeLessThan(1e-12);
      expect(relativeError(hyp2f1(0.5, 1, 1.5, x * x), Math.atanh(x) / x)).toBeLessThan(1e-12);
    }
    for (const x of [0.5, 1, 3, 10]) {
      expect(relativeError(hyp2f1(0.5, 1, 1.5, -x * x), Math.atan(x) / x)).toBeLessThan(1e-12);
    }
  });

  it('terminates for a non-positive integer a (a polynomial)', () => {
    // 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
    const [b, c, z] = [1.7, 2.3, 0.96];
    expect(
      relativeError(hyp2f1(-2, b, c, z), 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1))),
    ).toBeLessThan(1e-14);
  });

  it("uses Gauss's theorem at z = 1", () => {
    // 2F1(a,b;c;1) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)); with a=b=½, c=2: Γ(2)Γ(1)/Γ(3/2)² = 4/π
    expect(relativeError(hyp2f1(0.5, 0.5, 2, 1), 4 / Math.PI)).toBeLessThan(1e-13);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });

  it('matches mpmath (30 digits, rounded to doubles) at the parameters BG/NBD evaluates', () => {
    // CDNOW fit (r, α, a, b) = (0.242593, 4.413532, 0.792886, 2.425753): x = 2 over 39 weeks, the
    // Euler-transformed form at x = 200, the unconditional form at z = 0.95, x = 50 untransformed.
    const cases: [number, number, number, number, number][] = [
      [2.242593, 4.425753, 4.218639, 0.4740285125962503, 4.574346442157587],
      [1.9760459999999995, -0.20711400000000002, 202.218639, 0.97, 0.9980256512886538],
      [0.242593, 2.425753, 2.2186389999999996, 0.95, 2.4429387721997826],
      [50.242593, 52.425753, 52.218638999999996, 0.5, 1531618003609979],
      [0.7, 1.3, 2.0, 0.9999, 8.10835682725645],
    ];
    for (const [a, b, c, z, want] of cases)
      expect(relativeError(hyp2f1(a, b, c, z), want)).toBeLessThan(1e-12);
  });

  it('refuses where it is undefined', () => {
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow(/non-positive integer/);
    expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow(/outside the real domain/);
    expect(() => hyp2f1(1, 1, 2, Number.NaN)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, 1 - 1e-12, { maxTerms: 1000 })).toThrow(/did not converge/);
    expect(hyp2f1(0, 3, 4, 0.9)).toBe(1);
  });
});

/**
 * Log-gamma and the Gauss hypergeometric function 2F1, the two special functions the BG/NBD and
 * Gamma-Gamma models need. Pure double-precision code: the engines run on Workers too, where no
 * numeric library is available.
 */

/**
 * Lanczos approximation with g = 671/128 and 14 terms (Numerical Recipes, 3rd ed., `gammln`),
 * relative error below 1e-15 for Γ(x), x > 0.
 */
const LANCZOS_G = 671 / 128;
const LANCZOS_C0 = 0.9999999999999971;
// The published 18-digit coefficients, as the doubles they round to.
const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202, 0.00003399464998481189,
  0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125, -0.00021026444172410488,
  0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275, -0.000026190838401581408,
  0.0000036899182659531625,
] as const;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln|Γ(x)|; +Infinity at the poles (0, −1, −2, …). Negative x through the reflection formula. */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return Number.POSITIVE_INFINITY;
    // Γ(x)Γ(1−x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const shifted = x + LANCZOS_G;
  let series = LANCZOS_C0;
  for (let j = 0; j < LANCZOS.length; j++) series += LANCZOS[j]! / (x + j + 1);
  return (x + 0.5) * Math.log(shifted) - shifted + LOG_SQRT_2PI + Math.log(series / x);
}

/** Sign of Γ(x): +1 for x > 0, alternating between the poles below 0, and 0 at a pole. */
export function gammaSign(x: number): -1 | 0 | 1 {
  if (x > 0) return 1;
  if (Number.isInteger(x)) return 0;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}

/** ln B(a, b) for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

export interface Hyp2f1Options {
  /**
   * Most series terms before giving up. Past z = 0.9 the series is summed only when c − a − b is
   * near an integer; the default then reaches z ≈ 1 − 3·10⁻⁵.
   */
  maxTerms?: number;
}

/** Below this z the series in z is used as is (at worst ~350 terms per 16 digits). */
const DIRECT_SERIES_LIMIT = 0.9;
/**
 * The 1−z connection formula divides by Γ(c−a−b) and Γ(a+b−c), which blow up as c−a−b nears an
 * integer; its two halves then cancel. Within this distance the series in z is used instead,
 * which is exact there but slow as z → 1.
 */
const NEAR_INTEGER = 0.05;
const EPSILON = 1e-16;
const DEFAULT_MAX_TERMS = 2_000_000;

const isNonPositiveInteger = (value: number): boolean => value <= 0 && Number.isInteger(value);

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real arguments and z < 1 (and z = 1 when
 * c − a − b > 0). Throws a RangeError where it is undefined (c a non-positive integer, z > 1) or
 * where the series does not converge within `maxTerms`.
 *
 * z < 0 goes through Pfaff's transformation to w = z/(z−1) in (0, 1); 0 ≤ z ≤ 0.9 uses the series
 * in z, in Euler's transformed form when that has smaller parameters (BG/NBD's large-frequency
 * customers); z > 0.9 uses the connection formula in 1−z (Abramowitz & Stegun 15.3.6).
 */
export function hyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const maxTerms = options.maxTerms ?? DEFAULT_MAX_TERMS;
  if (![a, b, c, z].every(Number.isFinite)) throw new RangeError('hyp2f1: arguments must be finite');
  if (isNonPositiveInteger(c)) throw new RangeError(`hyp2f1: c = ${c} is a non-positive integer`);
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z > 1) throw new RangeError(`hyp2f1: z = ${z} > 1 is outside the real domain`);
  if (z === 1) return gaussAtOne(a, b, c);
  if (z < 0) {
    // Pfaff: 2F1(a,b;c;z) = (1−z)^−a 2F1(a, c−b; c; z/(z−1)).
    return (1 - z) ** -a * hyp2f1(a, c - b, c, z / (z - 1), options);
  }
  if (z <= DIRECT_SERIES_LIMIT) return seriesOrThrow(a, b, c, z, maxTerms);
  const quick = bestSeries(a, b, c, z, 500);
  if (quick !== undefined) return quick;
  const gap = c - a - b;
  if (Math.abs(gap - Math.round(gap)) > NEAR_INTEGER) return oneMinusZ(a, b, c, z);
  return seriesOrThrow(a, b, c, z, maxTerms);
}

/** Gauss's theorem: 2F1(a,b;c;1) = Γ(c)Γ(c−a−b) / (Γ(c−a)Γ(c−b)) for c − a − b > 0. */
function gaussAtOne(a: number, b: number, c: number): number {
  if (c - a - b <= 0) throw new RangeError('hyp2f1: diverges at z = 1 unless c − a − b > 0');
  return gammaRatio([c, c - a - b], [c - a, c - b]);
}

/** Π Γ(top) / Π Γ(bottom), through logs; a pole in the denominator makes the ratio 0. */
function gammaRatio(top: number[], bottom: number[]): number {
  let sign = 1;
  let log = 0;
  for (const x of bottom) {
    const s = gammaSign(x);
    if (s === 0) return 0;
    sign *= s;
    log -= logGamma(x);
  }
  for (const x of top) {
    const s = gammaSign(x);
    if (s === 0) throw new RangeError(`hyp2f1: Γ(${x}) is infinite`);
    sign *= s;
    log += logGamma(x);
  }
  return sign * Math.exp(log);
}

function seriesOrThrow(a: number, b: number, c: number, z: number, maxTerms: number): number {
  const value = bestSeries(a, b, c, z, maxTerms);
  if (value === undefined) {
    throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}): series did not converge in ${maxTerms} terms`);
  }
  return value;
}

/**
 * The series in z, either as is or after Euler's transformation
 * 2F1(a,b;c;z) = (1−z)^(c−a−b) 2F1(c−a, c−b; c; z), whichever terminates or has the smaller
 * parameters: for BG/NBD's 2F1(r+x, b+x; a+b+x−1; z) the transformed series has parameters that
 * do not grow with the frequency x, so it converges in a few terms instead of thousands.
 */
function bestSeries(a: number, b: number, c: number, z: number, maxTerms: number): number | undefined {
  const terminates = isNonPositiveInteger(a) || isNonPositiveInteger(b);
  const eulerTerminates = isNonPositiveInteger(c - a) || isNonPositiveInteger(c - b);
  const euler =
    !terminates && (eulerTerminates || Math.abs(c - a) + Math.abs(c - b) < Math.abs(a) + Math.abs(b));
  if (!euler) return series(a, b, c, z, maxTerms);
  const sum = series(c - a, c - b, c, z, maxTerms);
  return sum === undefined ? undefined : (1 - z) ** (c - a - b) * sum;
}

/**
 * Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ, stopped once the tail, bounded by a geometric series with the larger
 * of the current term ratio and z, is below machine precision. Undefined when it runs out of terms.
 */
function series(a: number, b: number, c: number, z: number, maxTerms: number): number | undefined {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = ((a + n) * (b + n)) / ((c + n) * (n + 1));
    term *= ratio * z;
    sum += term;
    if (term === 0) return sum;
    // A parameter below zero can make one term tiny before the terms grow again: only judge the
    // tail once n has passed every sign change of (a+n), (b+n), (c+n).
    if (n + 1 + Math.min(a, b, c) <= 0) continue;
    const bound = Math.max(Math.abs(ratio * z), Math.abs(z));
    if (bound < 1 && Math.abs(term) * bound <= EPSILON * (1 - bound) * Math.abs(sum)) return sum;
  }
  return undefined;
}

/**
 * A&S 15.3.6, for c − a − b not an integer:
 * 2F1(a,b;c;z) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)) · 2F1(a, b; a+b−c+1; 1−z)
 *              + (1−z)^(c−a−b) Γ(c)Γ(a+b−c)/(Γ(a)Γ(b)) · 2F1(c−a, c−b; c−a−b+1; 1−z).
 */
function oneMinusZ(a: number, b: number, c: number, z: number): number {
  const w = 1 - z;
  const gap = c - a - b;
  const first = gammaRatio([c, gap], [c - a, c - b]);
  const second = gammaRatio([c, -gap], [a, b]);
  const left = first === 0 ? 0 : first * seriesOrThrow(a, b, 1 - gap, w, DEFAULT_MAX_TERMS);
  const right =
    second === 0 ? 0 : second * w ** gap * seriesOrThrow(c - a, c - b, gap + 1, w, DEFAULT_MAX_TERMS);
  return left + right;
}

import { type BgNbdParams, checkHistories, frequencyTerm, type PurchaseHistory } from './bg-nbd.js';
import { DegenerateDataError, InsufficientDataError, NotConvergedError } from './errors.js';
import { nelderMead } from './nelder-mead.js';

/**
 * Maximum-likelihood fit of BG/NBD (no penalty, as the published CDNOW fit) by Nelder–Mead on
 * log-parameters, refusing data that cannot support it.
 */

export interface BgNbdFitOptions {
  /** Refuse below this many customers with at least one repeat purchase. */
  minRepeatCustomers?: number;
  maxIterations?: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  /** Σ log-likelihood over customers at the optimum (FHL 2005 report −9582.4 for CDNOW). */
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: true;
  customers: number;
  repeatCustomers: number;
}

export const BG_NBD_MIN_REPEAT_CUSTOMERS = 100;
/**
 * Beyond e^±15 (about 3·10⁶) a parameter has run off towards a boundary of the model (no
 * heterogeneity, nobody drops out): the data do not pin it down, and log-gamma of such values has
 * lost the precision the likelihood needs.
 */
const LOG_PARAM_LIMIT = 15;

export function fitBgNbd(histories: readonly PurchaseHistory[], options: BgNbdFitOptions = {}): BgNbdFit {
  checkHistories(histories);
  const minRepeat = options.minRepeatCustomers ?? BG_NBD_MIN_REPEAT_CUSTOMERS;
  const repeatCustomers = histories.filter((history) => history.frequency > 0).length;
  if (repeatCustomers < minRepeat) {
    throw new InsufficientDataError(
      'bg-nbd',
      `BG/NBD needs at least ${minRepeat} customers with repeat purchases, got ${repeatCustomers}`,
    );
  }
  // A loop, not Math.max(...ages): spreading a million arguments overflows the stack.
  const maxAge = histories.reduce((max, history) => Math.max(max, history.age), 0);
  if (!(maxAge > 0)) {
    throw new DegenerateDataError('bg-nbd', 'BG/NBD needs customers observed for some time; every age is 0');
  }
  const data = compress(histories);
  const negativeLogLikelihood = (logParams: readonly number[]): number => {
    // A wall past the limit stops a runaway simplex early; the check after the fit reports it.
    if (logParams.some((value) => Math.abs(value) > LOG_PARAM_LIMIT + 5)) return Number.POSITIVE_INFINITY;
    return -totalLogLikelihood(fromLog(logParams), data);
  };
  // Start where lifetimes does once it rescales time so that the oldest customer is 10 units old.
  const result = nelderMead(negativeLogLikelihood, [0, Math.log(maxAge / 10), 0, 0], {
    maxIterations: options.maxIterations ?? 2000,
    fTolerance: 1e-9,
    xTolerance: 1e-7,
    restarts: 2,
  });
  const params = fromLog(result.x);
  if (result.x.some((value) => Math.abs(value) > LOG_PARAM_LIMIT) || !Number.isFinite(result.value)) {
    throw new DegenerateDataError(
      'bg-nbd',
      `BG/NBD parameters ran off to a boundary (r=${params.r}, alpha=${params.alpha}, a=${params.a}, b=${params.b}): ` +
        'the purchase histories do not identify the model',
    );
  }
  if (!result.converged) {
    throw new NotConvergedError(
      'bg-nbd',
      `BG/NBD fit did not converge in ${result.iterations} iterations (log-likelihood ${-result.value})`,
    );
  }
  return {
    params,
    logLikelihood: -result.value,
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: true,
    customers: histories.length,
    repeatCustomers,
  };
}

function fromLog(logParams: readonly number[]): BgNbdParams {
  const [r, alpha, a, b] = logParams.map(Math.exp) as [number, number, number, number];
  return { r, alpha, a, b };
}

/**
 * The histories reduced to what the likelihood needs: distinct frequencies with their counts,
 * distinct times (recencies and ages), and one row per distinct (x, t_x, T) pointing into both.
 * Each evaluation then takes one log per distinct time instead of two per customer: daily data
 * over two years has under a thousand distinct times however many customers there are.
 */
interface CompressedHistories {
  frequencies: number[];
  frequencyCounts: number[];
  times: number[];
  rowFrequency: Int32Array;
  rowRecency: Int32Array;
  rowAge: Int32Array;
  rowCount: Float64Array;
}

function compress(histories: readonly PurchaseHistory[]): CompressedHistories {
  const frequencyIndex = new Map<number, number>();
  const timeIndex = new Map<number, number>();
  const rowIndex = new Map<string, number>();
  const frequencies: number[] = [];
  const frequencyCounts: number[] = [];
  const times: number[] = [];
  const rows: { frequency: number; recency: number; age: number; count: number }[] = [];
  const indexOf = <K>(map: Map<K, number>, list: K[], key: K): number => {
    let index = map.get(key);
    if (index === undefined) {
      index = list.length;
      map.set(key, index);
      list.push(key);
    }
    return index;
  };
  for (const { frequency, recency, age } of histories) {
    const f = indexOf(frequencyIndex, frequencies, frequency);
    frequencyCounts[f] = (frequencyCounts[f] ?? 0) + 1;
    const key = `${frequency}|${recency}|${age}`;
    const existing = rowIndex.get(key);
    if (existing !== undefined) {
      rows[existing]!.count++;
      continue;
    }
    rowIndex.set(key, rows.length);
    rows.push({
      frequency: f,
      recency: indexOf(timeIndex, times, recency),
      age: indexOf(timeIndex, times, age),
      count: 1,
    });
  }
  return {
    frequencies,
    frequencyCounts,
    times,
    rowFrequency: Int32Array.from(rows, (row) => row.frequency),
    rowRecency: Int32Array.from(rows, (row) => row.recency),
    rowAge: Int32Array.from(rows, (row) => row.age),
    rowCount: Float64Array.from(rows, (row) => row.count),
  };
}

/** Σ bgNbdLogLikelihood over the customers, from the compressed form. */
function totalLogLikelihood(params: BgNbdParams, data: CompressedHistories): number {
  const { r, alpha, a, b } = params;
  let total = 0;
  const logDropout = data.frequencies.map((x, f) => {
    total += data.frequencyCounts[f]! * frequencyTerm(params, x);
    return x > 0 ? Math.log(a) - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
  });
  const logTime = data.times.map((time) => Math.log(alpha + time));
  for (let row = 0; row < data.rowCount.length; row++) {
    const f = data.rowFrequency[row]!;
    const x = data.frequencies[f]!;
    // ln[(α+T)^−(r+x) + δ(x>0) · a/(b+x−1) · (α+t_x)^−(r+x)], as in bg-nbd.ts's timingTerm.
    const stillAlive = -(r + x) * logTime[data.rowAge[row]!]!;
    let term = stillAlive;
    if (x > 0) {
      const droppedOut = logDropout[f]! - (r + x) * logTime[data.rowRecency[row]!]!;
      const high = Math.max(stillAlive, droppedOut);
      term = high + Math.log1p(Math.exp(-Math.abs(stillAlive - droppedOut)));
    }
    total += data.rowCount[row]! * term;
  }
  return total;
}

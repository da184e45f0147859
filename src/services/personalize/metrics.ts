/**
 * Per-instance counters of the webhook: latency as a histogram (log-spaced buckets, so percentiles
 * cost nothing to record and little to read) and answers by outcome. Exposed to admins at
 * GET /v1/admin/metrics/personalize; on Workers each isolate counts its own.
 */

/** Bucket upper bounds in milliseconds: 0.05 ms × 1.25^k up to about 60 s. */
const BOUNDS: number[] = [];
for (let bound = 0.05; bound < 60_000; bound *= 1.25) BOUNDS.push(bound);

export type Outcome =
  | 'ok'
  | 'not_modified'
  | 'fallback_unknown_profile'
  | 'fallback_timeout'
  | 'fallback_error';
export type Refusal = 'unauthorized' | 'bad_request' | 'rate_limited';

export interface PersonalizeMetricsSnapshot {
  since: string;
  requests: number;
  answers: Record<Outcome, number>;
  refused: Record<Refusal, number>;
  /** Answers with at least one slot on fallback content (no personal list, empty cart, …). */
  slotFallbacks: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

export class PersonalizeMetrics {
  private readonly buckets = new Float64Array(BOUNDS.length + 1);
  private count = 0;
  private totalMs = 0;
  private maxMs = 0;
  private slotFallbacks = 0;
  private readonly answers: Record<Outcome, number> = {
    ok: 0,
    not_modified: 0,
    fallback_unknown_profile: 0,
    fallback_timeout: 0,
    fallback_error: 0,
  };
  private readonly refused: Record<Refusal, number> = { unauthorized: 0, bad_request: 0, rate_limited: 0 };
  private since = new Date();

  answered(outcome: Outcome, ms: number, slotFallback: boolean): void {
    this.answers[outcome]++;
    if (slotFallback) this.slotFallbacks++;
    this.count++;
    this.totalMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
    let low = 0;
    let high = BOUNDS.length;
    // The first bound ≥ ms (binary search: 60 buckets).
    while (low < high) {
      const mid = (low + high) >> 1;
      if (BOUNDS[mid]! < ms) low = mid + 1;
      else high = mid;
    }
    this.buckets[low]!++;
  }

  refusedWith(refusal: Refusal): void {
    this.refused[refusal]++;
  }

  /** The upper bound of the bucket holding the q-quantile (at most 25 % above the true value). */
  private quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let k = 0; k < this.buckets.length; k++) {
      seen += this.buckets[k]!;
      if (seen >= rank) return Math.min(BOUNDS[k] ?? this.maxMs, this.maxMs);
    }
    return this.maxMs;
  }

  snapshot(): PersonalizeMetricsSnapshot {
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return {
      since: this.since.toISOString(),
      requests: this.count + Object.values(this.refused).reduce((sum, value) => sum + value, 0),
      answers: { ...this.answers },
      refused: { ...this.refused },
      slotFallbacks: this.slotFallbacks,
      latencyMs: {
        p50: round(this.quantile(0.5)),
        p90: round(this.quantile(0.9)),
        p99: round(this.quantile(0.99)),
        max: round(this.maxMs),
        mean: this.count === 0 ? 0 : round(this.totalMs / this.count),
      },
    };
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.totalMs = 0;
    this.maxMs = 0;
    this.slotFallbacks = 0;
    for (const key of Object.keys(this.answers) as Outcome[]) this.answers[key] = 0;
    for (const key of Object.keys(this.refused) as Refusal[]) this.refused[key] = 0;
    this.since = new Date();
  }
}

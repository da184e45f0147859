/**
 * A token bucket per API key: `burst` tokens, refilled at `perSecond`. A send that outruns its key's
 * limit gets 429 with Retry-After (an authentication-level refusal, like 401: the ESP's own retry
 * logic handles it). Per instance: each Node process or Workers isolate counts on its own.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes a token; answers how many seconds until one is free when none is. */
  take(
    key: string,
    limit: { perSecond: number; burst: number },
    now: number,
  ): { ok: true } | { ok: false; retryAfterS: number } {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      // Bounded by the number of keys, but an attacker cannot create keys: no eviction needed.
      bucket = { tokens: limit.burst, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond)) };
  }
}

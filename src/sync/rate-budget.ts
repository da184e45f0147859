import type { ConnectorLimits } from '../connector-kit/types.js';

/**
 * A vendor account's request budget, shared by every sync writing to that account in this
 * process: a sliding window of the declared `requestsPerWindow`, halved for a while after a 429
 * (adaptive slowdown) and paused for the vendor's Retry-After.
 */
export class RateBudget {
  private readonly sent: number[] = [];
  private pausedUntil = 0;
  private slowUntil = 0;

  constructor(
    private readonly limit: ConnectorLimits['requestsPerWindow'],
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async acquire(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      if (!this.limit) return;
      const capacity =
        now < this.slowUntil ? Math.max(1, Math.floor(this.limit.requests / 2)) : this.limit.requests;
      while (this.sent.length > 0 && this.sent[0]! <= now - this.limit.windowMs) this.sent.shift();
      if (this.sent.length < capacity) {
        this.sent.push(now);
        return;
      }
      await this.sleep(this.sent[0]! + this.limit.windowMs - now);
    }
  }

  rateLimited(retryAfterMs: number | undefined): void {
    const now = this.now();
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.slowUntil = now + (this.limit?.windowMs ?? 10_000) * 6;
  }
}

const budgets = new Map<string, RateBudget>();

/** The budget of one vendor account (connector + credentials), created on first use. */
export function budgetFor(accountKey: string, limit: ConnectorLimits['requestsPerWindow']): RateBudget {
  let budget = budgets.get(accountKey);
  if (!budget) {
    budget = new RateBudget(limit);
    budgets.set(accountKey, budget);
  }
  return budget;
}

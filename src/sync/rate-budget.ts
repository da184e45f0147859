import type { ConnectorLimits } from '../connector-kit/types.js';
import { sha256Hex } from '../lib/encoding.js';

/**
 * A vendor account's request budget, shared by every sync writing to that account in this
 * process: a sliding window of the declared `requestsPerWindow`, halved for a while after a 429
 * (adaptive slowdown) and paused for the vendor's Retry-After.
 */
export class RateBudget {
  /**
   * One entry per request in the window. A request's time is moved to when its answer came back:
   * the vendor counts it when it arrives, which is after we acquired the slot, so a window measured
   * from acquisition ends a little before the vendor's and the next window's first request is
   * refused (429, then a long pause and a slowdown). The answer's time is never earlier than the
   * vendor's arrival time, so a window measured from it cannot end early.
   */
  private readonly sent: Array<{ at: number }> = [];
  private pausedUntil = 0;
  private slowUntil = 0;

  constructor(
    private readonly limit: ConnectorLimits['requestsPerWindow'],
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Waits for a slot; call the returned function when the request's answer (or failure) is in. */
  async acquire(): Promise<() => void> {
    for (;;) {
      const now = this.now();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      if (!this.limit) return () => {};
      const { windowMs } = this.limit;
      const capacity =
        now < this.slowUntil ? Math.max(1, Math.floor(this.limit.requests / 2)) : this.limit.requests;
      for (let i = this.sent.length - 1; i >= 0; i--) {
        if (this.sent[i]!.at <= now - windowMs) this.sent.splice(i, 1);
      }
      if (this.sent.length < capacity) {
        const slot = { at: now };
        this.sent.push(slot);
        return () => {
          slot.at = Math.max(slot.at, this.now());
        };
      }
      const oldest = Math.min(...this.sent.map((slot) => slot.at));
      await this.sleep(Math.max(1, oldest + windowMs - now));
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

/**
 * Which vendor account a connection writes to: connections with the same credentials are one
 * account and share one budget. Hashed from the opened secrets, not their sealed form: every
 * sealing has its own random IV, so equal secrets never seal alike. Without secrets, the
 * connection is its own account.
 */
export async function accountKeyOf(
  connectorId: string,
  secrets: Record<string, unknown>,
  connectionId: string,
): Promise<string> {
  const names = Object.keys(secrets).sort();
  if (names.length === 0) return `${connectorId}:${connectionId}`;
  return `${connectorId}:${await sha256Hex(JSON.stringify(names.map((name) => [name, secrets[name]])))}`;
}

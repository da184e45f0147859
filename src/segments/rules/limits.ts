/** Bounds on a rule, so one admin's segment cannot make a full recompute unbounded. */
export const RULE_LIMITS = {
  /** Nesting of all / any / not; the root is depth 1. */
  maxDepth: 12,
  /** Every node counts, leaves and groups alike. */
  maxNodes: 200,
  /** Longest look-back of any window (events, cart, trait dates): ten years. */
  maxWindowDays: 3650,
} as const;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const WINDOW_UNITS = ['minutes', 'hours', 'days'] as const;
export type WindowUnit = (typeof WINDOW_UNITS)[number];

const UNIT_MS: Record<WindowUnit, number> = { minutes: MINUTE_MS, hours: HOUR_MS, days: DAY_MS };

/** `24, 'hours'` → milliseconds. */
export function durationMs(amount: number, unit: WindowUnit): number {
  return amount * UNIT_MS[unit];
}

export const MAX_WINDOW_MS = RULE_LIMITS.maxWindowDays * DAY_MS;

import type { AppDeps } from '../app-deps.js';

/**
 * When work started now must stop for this invocation (Workers: ESP_HUB_SYNC_TIME_BUDGET_MS of wall
 * clock from now; the next cron tick carries on from the stored cursor). Undefined on Node, where
 * a segment recompute or a recommendations run goes on to the end.
 */
export function invocationDeadline(deps: AppDeps): number | undefined {
  const budget = deps.settings.syncTimeBudgetMs;
  return budget === undefined ? undefined : Date.now() + budget;
}

/**
 * The only place cron strings live. `wrangler.toml`'s `[triggers] crons` must list exactly these
 * (a test checks it); on Node, node-cron schedules the same strings.
 */
export const CRON_SCHEDULES = {
  /** Re-check every connection's credentials so admins learn of a revoked token before a sync fails. */
  connectionHealth: '17 * * * *',
  /** Retrain the probabilistic matcher on all live profiles and merge or queue what it finds. */
  identityRetrain: '40 3 * * *',
  /** Every minute: start the syncs whose own cron matches this minute. */
  syncsDue: '* * * * *',
  // The ones below share existing strings on purpose: Cloudflare caps cron triggers per Worker.
  /** Push unsubscribes learned from one ESP to the other destinations; one query when idle. */
  suppressionsPush: '* * * * *',
  /** Delete erased people at every destination; retries what failed last hour. */
  deletionsPropagate: '17 * * * *',
  /** Forget inbound webhook event ids past their retention (ESP_HUB_WEBHOOK_RETENTION_DAYS). */
  webhookEventsPrune: '17 * * * *',
  /** Forget serving-index changes older than a day (where no index applies and prunes them: D1, libSQL). */
  servingChangesPrune: '17 * * * *',
  /** Segment entries and exits that time alone brings (windows sliding, birthdays): due profiles. */
  segmentChecksDue: '* * * * *',
  /** Carry on with an unfinished full segment recompute (Workers runs it tick by tick). */
  segmentRecomputeContinue: '* * * * *',
  /** Refit RFM, CLV, propensity and micro-segments and rescore every customer (after identity). */
  scoresRecompute: '40 3 * * *',
  /** Recompute every segment from scratch with the fresh scores: the safety net under the live updates. */
  segmentsNightly: '40 3 * * *',
  /** Precompute every profile's recommendations, after scores and segments (their favourites feed the fallback). */
  recommendationsNightly: '40 3 * * *',
  /** Carry on with an unfinished recommendations precompute (Workers runs it tick by tick). */
  recommendationsContinue: '* * * * *',
  /** Rescore the personal lists of profiles with new product activity (queued by ingest). */
  recommendationsRefresh: '* * * * *',
} as const;

export type JobName = keyof typeof CRON_SCHEDULES;

/** Distinct cron strings, as the Workers runtime reports them in `controller.cron`. */
export function distinctCrons(): string[] {
  return [...new Set(Object.values(CRON_SCHEDULES))];
}

export function jobsForCron(cron: string): JobName[] {
  return (Object.keys(CRON_SCHEDULES) as JobName[]).filter((name) => CRON_SCHEDULES[name] === cron);
}

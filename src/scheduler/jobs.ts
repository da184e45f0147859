import type { AppDeps } from '../app-deps.js';
import { errorFields } from '../lib/logger.js';
import {
  continueRecommendationRun,
  drainRefreshQueue,
  startRecommendationRun,
} from '../recommend/serving/index.js';
import { refreshDueSegments } from '../segments/engine/due-checks.js';
import { continueSegmentRecompute, startSegmentRecompute } from '../segments/engine/recompute.js';
import { allConnectionIds, checkConnection } from '../services/connections.js';
import { liveProfileCount, runFullPass } from '../services/identity/probabilistic.js';
import { pruneServingChanges } from '../services/personalize/serving-index/prune.js';
import { propagateDeletions } from '../services/profiles/propagate-deletions.js';
import { recomputeScores } from '../services/scores/recompute-scores.js';
import { loadSettings } from '../services/settings.js';
import { pushSuppressions } from '../services/suppressions.js';
import { pruneWebhookEvents } from '../services/webhooks/retention.js';
import { type JobName, jobsForCron } from './crons.js';
import { runDueSyncs } from './sync-tick.js';
import { invocationDeadline } from './time-budget.js';

type Job = (deps: AppDeps) => Promise<Record<string, unknown>>;

const JOBS = {
  async connectionHealth(deps) {
    let ok = 0;
    let failed = 0;
    for (const id of await allConnectionIds(deps)) {
      const result = await checkConnection(deps, id).catch((error: unknown) => {
        deps.logger.error('connection health check crashed', { connectionId: id, ...errorFields(error) });
        return { ok: false as const };
      });
      if (result.ok) ok++;
      else failed++;
    }
    return { ok, failed };
  },
  async syncsDue(deps) {
    return runDueSyncs(deps, deps.now());
  },
  async suppressionsPush(deps) {
    return { ...(await pushSuppressions(deps)) };
  },
  async deletionsPropagate(deps) {
    return { ...(await propagateDeletions(deps)) };
  },
  async webhookEventsPrune(deps) {
    return pruneWebhookEvents(deps);
  },
  async servingChangesPrune(deps) {
    return pruneServingChanges(deps);
  },
  async segmentChecksDue(deps) {
    return { refreshed: await refreshDueSegments(deps, { deadline: invocationDeadline(deps) }) };
  },
  async segmentRecomputeContinue(deps) {
    const progress = await continueSegmentRecompute(deps, { deadline: invocationDeadline(deps) });
    return progress ? { ...progress.counts, done: progress.done } : { idle: true };
  },
  async scoresRecompute(deps) {
    const summary = await recomputeScores(deps);
    return {
      scored: summary.scored,
      ...Object.fromEntries(Object.entries(summary.models).map(([kind, outcome]) => [kind, outcome.status])),
    };
  },
  async segmentsNightly(deps) {
    await startSegmentRecompute(deps);
    const progress = await continueSegmentRecompute(deps, { deadline: invocationDeadline(deps) });
    return progress ? { ...progress.counts, done: progress.done } : { idle: true };
  },
  async recommendationsNightly(deps) {
    await startRecommendationRun(deps);
    const progress = await continueRecommendationRun(deps, { deadline: invocationDeadline(deps) });
    return progress ? { ...progress.counts, done: progress.done } : { idle: true };
  },
  async recommendationsContinue(deps) {
    const progress = await continueRecommendationRun(deps, { deadline: invocationDeadline(deps) });
    return progress ? { ...progress.counts, done: progress.done } : { idle: true };
  },
  async recommendationsRefresh(deps) {
    const { profiles, remaining, failed } = await drainRefreshQueue(deps, {
      deadline: invocationDeadline(deps),
    });
    if (failed) throw new Error('recommendation refresh failed; the profiles stay queued (see the log)');
    return { profiles, remaining };
  },
  async identityRetrain(deps) {
    const settings = await loadSettings(deps);
    if (!settings.identity.probabilistic.enabled) return { skipped: 'probabilistic matching is off' };
    const people = await liveProfileCount(deps);
    if (people < 2) return { skipped: `only ${people} live profile(s)` };
    const { records, merged, queued, identifiable } = await runFullPass(
      deps,
      { principal: null },
      { dryRun: false },
    );
    return { records, merged, queued, identifiable };
  },
} as const satisfies Record<JobName, Job>;

/** Runs one job by name, logging its outcome; never throws (a failed job must not stop the others). */
export async function runJob(deps: AppDeps, name: JobName): Promise<boolean> {
  const started = Date.now();
  try {
    const summary = await JOBS[name](deps);
    deps.logger.info('scheduled job finished', { job: name, ms: Date.now() - started, ...summary });
    return true;
  } catch (error) {
    deps.logger.error('scheduled job failed', { job: name, ms: Date.now() - started, ...errorFields(error) });
    return false;
  }
}

/** The scheduler function both entry points call: every job registered for this cron string. */
export async function runScheduled(deps: AppDeps, cron: string): Promise<void> {
  const names = jobsForCron(cron);
  if (names.length === 0) deps.logger.warn('no job is registered for this cron', { cron });
  for (const name of names) await runJob(deps, name);
}

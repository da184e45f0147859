/** The database side of recommendations: the scheduled precompute and the incremental refresh. */
export {
  continueRecommendationRun,
  type RecommendationProgress,
  recomputeRecommendations,
  startRecommendationRun,
} from './recompute.js';
export { profilesWithProductEvents, rescoreProfiles } from './refresh.js';
export { type DrainResult, drainRefreshQueue, queueRefreshWrites } from './refresh-queue.js';
export { type ServingSettings, servingSettingsSchema } from './settings.js';

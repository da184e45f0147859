import type { AppDeps } from '../../../app-deps.js';
import { errorFields } from '../../../lib/logger.js';
import { settingsFor } from '../personalize.js';
import { servingCacheFor } from '../serving-cache.js';

/**
 * Node, at start: the catalogue read into the webhook's memory before sends need it, so the first
 * minutes after a restart answer as fast as the rest. Failing costs only that speed.
 */
export async function warmServingCache(deps: AppDeps): Promise<void> {
  try {
    const { settings } = await settingsFor(deps);
    const ttlMs = settings.recommendations.webhook.memoryTtlSeconds * 1000;
    if (ttlMs === 0) return;
    const products = await servingCacheFor(deps).warmProducts(deps, ttlMs);
    deps.logger.info('personalize: catalogue read into memory', { products });
  } catch (error) {
    deps.logger.warn('personalize: could not read the catalogue into memory', errorFields(error));
  }
}

import { supportConfidence } from '../../recommend/fallback.js';
import { type BuiltAnswer, type BuiltSlot, EMPTY_PROFILE, type FallbackReason } from './answer.js';
import type { ProductEntry } from './items.js';
import type { PersonalizeRequest } from './params.js';
import type { ServingCache } from './serving-cache.js';
import type { RecommendationSettings } from './settings.js';

/**
 * The answer when the real one failed or ran past the budget: global popular products from what
 * this instance last read, without touching the database (which may be the thing that is slow).
 * Empty slots when the instance has read nothing yet; still a 200 the ESP can render.
 */
export function fallbackAnswer(
  cache: ServingCache,
  request: PersonalizeRequest,
  settings: RecommendationSettings,
  reason: FallbackReason,
): BuiltAnswer {
  const global = cache.staleList('global');
  const products: ProductEntry[] = [];
  for (const slot of global?.products ?? []) {
    const product = slot.entry;
    if (product?.showable) products.push(product);
    if (products.length >= request.n * request.slots.length) break;
  }
  const confidence =
    Math.round(supportConfidence(global?.support ?? 0, settings.fallback.halfSupport.global) * 10_000) /
    10_000;
  const slots: BuiltSlot[] = [];
  let next = 0;
  for (const slot of request.slots) {
    const count = slot === 'hero' ? 1 : request.n;
    slots.push({
      slot,
      products: products.slice(next, next + count),
      fallback: true,
      level: 'global',
      confidence,
    });
    next += count;
  }
  return {
    profile: EMPTY_PROFILE,
    slots,
    fallback: true,
    reason,
    sendId: request.sendId,
    campaign: request.sendId ?? 'personalize',
    utm: settings.webhook.utm,
  };
}

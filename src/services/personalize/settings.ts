import { z } from 'zod';
import { servingSettingsSchema } from '../../recommend/serving/settings.js';

export const SLOT_NAMES = ['recs', 'hero', 'popular', 'trending', 'cart_recovery'] as const;
export type SlotName = (typeof SLOT_NAMES)[number];

/** How GET /v1/personalize answers (the `webhook` part of the `recommendations` settings). */
export const webhookSettingsSchema = z.object({
  /**
   * Past this many milliseconds the webhook answers with fallback content instead of waiting: ESPs
   * time out at 2–30 s and skip the message, so a late answer is worse than a generic one.
   */
  budgetMs: z.number().int().min(1).max(10_000).default(50),
  defaultSlots: z.array(z.enum(SLOT_NAMES)).min(1).default(['recs']),
  defaultN: z.number().int().min(1).max(50).default(4),
  /** A slot whose list has less confidence than this shows fallback content (global popular). */
  minConfidence: z.number().min(0).max(1).default(0.3),
  /** `Cache-Control: private, max-age=…` on answers: one send asks again for HTML, text, AMP. */
  cacheSeconds: z.number().int().min(0).max(86_400).default(300),
  /** How long products, shared lists and templates are kept in memory per instance. */
  memoryTtlSeconds: z.number().int().min(0).max(3600).default(60),
  /** Token bucket per API key: sustained requests per second and the burst above it. */
  rateLimit: z
    .object({
      perSecond: z.number().positive().default(1000),
      burst: z.number().int().positive().default(2000),
    })
    .prefault({}),
  /** Added to every item URL; `campaign` defaults to the request's send_id. */
  utm: z
    .object({
      source: z.string().min(1).default('esp-hub'),
      medium: z.string().min(1).default('email'),
      campaign: z.string().min(1).optional(),
    })
    .prefault({}),
});
export type WebhookSettings = z.output<typeof webhookSettingsSchema>;

/**
 * The `recommendations` settings document (PUT /v1/admin/settings/recommendations): the scheduled
 * precompute (src/recommend/serving) and the send-time webhook.
 */
export const recommendationSettingsSchema = servingSettingsSchema.extend({
  webhook: webhookSettingsSchema.prefault({}),
});
export type RecommendationSettings = z.output<typeof recommendationSettingsSchema>;

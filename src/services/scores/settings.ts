import { z } from 'zod';

/**
 * How the scheduled scores job models customers (PUT /v1/admin/settings/predictions). Defaults:
 * 12-month CLV discounted 1 % a month, top 20 % high / next 30 % medium, propensity of a purchase
 * in the next 30 days, RFM quintiles, micro-segments with k chosen over 2…10.
 */
export const predictionSettingsSchema = z.object({
  clv: z
    .object({
      months: z.number().int().min(1).max(120).default(12),
      monthlyDiscountRate: z.number().min(0).max(1).default(0.01),
      tiers: z
        .object({
          high: z.number().min(0).max(1).default(0.2),
          medium: z.number().min(0).max(1).default(0.3),
        })
        .default({ high: 0.2, medium: 0.3 })
        .refine((t) => t.high + t.medium <= 1, { message: 'high + medium must not exceed 1' }),
    })
    .default({ months: 12, monthlyDiscountRate: 0.01, tiers: { high: 0.2, medium: 0.3 } }),
  propensity: z
    .object({
      /** Label: a purchase within this many days; trained on the window that ended this long ago. */
      horizonDays: z.number().int().min(1).max(365).default(30),
      folds: z.number().int().min(2).max(10).default(5),
    })
    .default({ horizonDays: 30, folds: 5 }),
  rfm: z
    .object({
      bins: z.union([z.literal(4), z.literal(5)]).default(5),
      /** Recency is counted up to this day (ISO date); default: the day of each run. */
      analysisDate: z.iso.date().optional(),
    })
    .default({ bins: 5 }),
  clusters: z
    .object({
      kMin: z.number().int().min(2).default(2),
      kMax: z.number().int().min(2).max(20).default(10),
      /** Category-affinity features: the most bought categories, up to this many. */
      categories: z.number().int().min(0).max(10).default(4),
    })
    .default({ kMin: 2, kMax: 10, categories: 4 })
    .refine((c) => c.kMin <= c.kMax, { message: 'kMin must not exceed kMax', path: ['kMin'] }),
});
export type PredictionSettings = z.output<typeof predictionSettingsSchema>;

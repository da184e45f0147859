import { z } from 'zod';
import {
  applyBoost,
  applyBury,
  capPerCategory,
  filterExcluded,
  type RuleContext,
  type RuleSettings,
  type RuleSettingsInput,
  recentlyPurchased,
  ruleSettingsSchema,
  splitByCategoryCap,
} from './rules.js';
import type { RecommendationModel, ScoredItem } from './types.js';

/**
 * The fallback chain that gives every profile n items: personal → segment favourites → global
 * popular. Each level has a confidence in [0, 1] from the evidence behind it:
 *   confidence = support / (support + halfSupport)
 * where support is, for the personal level, the number of distinct items the profile interacted
 * with (the model's `userSupport`); for the segment level, the number of members whose
 * interactions made its favourites; for the global level, the number of profiles in the data.
 * `halfSupport` is the support at which a level is half-trusted (defaults: 5 items, 20 members,
 * 20 profiles). A level below `minConfidence` is skipped rather than allowed to make weak guesses;
 * the global level is never skipped (the last resort always answers). Within the levels used,
 * the first fills as many of the n slots as it can and the next tops up, each item tagged with
 * its level; rules (rules.ts) apply to the combined list.
 */

export const fallbackLevelNameSchema = z.enum(['personal', 'segment', 'global']);
export type FallbackLevelName = z.infer<typeof fallbackLevelNameSchema>;

export const fallbackSettingsSchema = z.object({
  minConfidence: z.number().min(0).max(1).default(0.3),
  halfSupport: z
    .object({
      personal: z.number().positive().default(5),
      segment: z.number().positive().default(20),
      global: z.number().positive().default(20),
    })
    .prefault({}),
  /** Candidates asked of each level: n × this, so exclusions and rules still leave n. */
  overfetch: z.number().int().min(1).default(4),
});
export type FallbackSettingsInput = z.input<typeof fallbackSettingsSchema>;

export interface FallbackRequest {
  userId: string;
  n: number;
  /** The personal model (item-KNN, ALS, a blend); absent for profiles without one. */
  personal?: RecommendationModel;
  /** Favourites of the profile's segment or cluster: a model fitted on its members, and how many. */
  segment?: { model: RecommendationModel; members: number };
  /** Global popularity; `profiles` is how many profiles it was fitted on. */
  global: { model: RecommendationModel; profiles: number };
  /** Items never to recommend (beyond the rules), e.g. what is already in the cart. */
  exclude?: ReadonlySet<string>;
  rules?: { settings: RuleSettingsInput; context: RuleContext };
  settings?: FallbackSettingsInput;
}

export interface FallbackItem extends ScoredItem {
  level: FallbackLevelName;
}

export interface LevelReport {
  level: FallbackLevelName;
  confidence: number;
  /** used: asked and contributed; empty: asked, nothing left after rules; skipped: below minConfidence. */
  outcome: 'used' | 'empty' | 'skipped';
}

export interface FallbackAnswer {
  items: FallbackItem[];
  /** The most specific level that contributed items, and its confidence. */
  level: FallbackLevelName;
  confidence: number;
  levels: LevelReport[];
}

export function supportConfidence(support: number, halfSupport: number): number {
  return support > 0 ? support / (support + halfSupport) : 0;
}

export function recommendWithFallback(request: FallbackRequest): FallbackAnswer {
  const settings = fallbackSettingsSchema.parse(request.settings ?? {});
  const ruleSettings = ruleSettingsSchema.parse(request.rules?.settings ?? {});
  const context: RuleContext = request.rules?.context ?? { now: 0 };
  const n = Math.max(0, Math.floor(request.n));
  const exclude = new Set([...(request.exclude ?? []), ...recentlyPurchased(ruleSettings, context)]);
  const levels: { level: FallbackLevelName; model: RecommendationModel; confidence: number }[] = [];
  if (request.personal) {
    const support = request.personal.userSupport(request.userId);
    levels.push({
      level: 'personal',
      model: request.personal,
      confidence: supportConfidence(support, settings.halfSupport.personal),
    });
  }
  if (request.segment) {
    levels.push({
      level: 'segment',
      model: request.segment.model,
      confidence: supportConfidence(request.segment.members, settings.halfSupport.segment),
    });
  }
  levels.push({
    level: 'global',
    model: request.global.model,
    confidence: supportConfidence(request.global.profiles, settings.halfSupport.global),
  });

  const reports: LevelReport[] = [];
  const candidates: FallbackItem[] = [];
  const taken = new Set(exclude);
  for (const { level, model, confidence } of levels) {
    const last = level === 'global';
    if (!last && confidence < settings.minConfidence) {
      reports.push({ level, confidence, outcome: 'skipped' });
      continue;
    }
    // Enough candidates that this level alone could fill n after the filters.
    const asked = model.recommend(request.userId, n * settings.overfetch, taken);
    const eligible = applyBoost(
      filterExcluded(
        asked.map((item) => ({ ...item, level })),
        ruleSettings,
        context,
      ),
      ruleSettings,
    );
    for (const item of eligible) taken.add(item.itemId);
    candidates.push(...eligible);
    reports.push({ level, confidence, outcome: eligible.length > 0 ? 'used' : 'empty' });
    if (countShowable(candidates, ruleSettings, context) >= n) break;
  }
  const items = capPerCategory(applyBury(candidates, ruleSettings), ruleSettings, context).slice(0, n);
  const first = items[0]?.level ?? 'global';
  const answered = reports.find((report) => report.level === first);
  return { items, level: first, confidence: answered?.confidence ?? 0, levels: reports };
}

/**
 * Candidates neither buried nor over the category cap: once n of them are in hand, later levels
 * cannot change the top n, so they are not asked.
 */
function countShowable(items: readonly ScoredItem[], settings: RuleSettings, context: RuleContext): number {
  const buried = new Set(settings.bury);
  const unburied = buried.size === 0 ? items : items.filter((item) => !buried.has(item.itemId));
  return splitByCategoryCap(unburied, settings, context).kept.length;
}

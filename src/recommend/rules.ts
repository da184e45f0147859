import { z } from 'zod';
import type { ScoredItem } from './types.js';

/**
 * Business rules on a ranked list, pure and in a fixed order:
 *   1. exclusions: bought in the last N days, out of stock, inactive, unknown to the catalogue,
 *      outside the price band around the profile's average order value;
 *   2. boost: listed items' scores × `boostFactor`, then re-ranked;
 *   3. bury: listed items move below every other item (shown only when nothing else fills);
 *   4. diversity: at most `maxPerCategory` items of one category; items over the cap move behind
 *      everything else (buried items included) and fill only what nothing else can.
 * Items the catalogue knows nothing about (no category, no price) are not held to rules that need
 * those fields: a missing price is not "too expensive".
 */

const DAY_MS = 86_400_000;

export const catalogItemSchema = z.object({
  itemId: z.string().min(1),
  category: z.string().optional(),
  price: z.number().nonnegative().optional(),
  /** false: out of stock. Absent: assumed available. */
  inStock: z.boolean().optional(),
  /** false: discontinued, hidden, not for sale. Absent: active. */
  active: z.boolean().optional(),
});
export type CatalogItem = z.infer<typeof catalogItemSchema>;

export const ruleSettingsSchema = z.object({
  /** Items the profile bought this recently are not recommended again (0: no such rule). */
  excludePurchasedWithinDays: z.number().nonnegative().default(30),
  excludeOutOfStock: z.boolean().default(true),
  excludeInactive: z.boolean().default(true),
  /** With a catalogue, drop items it does not list: an item that cannot be shown is no answer. */
  requireCatalogEntry: z.boolean().default(true),
  /**
   * Keep items priced within [min, max] × the profile's average order value; profiles without an
   * AOV are not filtered. E.g. { min: 0, max: 2 }: nothing over twice what they usually spend.
   */
  priceBand: z.object({ min: z.number().nonnegative(), max: z.number().positive() }).optional(),
  maxPerCategory: z.number().int().positive().optional(),
  boost: z.array(z.string()).default([]),
  boostFactor: z.number().positive().default(1.5),
  bury: z.array(z.string()).default([]),
});
export type RuleSettings = z.infer<typeof ruleSettingsSchema>;
export type RuleSettingsInput = z.input<typeof ruleSettingsSchema>;

export interface RuleContext {
  /** Catalogue by item id; absent: catalogue rules (stock, active, price, category) do nothing. */
  catalog?: ReadonlyMap<string, CatalogItem>;
  /** The profile's purchases: item id → time of the latest one (epoch ms). */
  purchases?: ReadonlyMap<string, number>;
  averageOrderValue?: number;
  /** Epoch ms; the caller passes its clock so the rules stay pure. */
  now: number;
}

/** Items bought within the exclusion window: pass them to `recommend` as `exclude`. */
export function recentlyPurchased(settings: RuleSettings, context: RuleContext): Set<string> {
  const out = new Set<string>();
  if (!context.purchases || settings.excludePurchasedWithinDays <= 0) return out;
  const since = context.now - settings.excludePurchasedWithinDays * DAY_MS;
  for (const [itemId, at] of context.purchases) if (at >= since) out.add(itemId);
  return out;
}

/** Why an item is excluded, or undefined when it may be shown. */
export function exclusionReason(
  itemId: string,
  settings: RuleSettings,
  context: RuleContext,
  recent: ReadonlySet<string> = recentlyPurchased(settings, context),
): 'purchased_recently' | 'not_in_catalog' | 'out_of_stock' | 'inactive' | 'price_band' | undefined {
  if (recent.has(itemId)) return 'purchased_recently';
  if (!context.catalog) return undefined;
  const item = context.catalog.get(itemId);
  if (!item) return settings.requireCatalogEntry ? 'not_in_catalog' : undefined;
  if (settings.excludeOutOfStock && item.inStock === false) return 'out_of_stock';
  if (settings.excludeInactive && item.active === false) return 'inactive';
  const aov = context.averageOrderValue;
  if (settings.priceBand && item.price !== undefined && aov !== undefined && aov > 0) {
    if (item.price < settings.priceBand.min * aov || item.price > settings.priceBand.max * aov)
      return 'price_band';
  }
  return undefined;
}

export function filterExcluded<T extends ScoredItem>(
  items: readonly T[],
  settings: RuleSettings,
  context: RuleContext,
): T[] {
  const recent = recentlyPurchased(settings, context);
  return items.filter((item) => exclusionReason(item.itemId, settings, context, recent) === undefined);
}

/** Boosted items' scores × factor, then stably re-sorted by score. */
export function applyBoost<T extends ScoredItem>(items: readonly T[], settings: RuleSettings): T[] {
  if (settings.boost.length === 0) return [...items];
  const boosted = new Set(settings.boost);
  return items
    .map((item) => (boosted.has(item.itemId) ? { ...item, score: item.score * settings.boostFactor } : item))
    .sort((a, b) => b.score - a.score);
}

/** Buried items after all others, each group keeping its order. */
export function applyBury<T extends ScoredItem>(items: readonly T[], settings: RuleSettings): T[] {
  if (settings.bury.length === 0) return [...items];
  const buried = new Set(settings.bury);
  return [
    ...items.filter((item) => !buried.has(item.itemId)),
    ...items.filter((item) => buried.has(item.itemId)),
  ];
}

/** Items within the per-category cap (in order) and those over it. */
export function splitByCategoryCap<T extends ScoredItem>(
  items: readonly T[],
  settings: RuleSettings,
  context: RuleContext,
): { kept: T[]; deferred: T[] } {
  const cap = settings.maxPerCategory;
  if (cap === undefined || !context.catalog) return { kept: [...items], deferred: [] };
  const counts = new Map<string, number>();
  const kept: T[] = [];
  const deferred: T[] = [];
  for (const item of items) {
    const category = context.catalog.get(item.itemId)?.category;
    const count = category === undefined ? 0 : (counts.get(category) ?? 0);
    if (category !== undefined && count >= cap) {
      deferred.push(item);
      continue;
    }
    if (category !== undefined) counts.set(category, count + 1);
    kept.push(item);
  }
  return { kept, deferred };
}

/**
 * At most `maxPerCategory` per category among the first n; the rest keep their order behind, so a
 * list still reaches n when the catalogue is too narrow to be diverse.
 */
export function capPerCategory<T extends ScoredItem>(
  items: readonly T[],
  settings: RuleSettings,
  context: RuleContext,
): T[] {
  const { kept, deferred } = splitByCategoryCap(items, settings, context);
  return [...kept, ...deferred];
}

/** Every rule in order, cut to n. */
export function applyRules<T extends ScoredItem>(
  items: readonly T[],
  settingsInput: RuleSettingsInput,
  context: RuleContext,
  n: number,
): T[] {
  const settings = ruleSettingsSchema.parse(settingsInput);
  const ranked = applyBury(applyBoost(filterExcluded(items, settings, context), settings), settings);
  return capPerCategory(ranked, settings, context).slice(0, n);
}

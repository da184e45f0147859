import { and, eq } from 'drizzle-orm';
import { Liquid, type Template } from 'liquidjs';
import type { AppDeps } from '../../app-deps.js';
import type { Db } from '../../db/client.js';
import { slotTemplates } from '../../db/schema/recommendations.js';
import { AppError } from '../../http/errors.js';
import { MemoryCache } from '../../recommend/serving/memory-cache.js';
import { DEFAULT_TEMPLATES, type TemplateFormat } from './default-templates.js';
import type { SlotName } from './settings.js';

export type { TemplateFormat } from './default-templates.js';

/**
 * Slot templates in LiquidJS (the language of Shopify, Braze and many ESPs), one per slot and
 * format. HTML output is escaped by default (`{{ item.title }}` cannot inject markup; `| raw`
 * opts out), text output is not. Unknown filters are errors, and parsing and rendering are
 * bounded, so an admin's template cannot hang a send.
 */
const LIMITS = { parseLimit: 100_000, renderLimit: 200, memoryLimit: 10_000_000 };

function engine(format: TemplateFormat): Liquid {
  const liquid = new Liquid({
    ...LIMITS,
    strictFilters: true,
    ownPropertyOnly: true,
    ...(format === 'html' ? { outputEscape: 'escape' as const } : {}),
  });
  // `{{ item.price | money: item.currency }}` → "€1,234.50" (the currency's own format).
  liquid.registerFilter('money', (price: unknown, currency: unknown) => {
    if (typeof price !== 'number') return '';
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return price.toFixed(2);
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(price);
  });
  return liquid;
}

const ENGINES: Record<TemplateFormat, Liquid> = { html: engine('html'), text: engine('text') };

export interface TemplateRecord {
  slot: SlotName;
  format: TemplateFormat;
  template: string;
  /** True when no template is stored and the built-in default answers. */
  isDefault: boolean;
  updatedAt: string | null;
}

/** Parses a template; a syntax error is a 400 naming the line and column. */
export function parseTemplate(format: TemplateFormat, text: string): Template[] {
  try {
    return ENGINES[format].parse(text);
  } catch (error) {
    const position = (error as { token?: { getPosition?: () => [number, number] } }).token?.getPosition?.();
    const message =
      error instanceof Error ? error.message.replace(/, line:\d+, col:\d+$/, '') : String(error);
    const where = position ? `line ${position[0]}, column ${position[1]}` : 'template';
    throw new AppError('validation_failed', `template does not parse: ${where}: ${message}`, [
      { path: 'template', message: `${where}: ${message}` },
    ]);
  }
}

export async function renderTemplate(
  format: TemplateFormat,
  template: Template[],
  scope: Record<string, unknown>,
): Promise<string> {
  return (await ENGINES[format].render(template, scope)) as string;
}

const parsed = new WeakMap<Db, MemoryCache<Template[]>>();

function cacheFor(deps: AppDeps): MemoryCache<Template[]> {
  let cache = parsed.get(deps.db);
  if (!cache) {
    cache = new MemoryCache<Template[]>(100);
    parsed.set(deps.db, cache);
  }
  return cache;
}

/** The parsed template of a slot (stored, else the default), kept in memory for `ttlMs`. */
export async function slotTemplate(
  deps: AppDeps,
  slot: SlotName,
  format: TemplateFormat,
  ttlMs: number,
): Promise<Template[]> {
  const cache = cacheFor(deps);
  const key = `${slot}:${format}`;
  const now = Date.now();
  const hit = cache.get(key, now);
  if (hit) return hit;
  const record = await getTemplate(deps, slot, format);
  const template = parseTemplate(format, record.template);
  cache.set(key, template, now + ttlMs);
  return template;
}

export async function getTemplate(
  deps: AppDeps,
  slot: SlotName,
  format: TemplateFormat,
): Promise<TemplateRecord> {
  const [row] = await deps.db
    .select()
    .from(slotTemplates)
    .where(and(eq(slotTemplates.slot, slot), eq(slotTemplates.format, format)));
  return row
    ? { slot, format, template: row.template, isDefault: false, updatedAt: row.updatedAt.toISOString() }
    : { slot, format, template: DEFAULT_TEMPLATES[slot][format], isDefault: true, updatedAt: null };
}

/** Stores a template after parsing it (a syntax error is refused, naming the line). */
export async function putTemplate(
  deps: AppDeps,
  slot: SlotName,
  format: TemplateFormat,
  template: string,
): Promise<TemplateRecord> {
  parseTemplate(format, template);
  const updatedAt = deps.now();
  await deps.db
    .insert(slotTemplates)
    .values({ slot, format, template, updatedAt })
    .onConflictDoUpdate({ target: [slotTemplates.slot, slotTemplates.format], set: { template, updatedAt } });
  cacheFor(deps).delete(`${slot}:${format}`);
  return { slot, format, template, isDefault: false, updatedAt: updatedAt.toISOString() };
}

/** Removes the stored template: the default answers again. */
export async function deleteTemplate(
  deps: AppDeps,
  slot: SlotName,
  format: TemplateFormat,
): Promise<TemplateRecord> {
  await deps.db
    .delete(slotTemplates)
    .where(and(eq(slotTemplates.slot, slot), eq(slotTemplates.format, format)));
  cacheFor(deps).delete(`${slot}:${format}`);
  return getTemplate(deps, slot, format);
}

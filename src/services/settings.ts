import { inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { atomic } from '../db/atomic.js';
import { settings as settingsTable } from '../db/schema/index.js';
import { identitySettingsSchema } from '../identity/settings.js';
import { engagementSettingsSchema } from '../ingest/metrics.js';
import { traitSettingsSchema } from '../ingest/trait-rules.js';
import { type AuditActor, auditInsert } from './audit.js';
import { recommendationSettingsSchema } from './personalize/settings.js';
import { predictionSettingsSchema } from './scores/settings.js';

/** Every settings document, by key. Stored as JSON; missing documents mean the defaults. */
export const SETTINGS_SCHEMAS = {
  identity: identitySettingsSchema,
  traits: traitSettingsSchema,
  engagement: engagementSettingsSchema,
  predictions: predictionSettingsSchema,
  recommendations: recommendationSettingsSchema,
} as const;
export type SettingsKey = keyof typeof SETTINGS_SCHEMAS;
export type AllSettings = { [K in SettingsKey]: z.output<(typeof SETTINGS_SCHEMAS)[K]> };

// Settings change rarely and ingest reads them on every batch: a short per-instance cache.
const CACHE_MS = 5_000;
const cache = new WeakMap<AppDeps['db'], { at: number; value: AllSettings }>();

/** The settings as cached, while fresh: what a hot path reads without waiting a turn. */
export function cachedSettings(deps: Pick<AppDeps, 'db'>): AllSettings | undefined {
  const hit = cache.get(deps.db);
  return hit && Date.now() - hit.at < CACHE_MS ? hit.value : undefined;
}

export async function loadSettings(deps: AppDeps): Promise<AllSettings> {
  const hit = cachedSettings(deps);
  if (hit) return hit;
  const keys = Object.keys(SETTINGS_SCHEMAS) as SettingsKey[];
  const rows = await deps.db.select().from(settingsTable).where(inArray(settingsTable.key, keys));
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  const value = Object.fromEntries(
    keys.map((key) => [key, SETTINGS_SCHEMAS[key].parse(stored.get(key) ?? {})]),
  ) as AllSettings;
  cache.set(deps.db, { at: Date.now(), value });
  return value;
}

export function forgetCachedSettings(deps: AppDeps): void {
  cache.delete(deps.db);
}

/** Replaces one settings document (validated; defaults filled in) and audits the change. */
export async function putSettings<K extends SettingsKey>(
  deps: AppDeps,
  actor: AuditActor,
  key: K,
  parsed: AllSettings[K],
): Promise<AllSettings[K]> {
  const before = (await loadSettings(deps))[key];
  const now = deps.now();
  await atomic(deps.db, [
    deps.db
      .insert(settingsTable)
      .values({ key, value: parsed, updatedAt: now })
      .onConflictDoUpdate({ target: settingsTable.key, set: { value: parsed, updatedAt: now } }),
    auditInsert(
      deps.db,
      actor,
      { action: 'settings.update', entityType: 'settings', entityId: key, before, after: parsed },
      now,
    ),
  ]);
  forgetCachedSettings(deps);
  return parsed;
}

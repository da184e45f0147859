import { z } from 'zod';

/**
 * Which source's value of a trait wins. Default: the highest-priority source that has a value,
 * and its most recent value. Per-trait rules override (e.g. `email` from the CRM only, `city`
 * simply most recent).
 */
export const traitSettingsSchema = z.object({
  /** Sources from most to least trusted; unlisted sources rank after all listed ones, equally. */
  sourcePriority: z.array(z.string()).default([]),
  rules: z
    .record(
      z.string(),
      z.object({
        strategy: z
          .enum(['priority_then_recent', 'most_recent', 'first_seen'])
          .default('priority_then_recent'),
        sourcePriority: z.array(z.string()).optional(),
      }),
    )
    .default({}),
});
export type TraitSettings = z.output<typeof traitSettingsSchema>;
export const DEFAULT_TRAIT_SETTINGS: TraitSettings = traitSettingsSchema.parse({});

export interface TraitValue {
  source: string;
  /** Epoch ms the source last set it. */
  at: number;
  value: unknown;
}

function rank(priority: string[], source: string): number {
  const index = priority.indexOf(source);
  return index === -1 ? priority.length : index;
}

/** True when `candidate` should replace `current` as the winning value of `key`. */
export function beats(
  settings: TraitSettings,
  key: string,
  candidate: Omit<TraitValue, 'value'>,
  current: Omit<TraitValue, 'value'> | undefined,
): boolean {
  if (!current) return true;
  const rule = settings.rules[key];
  const strategy = rule?.strategy ?? 'priority_then_recent';
  if (strategy === 'first_seen') return candidate.at < current.at;
  if (strategy === 'most_recent') return candidate.at >= current.at;
  const priority = rule?.sourcePriority ?? settings.sourcePriority;
  const candidateRank = rank(priority, candidate.source);
  const currentRank = rank(priority, current.source);
  if (candidateRank !== currentRank) return candidateRank < currentRank;
  return candidate.at >= current.at;
}

/** The winner of each key among every source's values (used after merges and unmerges). */
export function chooseWinners(settings: TraitSettings, values: Array<TraitValue & { key: string }>) {
  const traits: Record<string, unknown> = {};
  const sources: Record<string, { source: string; at: number }> = {};
  for (const entry of values) {
    if (entry.value === null || entry.value === undefined) continue;
    if (beats(settings, entry.key, entry, sources[entry.key])) {
      traits[entry.key] = entry.value;
      sources[entry.key] = { source: entry.source, at: entry.at };
    }
  }
  return { traits, sources };
}

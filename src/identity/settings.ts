import { z } from 'zod';

/** Identifier types the deterministic graph knows; external ids are namespaced by source. */
export const BASE_IDENTIFIER_TYPES = ['user_id', 'email', 'phone', 'anonymous_id'] as const;
export type IdentifierType = (typeof BASE_IDENTIFIER_TYPES)[number] | `external:${string}`;

/** `external:hubspot` → `external` for settings that apply to every external namespace. */
export function identifierFamily(type: IdentifierType): (typeof BASE_IDENTIFIER_TYPES)[number] | 'external' {
  return type.startsWith('external:') ? 'external' : (type as (typeof BASE_IDENTIFIER_TYPES)[number]);
}

/** The families limits and priority are set for: the base types, and every external namespace as one. */
export const IDENTIFIER_FAMILIES = ['user_id', 'email', 'phone', 'anonymous_id', 'external'] as const;
export type IdentifierFamily = (typeof IDENTIFIER_FAMILIES)[number];
const family = z.enum(IDENTIFIER_FAMILIES);

export const identitySettingsSchema = z.object({
  email: z
    .object({
      /** Gmail ignores dots in the local part; off by default because other providers do not. */
      ignoreGmailDots: z.boolean().default(false),
      /** `ann+news@x.com` → `ann@x.com`; off by default: some providers treat them as distinct. */
      stripPlusTags: z.boolean().default(false),
      gmailDomains: z.array(z.string()).default(['gmail.com', 'googlemail.com']),
    })
    .prefault({}),
  phone: z
    .object({
      /** ISO 3166 region for numbers without a country code. */
      defaultRegion: z.string().length(2).toUpperCase().default('US'),
    })
    .prefault({}),
  /** Which identifier decides the surviving profile first when records join; earlier wins. */
  priority: z.array(family).default(['user_id', 'external', 'email', 'phone', 'anonymous_id']),
  /** Most identifiers of a family one profile may hold; a merge that would exceed it is not made. */
  limits: z
    .object({
      user_id: z.number().int().min(1).default(1),
      email: z.number().int().min(1).default(5),
      phone: z.number().int().min(1).default(5),
      anonymous_id: z.number().int().min(1).default(1000),
      external: z.number().int().min(1).default(1),
    })
    .prefault({}),
  /** Probabilistic matching of profiles that share no identifier (Fellegi-Sunter, see identity/probabilistic). */
  probabilistic: z
    .object({
      enabled: z.boolean().default(true),
      /** Match each new or changed profile against stored ones as it arrives (needs a trained model). */
      incremental: z.boolean().default(true),
      /** Person fields (names, birthday, address…) a profile needs before it is worth matching. */
      minPersonFields: z.number().int().min(1).default(2),
      /** At or above `merge`: merged; between `review` and `merge`: queued for review. */
      thresholds: z
        .object({ merge: z.number().gt(0).lt(1).default(0.99), review: z.number().gt(0).lt(1).default(0.8) })
        .prefault({}),
    })
    .prefault({}),
  /** Values never used to join records (placeholders, shared test addresses). */
  blocked: z
    .object({
      values: z
        .array(z.string())
        .default([
          'null',
          'undefined',
          'none',
          'n/a',
          'na',
          'anonymous',
          'unknown',
          'test@test.com',
          'test@example.com',
        ]),
      patterns: z.array(z.string()).default(['^[0-]*$', '^\\+?0+$']),
    })
    .prefault({}),
});
export type IdentitySettings = z.output<typeof identitySettingsSchema>;

export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = identitySettingsSchema.parse({});

/** Blocked values compiled once per settings object (ingest asks for every identifier). */
export function isBlockedValue(settings: IdentitySettings, normalized: string): boolean {
  const compiled = compiledBlocklist(settings);
  if (compiled.values.has(normalized.toLowerCase())) return true;
  for (const pattern of compiled.patterns) if (pattern.test(normalized)) return true;
  return false;
}

const blocklistCache = new WeakMap<IdentitySettings, { values: Set<string>; patterns: RegExp[] }>();
function compiledBlocklist(settings: IdentitySettings) {
  let compiled = blocklistCache.get(settings);
  if (!compiled) {
    compiled = {
      values: new Set(settings.blocked.values.map((value) => value.toLowerCase())),
      patterns: settings.blocked.patterns.map((pattern) => new RegExp(pattern, 'i')),
    };
    blocklistCache.set(settings, compiled);
  }
  return compiled;
}

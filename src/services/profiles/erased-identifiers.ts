import { z } from 'zod';
import type { AppDeps } from '../../app-deps.js';
import type { identities } from '../../db/schema/index.js';

/**
 * What an erasure keeps, sealed, for the sync engine: every identifier a destination may know the
 * person by. Both the normalized and the raw form are kept (an ESP holds the address as it was
 * sent, which normalization may have changed). Dropped once every destination confirmed.
 */
export const erasedIdentifiersSchema = z.object({
  version: z.literal(1),
  profileIds: z.array(z.string()),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  userIds: z.array(z.string()),
  anonymousIds: z.array(z.string()),
  /** Source → the ids that source issued (`external:hubspot` identities under `hubspot`). */
  externalIds: z.record(z.string(), z.array(z.string())),
});
export type ErasedIdentifiers = z.infer<typeof erasedIdentifiersSchema>;

type IdentityRow = Pick<typeof identities.$inferSelect, 'type' | 'value' | 'rawValue'>;

export function erasedIdentifiers(profileIds: string[], rows: IdentityRow[]): ErasedIdentifiers {
  const groups = new Map<string, Set<string>>();
  for (const row of rows) {
    const group = groups.get(row.type) ?? new Set<string>();
    group.add(row.value);
    if (row.rawValue.trim() !== '') group.add(row.rawValue.trim());
    groups.set(row.type, group);
  }
  const list = (type: string) => [...(groups.get(type) ?? [])].sort();
  const externalIds: Record<string, string[]> = {};
  for (const type of groups.keys()) {
    if (type.startsWith('external:')) externalIds[type.slice('external:'.length)] = list(type);
  }
  return {
    version: 1,
    profileIds,
    emails: list('email'),
    phones: list('phone'),
    userIds: list('user_id'),
    anonymousIds: list('anonymous_id'),
    externalIds,
  };
}

export function sealErasedIdentifiers(deps: AppDeps, identifiers: ErasedIdentifiers): Promise<string> {
  return deps.secrets.seal(JSON.stringify(identifiers));
}

/** For the sync engine: the identifiers of a `deletions` row. */
export async function openErasedIdentifiers(deps: AppDeps, sealed: string): Promise<ErasedIdentifiers> {
  return erasedIdentifiersSchema.parse(JSON.parse(await deps.secrets.open(sealed)));
}

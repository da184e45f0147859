import type { AppDeps } from '../../app-deps.js';
import { rawSelect as queryRows } from '../../db/raw-select.js';
import type { CartItem } from '../../db/schema/metrics.js';
import { identityKey } from '../../identity/deterministic/types.js';
import { normalizeEmail, normalizePhone } from '../../identity/normalize.js';
import type { IdentitySettings } from '../../identity/settings.js';
import { errorFields } from '../../lib/logger.js';
import { WeakKeyedMemo } from '../../lib/maps.js';
import type { PersonalizeRequest } from './params.js';
import type { ProductSlot } from './product-slots.js';
import { type ProfileLookup, type ProfileRow, readProfileRow } from './profile-query.js';
import { type ServedProfile, servedFromRow } from './served-profile.js';
import type { GroupedSegment } from './serving-cache.js';

export interface PrimarySegment {
  group: string;
  id: string;
  name: string;
}

/** What the webhook knows about the recipient: merge fields, its precomputed list, its cart. */
export interface ProfileRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  recommendations: {
    /** Best first. */
    items: readonly ProductSlot[];
    level: 'personal' | 'segment' | 'global';
    confidence: number;
  } | null;
  rfmGroup: string | null;
  clvTier: string | null;
  clusterId: string | null;
  clusterLabel: string | null;
  averageOrderValue: number | null;
  lastViewedCategory: string | null;
  /** Product ids in the cart, in cart order (parsed only when a slot needs them). */
  cartProductIds(): string[];
  cartItems: number;
  /** The primary segment of each group the profile is in (highest priority; ties: older id), by group name. Shared: never modify. */
  primarySegments: readonly PrimarySegment[];
}

/** The identity key an identifier parameter names, normalized as ingest normalizes it. */
export function identifierKey(
  identifier: PersonalizeRequest['identifier'],
  settings: IdentitySettings,
): string {
  switch (identifier.param) {
    case 'email':
      return identityKey('email', normalizeEmail(identifier.value, settings.email).value);
    case 'phone':
      return identityKey('phone', normalizePhone(identifier.value, settings.phone).value);
    case 'user_id':
      return identityKey('user_id', identifier.value);
    case 'external_id':
      // Without a source, the customer's own id: what Segment calls userId.
      return identifier.source === undefined
        ? identityKey('user_id', identifier.value)
        : identityKey(`external:${identifier.source.toLowerCase()}`, identifier.value);
    case 'profile_id':
      return identifier.value;
  }
}

/** What to look up for an identifier: its identity key, or the profile id itself. */
export function profileLookup(
  identifier: PersonalizeRequest['identifier'],
  settings: IdentitySettings,
): ProfileLookup {
  return { byId: identifier.param === 'profile_id', key: identifierKey(identifier, settings) };
}

/**
 * The live profile a lookup names, or null (unknown, erased). Merged ids resolve to the survivor.
 * `held` is what the serving index holds for it: a miss may be a profile newer than the index's
 * load, so the database decides.
 */
export async function lookupProfileRecord(
  deps: AppDeps,
  lookup: ProfileLookup,
  segments: ReadonlyMap<string, GroupedSegment>,
  held: ServedProfile | undefined,
  productSlot: (id: string) => ProductSlot,
): Promise<ProfileRecord | null> {
  if (held) return toRecord(held, segments);
  const row = await readRow(deps, lookup);
  return row ? toRecord(servedFromRow(row, productSlot), segments) : null;
}

/** Through the reader thread when there is one; inline when not, or when it fails. */
async function readRow(deps: AppDeps, lookup: ProfileLookup): Promise<ProfileRow | undefined> {
  if (deps.profileReader?.available()) {
    try {
      return await deps.profileReader.read(lookup);
    } catch (error) {
      deps.logger.warn('personalize: profile reader failed, reading inline', errorFields(error));
    }
  }
  return readProfileRow(async (sql, key) => (await queryRows<ProfileRow>(deps.db, sql, [key]))[0], lookup);
}

/** The record of a profile as held (the serving index, or a row read): merge fields, list, cart. */
export function toRecord(
  profile: ServedProfile,
  segments: ReadonlyMap<string, GroupedSegment>,
): ProfileRecord {
  const { cart } = profile;
  return {
    id: profile.id,
    firstName: profile.firstName,
    lastName: profile.lastName,
    recommendations:
      profile.items === null || profile.level === null
        ? null
        : { items: profile.items, level: profile.level, confidence: profile.confidence },
    rfmGroup: profile.rfmGroup,
    clvTier: profile.clvTier,
    clusterId: profile.clusterId,
    clusterLabel: profile.clusterLabel,
    averageOrderValue: profile.aov,
    lastViewedCategory: profile.lastViewedCategory,
    cartProductIds: () =>
      cart === null ? [] : (JSON.parse(cart) as CartItem[]).map((item) => item.productId),
    cartItems: profile.cartItems,
    primarySegments: profile.segments === null ? [] : primariesOf(profile.segments, segments),
  };
}

/**
 * The primary segments of a profile's segment list (ids joined by U+001F), remembered per list
 * for the segments as read (a new read is a new map): a million profiles share a few hundred
 * lists, so a send looks its list up instead of sorting it. Bounded; a full cache starts over.
 */
const primariesByList = new WeakKeyedMemo<ReadonlyMap<string, GroupedSegment>, readonly PrimarySegment[]>(
  10_000,
);

function primariesOf(list: string, segments: ReadonlyMap<string, GroupedSegment>): readonly PrimarySegment[] {
  return primariesByList.get(segments, list, () => Object.freeze(primaries(list.split('\u001f'), segments)));
}

/** Of the profile's segments in each group, the highest priority (ties: the older id), groups by name. */
function primaries(ids: readonly string[], segments: ReadonlyMap<string, GroupedSegment>): PrimarySegment[] {
  const best = new Map<string, { id: string; name: string; priority: number }>();
  for (const id of ids) {
    const segment = segments.get(id);
    if (!segment) continue;
    const current = best.get(segment.group);
    if (
      !current ||
      segment.priority > current.priority ||
      (segment.priority === current.priority && id < current.id)
    ) {
      best.set(segment.group, { id, name: segment.name, priority: segment.priority });
    }
  }
  return [...best]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, { id, name }]) => ({ group, id, name }));
}

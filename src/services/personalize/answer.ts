import type { AppDeps } from '../../app-deps.js';
import { type ProductEntry, type ProductLookup, type SlotItem, slotItem } from './items.js';
import type { PersonalizeRequest } from './params.js';
import type { ProductSlot } from './product-slots.js';
import type { ProfileRecord } from './profile-record.js';
import type { ServingCache } from './serving-cache.js';
import type { RecommendationSettings, SlotName, WebhookSettings } from './settings.js';
import { fillSlots, groupKeys } from './slots.js';

export type Level = 'personal' | 'segment' | 'global';
export type FallbackReason = 'unknown_profile' | 'timeout' | 'error';

/** Merge fields for the ESP's template. */
export interface ProfileFields {
  id: string | null;
  firstName: string | null;
  lastName: string | null;
  /** The primary segment of the first group (by name), and of every group. */
  primarySegment: string | null;
  primarySegments: Record<string, string>;
  rfmGroup: string | null;
  clvTier: string | null;
  cluster: string | null;
  lastViewedCategory: string | null;
  cartItems: number;
}

/** A slot as built: its products, before they become JSON or template items. */
export interface BuiltSlot {
  slot: SlotName;
  products: ProductEntry[];
  /** True when the slot shows fallback content rather than what it is for (e.g. no personal list). */
  fallback: boolean;
  level: Level;
  confidence: number;
}

export interface BuiltAnswer {
  profile: ProfileFields;
  slots: BuiltSlot[];
  /** The whole answer is fallback content: unknown profile, an error, the time budget, or no slot personal. */
  fallback: boolean;
  reason: FallbackReason | null;
  sendId: string | null;
  /** utm_campaign when the settings name none: the send id, else `personalize`. */
  campaign: string;
  utm: WebhookSettings['utm'];
}

export interface SlotAnswer {
  items: SlotItem[];
  fallback: boolean;
  level: Level;
  confidence: number;
}

/** The answer as the ESP receives it in JSON (serialize.ts writes exactly this, faster). */
export interface PersonalizeAnswer {
  profile: ProfileFields;
  slots: Partial<Record<SlotName, SlotAnswer>>;
  fallback: boolean;
  reason: FallbackReason | null;
  sendId: string | null;
}

export const EMPTY_PROFILE: ProfileFields = {
  id: null,
  firstName: null,
  lastName: null,
  primarySegment: null,
  primarySegments: {},
  rfmGroup: null,
  clvTier: null,
  cluster: null,
  lastViewedCategory: null,
  cartItems: 0,
};

export function profileFields(record: ProfileRecord | null): ProfileFields {
  if (!record) return EMPTY_PROFILE;
  const primarySegments: Record<string, string> = {};
  for (const entry of record.primarySegments) primarySegments[entry.group] = entry.name;
  return {
    id: record.id,
    firstName: record.firstName,
    lastName: record.lastName,
    primarySegment: record.primarySegments[0]?.name ?? null,
    primarySegments,
    rfmGroup: record.rfmGroup,
    clvTier: record.clvTier,
    cluster: record.clusterLabel,
    lastViewedCategory: record.lastViewedCategory,
    cartItems: record.cartItems,
  };
}

/**
 * Builds the answer from the precomputed list and the shared lists, applying only request-time
 * filters (in the catalogue, active, in stock) and the slots' own rules. Slots are filled in the
 * order asked, and a later slot skips what an earlier one showed.
 */
export async function buildAnswer(
  deps: AppDeps,
  cache: ServingCache,
  request: PersonalizeRequest,
  record: ProfileRecord | null,
  settings: RecommendationSettings,
  now: number,
): Promise<BuiltAnswer> {
  const ttl = settings.webhook.memoryTtlSeconds * 1000;
  const cart = cartOf(cache, request, record);
  const lists = await cache.listsByKey(deps, listKeys(request, record, cart), ttl);
  // Products come from memory; the ones not read yet are read and the slots filled again (rarely
  // more than once: only an entry expiring meanwhile).
  const read = new Map<ProductSlot, ProductEntry | null>();
  const fromMemory = memoryLookup(deps, cache, ttl);
  const lookup = (slot: ProductSlot) => (read.has(slot) ? read.get(slot) : fromMemory(slot));
  let unread = new Set<ProductSlot>();
  let slots = fillSlots(request, record, lists, cart, settings, now, fromMemory, unread);
  for (let attempt = 0; unread.size > 0 && attempt < 3; attempt++) {
    for (const [slot, entry] of await cache.readProducts(deps, unread, ttl)) read.set(slot, entry);
    unread = new Set();
    slots = fillSlots(request, record, lists, cart, settings, now, lookup, unread);
  }
  return answerOf(request, record, slots, settings);
}

/**
 * buildAnswer without waiting: the answer when memory holds every list and product it needs (the
 * usual case for a send), else undefined and the caller takes buildAnswer's way. A send then runs
 * start to end in one go instead of resuming after each step.
 */
export function buildAnswerInMemory(
  deps: AppDeps,
  cache: ServingCache,
  request: PersonalizeRequest,
  record: ProfileRecord | null,
  settings: RecommendationSettings,
  now: number,
): BuiltAnswer | undefined {
  const cart = cartOf(cache, request, record);
  const lists = cache.listsInMemory(listKeys(request, record, cart));
  if (!lists) return undefined;
  const fromMemory = memoryLookup(deps, cache, settings.webhook.memoryTtlSeconds * 1000);
  const unread = new Set<ProductSlot>();
  const slots = fillSlots(request, record, lists, cart, settings, now, fromMemory, unread);
  return unread.size === 0 ? answerOf(request, record, slots, settings) : undefined;
}

/** Products as memory holds them now (undefined: not read yet). */
function memoryLookup(deps: AppDeps, cache: ServingCache, ttl: number): ProductLookup {
  const clock = Date.now();
  return (slot) => cache.productForAnswer(deps, slot, clock, ttl);
}

function cartOf(
  cache: ServingCache,
  request: PersonalizeRequest,
  record: ProfileRecord | null,
): ProductSlot[] {
  return record && request.slots.includes('cart_recovery') ? record.cartProductIds().map(cache.cartSlot) : [];
}

/** The shared lists a request's slots draw on. */
function listKeys(request: PersonalizeRequest, record: ProfileRecord | null, cart: ProductSlot[]): string[] {
  const keys = ['global', ...groupKeys(record)];
  if (request.slots.includes('trending')) keys.push('trending');
  if (request.slots.includes('cart_recovery')) for (const { id } of cart) keys.push(`together:${id}`);
  return keys;
}

function answerOf(
  request: PersonalizeRequest,
  record: ProfileRecord | null,
  slots: BuiltSlot[],
  settings: RecommendationSettings,
): BuiltAnswer {
  return {
    profile: profileFields(record),
    slots,
    fallback: !record || slots.every((slot) => slot.fallback),
    reason: record ? null : 'unknown_profile',
    sendId: request.sendId,
    campaign: request.sendId ?? 'personalize',
    utm: settings.webhook.utm,
  };
}

/** The answer as objects: what templates render and what serialize.ts writes as JSON. */
export function answerObject(built: BuiltAnswer): PersonalizeAnswer {
  const slots: Partial<Record<SlotName, SlotAnswer>> = {};
  for (const slot of built.slots) {
    slots[slot.slot] = {
      items: slot.products.map((product) => slotItem(product, built.utm, built.campaign, slot.slot)),
      fallback: slot.fallback,
      level: slot.level,
      confidence: slot.confidence,
    };
  }
  return {
    profile: built.profile,
    slots,
    fallback: built.fallback,
    reason: built.reason,
    sendId: built.sendId,
  };
}

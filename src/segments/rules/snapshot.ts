import type { CONSENT_CHANNELS, CONSENT_STATUSES } from '../../db/schema/consent.js';
import type { StoredMetricName } from './metrics.js';

export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** One event as the evaluator sees it. `at` is the event's occurred time (UTC epoch ms). */
export interface SnapshotEvent {
  readonly name: string;
  readonly at: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface SnapshotCartItem {
  readonly productId: string;
  readonly category?: string | undefined;
  readonly price: number;
  readonly quantity: number;
}

/**
 * Everything a rule can look at for one profile, loaded by the caller (the evaluator does no I/O).
 * `requirementsOf(rules)` says which parts the rules being evaluated need; the others may be left
 * empty. All times are UTC epoch milliseconds.
 *
 * - `traits`: the profile's winning traits (`profiles.traits_json`). A trait name with dots
 *   (`address.city`) is looked up as that exact key first, then as a path into nested objects.
 * - `metrics`: stored metrics by name (profile_metrics, predictions, RFM, clusters); missing or
 *   null means "no value" and fails every comparison except the negative ones (`neq`, `not_in`).
 * - `lastOrderAt` / `lastEventAt`: the two clock metrics `recency_days` and `days_since_last_event`
 *   are computed from these at evaluation time (profile_metrics.last_order_at / last_event_at);
 *   null or absent means the metric has no value.
 * - `events`: the profile's events whose names the rules reference, at least as far back as each
 *   name's look-back in the requirements. ANY ORDER: the evaluator scans, it never assumes sorting.
 *   Events stamped in the future (clock skew) count from their own time on.
 * - `cart`: the open cart (profile_metrics.cart_json / cart_value / cart_updated_at). A cart with
 *   no items is no open cart.
 * - `consent`: effective status per channel; a missing channel is `never`.
 * - `segments`: ids of the segments the profile is currently in, for `segment` nodes. The caller
 *   evaluates segments in dependency order (see `segmentDependencies`) and fills this as it goes.
 */
export interface ProfileSnapshot {
  readonly profileId: string;
  readonly traits: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Partial<Record<StoredMetricName, number | string | null>>>;
  readonly lastOrderAt?: number | null;
  readonly lastEventAt?: number | null;
  readonly events: readonly SnapshotEvent[];
  readonly cart: {
    readonly items: readonly SnapshotCartItem[];
    readonly value: number;
    readonly updatedAt: number | null;
  };
  readonly consent: Readonly<Partial<Record<ConsentChannel, ConsentStatus>>>;
  readonly segments: ReadonlySet<string>;
}

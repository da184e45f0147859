import type { CONSENT_CHANNELS, CONSENT_STATUSES } from '../db/schema/consent.js';
import type { IdentifierInput } from '../identity/normalize.js';

export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'alias', 'group'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * One record about a person, from any source: a CRM contact, a CSV row, a Segment call, an ESP
 * webhook. This is the entry point every source uses.
 */
export interface IngestRecord {
  /** Where it came from: `segment`, `csv`, `hubspot`, a connection id… Trait precedence ranks these. */
  source: string;
  identifiers: IdentifierInput;
  /** Profile traits to set (null clears this source's value). Unknown keys are kept. */
  traits?: Record<string, unknown>;
  consent?: Partial<Record<ConsentChannel, ConsentStatus>>;
  /** When the source observed this (event time, CRM last-modified). */
  observedAt: Date;
  /** For merge evidence: message id, CSV row, CRM id. */
  reference?: string;
  /** Present when the record is also an event to store. */
  event?: {
    messageId: string;
    type: EventType;
    name?: string | null;
    properties: Record<string, unknown>;
    context?: Record<string, unknown>;
  };
}

export type IngestResult =
  | { status: 'stored'; profileId: string; eventId?: string; created: boolean }
  | { status: 'duplicate'; messageId: string }
  | { status: 'unresolved'; reason: string };

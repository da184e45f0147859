import type { DestinationRecord, FieldSpec, SourceRecord } from '../../src/connector-kit/index.js';

/** A contact as the search and list endpoints return it (after the SDK's deserialisation). */
export interface HubspotContact {
  id: string;
  properties: Record<string, string | null | undefined>;
  updatedAt?: Date | string;
  archivedAt?: Date | string;
}

/** Where a read stands, in milliseconds; `lastId` '' means "no id at this time yet". */
export interface Position {
  timeMs: number;
  lastId: string;
}

/** HubSpot ids are decimal strings of varying length: compare as numbers without BigInt parsing. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when (timeMs, id) is after the position, i.e. not yet handled. */
export function isAfter(timeMs: number, id: string, position: Position): boolean {
  return timeMs > position.timeMs || (timeMs === position.timeMs && compareIds(id, position.lastId) > 0);
}

/** The contact's lastmodifieddate in ms; HubSpot sends ISO strings, older portals epoch ms. */
export function modifiedMs(contact: HubspotContact): number {
  const raw = contact.properties.lastmodifieddate ?? contact.updatedAt;
  return toMs(raw);
}

export function toMs(raw: Date | string | null | undefined): number {
  if (raw instanceof Date) return raw.getTime();
  if (typeof raw === 'string' && raw !== '') {
    const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    if (Number.isFinite(ms)) return ms;
  }
  return Number.NaN;
}

const NOT_TRAITS = new Set(['email', 'phone', 'hs_object_id', 'hs_merged_object_ids']);

/**
 * One contact as SourceRecords: the ids merged into it first (as deletions, so the profiles they
 * fed are retired), then the contact itself. Empty properties are absent rather than "".
 */
export function contactToRecords(contact: HubspotContact, properties: readonly string[]): SourceRecord[] {
  const p = contact.properties;
  const traits: Record<string, unknown> = {};
  for (const name of properties) {
    const value = p[name];
    if (!NOT_TRAITS.has(name) && value !== null && value !== undefined && value !== '') traits[name] = value;
  }
  const identifiers: SourceRecord['identifiers'] = {};
  if (p.email) identifiers.email = p.email;
  if (p.phone) identifiers.phone = p.phone;
  const ms = modifiedMs(contact);
  const record: SourceRecord = {
    externalId: contact.id,
    identifiers,
    traits,
    ...(Number.isFinite(ms) ? { updatedAt: new Date(ms).toISOString() } : {}),
  };
  return [...mergedIds(contact).map((id) => mergedRecord(id, contact.id, record.updatedAt)), record];
}

/** `hs_merged_object_ids` is a ";"-separated list of the ids that were merged into this contact. */
export function mergedIds(contact: HubspotContact): string[] {
  const raw = contact.properties.hs_merged_object_ids ?? '';
  return raw
    .split(';')
    .map((id) => id.trim())
    .filter((id) => id !== '' && id !== contact.id);
}

function mergedRecord(id: string, into: string, updatedAt: string | undefined): SourceRecord {
  return {
    externalId: id,
    identifiers: {},
    traits: { mergedInto: into },
    deleted: true,
    ...(updatedAt ? { updatedAt } : {}),
  };
}

export function archivedToRecord(contact: HubspotContact): SourceRecord {
  const ms = toMs(contact.archivedAt);
  return {
    externalId: contact.id,
    identifiers: contact.properties.email ? { email: contact.properties.email } : {},
    traits: {},
    deleted: true,
    ...(Number.isFinite(ms) ? { updatedAt: new Date(ms).toISOString() } : {}),
  };
}

/** Our field key as a HubSpot internal name: lower case, [a-z0-9_], starting with a letter. */
export function propertyNameFor(key: string): string {
  const name = key
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const safe = /^[a-z]/.test(name) ? name : `f_${name}`;
  return safe.slice(0, 100);
}

export interface PropertyDefinition {
  type: 'string' | 'number' | 'date' | 'bool';
  fieldType: 'text' | 'number' | 'date' | 'booleancheckbox';
  options?: { label: string; value: string; displayOrder: number; hidden: boolean }[];
}

export function propertyDefinitionFor(type: FieldSpec['type']): PropertyDefinition {
  switch (type) {
    case 'text':
      return { type: 'string', fieldType: 'text' };
    case 'number':
      return { type: 'number', fieldType: 'number' };
    case 'date':
      return { type: 'date', fieldType: 'date' };
    case 'boolean':
      // HubSpot requires the two options of a checkbox property to be spelled out.
      return {
        type: 'bool',
        fieldType: 'booleancheckbox',
        options: [
          { label: 'Yes', value: 'true', displayOrder: 0, hidden: false },
          { label: 'No', value: 'false', displayOrder: 1, hidden: false },
        ],
      };
  }
}

export interface RecordProblem {
  message: string;
  field: string;
}

/** Why a record cannot be sent, or undefined. Catches what HubSpot would reject the whole batch for. */
export function recordProblem(record: DestinationRecord): RecordProblem | undefined {
  if (typeof record.email !== 'string' || record.email.trim() === '') {
    return { message: 'HubSpot contacts are upserted by email; the record has none', field: 'email' };
  }
  const fields: unknown = record.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    return { message: 'fields must be an object of scalar values', field: 'fields' };
  }
  for (const [key, value] of Object.entries(fields)) {
    const ok =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) return { message: `field "${key}" is not a string, finite number, boolean or null`, field: key };
  }
  return undefined;
}

/** HubSpot property values are strings; an empty string clears a property. */
export function toPropertyValues(record: DestinationRecord): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(record.fields)) values[key] = value === null ? '' : String(value);
  values.email = normalizeEmail(record.email ?? '');
  return values;
}

/** HubSpot stores emails lower-cased; results are matched back to records this way. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

import type { DestinationRecord, FieldSpec } from '../../src/connector-kit/index.js';

/**
 * Pure mapping between our records and SendGrid Marketing contacts. Field names are SendGrid's
 * (what `ensureFields` answers as `destinationKey`); custom field values go under the field's id.
 */

/** Reserved fields PUT /v3/marketing/contacts accepts at the top level, with SendGrid's length caps. */
export const TOP_LEVEL_FIELDS: Readonly<Record<string, number | undefined>> = {
  first_name: 50,
  last_name: 50,
  address_line_1: 100,
  address_line_2: 100,
  city: 60,
  state_province_region: 50,
  postal_code: undefined,
  country: 50,
  phone_number_id: undefined,
  external_id: 254,
  anonymous_id: 254,
};

export const CUSTOM_FIELD_LIMIT = 500;
export const MAX_EMAIL_LENGTH = 254;

export type SendgridFieldType = 'Text' | 'Number' | 'Date';

export interface FieldDefinition {
  id: string;
  name: string;
  field_type: SendgridFieldType;
}

/** SendGrid has no boolean type; booleans are stored as the text "true"/"false". */
export function sendgridTypeOf(type: FieldSpec['type']): SendgridFieldType {
  if (type === 'number') return 'Number';
  if (type === 'date') return 'Date';
  return 'Text';
}

/**
 * Custom field names are letters, digits and "_", not starting with a digit, ≤ 100 characters
 * (a leading digit "will cause issues with sending", per SendGrid). Our keys may hold dots or
 * dashes, so they are folded rather than refused.
 */
export function fieldNameFor(key: string): string {
  let name = key.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(name)) name = `_${name}`;
  return name.slice(0, 100);
}

export type FieldAction =
  | { kind: 'top_level' }
  | {
      kind: 'existing';
      id: string;
      fieldType: SendgridFieldType;
      typeMismatch?: { wanted: SendgridFieldType };
    }
  | { kind: 'create'; fieldType: SendgridFieldType }
  /** The name is reserved by SendGrid and not writable through the contacts API. */
  | { kind: 'conflict'; reason: string };

export interface PlannedField {
  spec: FieldSpec;
  destinationKey: string;
  action: FieldAction;
}

export interface FieldPlan {
  fields: PlannedField[];
  /** Custom fields in the account now, and after the plan's creations. */
  budget: { used: number; limit: number; afterPlan: number };
}

/**
 * What `ensureFields` would do, without doing it: the sync engine shows this before provisioning.
 * Names compare case-insensitively because SendGrid keeps them unique that way.
 */
export function planFields(
  custom: readonly FieldDefinition[],
  reservedNames: readonly string[],
  specs: readonly FieldSpec[],
): FieldPlan {
  const byName = new Map(custom.map((d) => [d.name.toLowerCase(), d]));
  const reserved = new Set(reservedNames.map((n) => n.toLowerCase()));
  const creating = new Set<string>();
  const fields = specs.map((spec): PlannedField => {
    const destinationKey = fieldNameFor(spec.key);
    const lower = destinationKey.toLowerCase();
    const wanted = sendgridTypeOf(spec.type);
    if (Object.hasOwn(TOP_LEVEL_FIELDS, lower))
      return { spec, destinationKey: lower, action: { kind: 'top_level' } };
    if (lower === 'email' || reserved.has(lower)) {
      const reason = `"${destinationKey}" is a SendGrid reserved field this connector cannot write`;
      return { spec, destinationKey, action: { kind: 'conflict', reason } };
    }
    const existing = byName.get(lower);
    if (existing) {
      // SendGrid cannot change a field's type, so the existing one is used as it is; values are
      // checked against its type per record at upsert, and the plan shows the mismatch.
      const action: FieldAction = { kind: 'existing', id: existing.id, fieldType: existing.field_type };
      if (existing.field_type !== wanted) action.typeMismatch = { wanted };
      return { spec, destinationKey: existing.name, action };
    }
    creating.add(lower);
    return { spec, destinationKey, action: { kind: 'create', fieldType: wanted } };
  });
  return {
    fields,
    budget: { used: custom.length, limit: CUSTOM_FIELD_LIMIT, afterPlan: custom.length + creating.size },
  };
}

export interface FieldIndex {
  /** Lower-cased custom field name → definition. */
  custom: ReadonlyMap<string, FieldDefinition>;
}

export function fieldIndexOf(custom: readonly FieldDefinition[]): FieldIndex {
  return { custom: new Map(custom.map((d) => [d.name.toLowerCase(), d])) };
}

export type ContactValue = string;

export interface ContactPayload {
  email: string;
  custom_fields?: Record<string, ContactValue>;
  [topLevel: string]: unknown;
}

export interface MappingProblem {
  message: string;
  field?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A normalised email or the reason there is none; SendGrid lower-cases emails itself. */
export function emailOf(record: DestinationRecord): { email: string } | { problem: MappingProblem } {
  if (typeof record.email !== 'string' || record.email.trim() === '') {
    return {
      problem: { message: 'SendGrid contacts are keyed by email and this record has none', field: 'email' },
    };
  }
  const email = record.email.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) {
    return { problem: { message: 'email is not a valid address', field: 'email' } };
  }
  return { email };
}

/**
 * The contact for one record, or why it cannot be sent. Nulls are left out: SendGrid's upsert
 * keeps omitted fields, and it has no documented way to clear one through this endpoint.
 */
export function toContact(
  record: DestinationRecord,
  index: FieldIndex,
): { contact: ContactPayload } | { problem: MappingProblem } {
  const identity = emailOf(record);
  if ('problem' in identity) return identity;
  const fields: unknown = record.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    return { problem: { message: 'fields must be an object of scalar values', field: 'fields' } };
  }
  const contact: ContactPayload = { email: identity.email };
  const custom: Record<string, ContactValue> = {};
  for (const [key, raw] of Object.entries(fields as Record<string, unknown>)) {
    if (raw === null || raw === undefined) continue;
    const value = scalarOf(raw);
    if (value === undefined) {
      return { problem: { message: `field "${key}" is not a string, finite number or boolean`, field: key } };
    }
    const lower = key.toLowerCase();
    if (Object.hasOwn(TOP_LEVEL_FIELDS, lower)) {
      const text = String(value);
      const max = TOP_LEVEL_FIELDS[lower];
      if (max !== undefined && text.length > max) {
        return {
          problem: { message: `field "${key}" is longer than SendGrid's ${max} characters`, field: key },
        };
      }
      contact[lower] = text;
      continue;
    }
    const definition = index.custom.get(lower);
    if (!definition) {
      return {
        problem: {
          message: `SendGrid has no custom field "${key}"; provision it with ensureFields first`,
          field: key,
        },
      };
    }
    const typed = valueFor(definition, value);
    if (typed === undefined) {
      return {
        problem: { message: `field "${key}" must be a ${definition.field_type} in SendGrid`, field: key },
      };
    }
    custom[definition.id] = typed;
  }
  if (Object.keys(custom).length > 0) contact.custom_fields = custom;
  return { contact };
}

function scalarOf(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

/**
 * Values go as strings for every field type, as in SendGrid's own example (`"w33": "42"`) and its
 * schema (custom field values are typed as strings); SendGrid reads them by the field's type, so
 * the checks here make sure that reading will succeed.
 */
function valueFor(definition: FieldDefinition, value: string | number | boolean): ContactValue | undefined {
  switch (definition.field_type) {
    case 'Number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
      return (typeof value !== 'string' || value.trim() !== '') && Number.isFinite(n) ? String(n) : undefined;
    }
    case 'Date': {
      // SendGrid accepts ISO 8601 dates and date-times; anything Date.parse cannot read is refused here.
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return undefined;
      return value;
    }
    default:
      return String(value);
  }
}

/**
 * Splits items into requests of at most `maxCount` items and `maxBytes` serialized bytes
 * (measured, since UTF-8 makes length a poor guess). `overheadBytes` is the envelope around the
 * items (`{"list_ids":[…],"contacts":[]}`); each item adds its JSON plus a comma.
 */
export function chunkBySize<T>(
  items: readonly T[],
  limits: { maxCount: number; maxBytes: number; overheadBytes: number },
): T[][] {
  const encoder = new TextEncoder();
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = limits.overheadBytes;
  for (const item of items) {
    const size = encoder.encode(JSON.stringify(item)).byteLength + 1;
    if (limits.overheadBytes + size > limits.maxBytes) {
      throw new RangeError('one item is larger than the request size limit');
    }
    if (current.length > 0 && (current.length >= limits.maxCount || bytes + size > limits.maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = limits.overheadBytes;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

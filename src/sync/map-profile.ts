import type { FieldMapping, Transform } from './definition.js';
import type { RecommendationField } from './recommendation-fields.js';

export type FieldValue = string | number | boolean | null;

/** What mapping reads about one profile (loaded per page by the engine). */
export interface ProfileView {
  id: string;
  traits: Record<string, unknown>;
  metrics: Record<string, unknown> | undefined;
  identities: { email?: string; phone?: string; user_id?: string };
  consent: Record<string, string>;
  /** profile_scores, when the mapping reads scores. */
  scores?: Record<string, unknown>;
  /** Ids of the segments the profile is in, when the mapping reads segments.<id>. */
  segments?: Set<string>;
  /** Group → name of the profile's primary segment in it, when the mapping reads primary_segment.<group>. */
  primarySegments?: Map<string, string>;
  /** Recommended products in order, when the mapping reads recs.<n>.<field>. */
  recs?: RecommendationField[];
}

function sourceValue(view: ProfileView, from: string): unknown {
  const dot = from.indexOf('.');
  const scope = from.slice(0, dot);
  const name = from.slice(dot + 1);
  switch (scope) {
    case 'traits':
      return view.traits[name];
    case 'metrics':
      return view.metrics?.[name];
    case 'identity':
      return view.identities[name as keyof ProfileView['identities']];
    case 'consent':
      return view.consent[name];
    case 'scores':
      return view.scores?.[name];
    case 'segments':
      return view.segments?.has(name) ?? false;
    case 'primary_segment':
      return view.primarySegments?.get(name);
    case 'recs': {
      const [position, field] = name.split('.');
      return view.recs?.[Number(position) - 1]?.[field as keyof RecommendationField];
    }
    default:
      return view.id;
  }
}

function asType(value: unknown, type: FieldMapping['type']): FieldValue {
  if (value === undefined || value === null || value === '') return null;
  if (value instanceof Date) return type === 'number' ? value.getTime() : value.toISOString();
  switch (type) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : ['true', '1', 'yes'].includes(String(value).toLowerCase());
    case 'date': {
      const date = new Date(value as string | number);
      return Number.isNaN(date.getTime()) ? null : date.toISOString();
    }
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

function applyTransform(value: FieldValue, transform: Transform): FieldValue {
  switch (transform.type) {
    case 'default':
      return value === null ? transform.value : value;
    case 'truncate':
      return typeof value === 'string' ? value.slice(0, transform.length) : value;
    case 'uppercase':
      return typeof value === 'string' ? value.toUpperCase() : value;
    case 'lowercase':
      return typeof value === 'string' ? value.toLowerCase() : value;
    case 'map_values': {
      if (value === null) return value;
      const mapped = transform.values[String(value)];
      return mapped !== undefined ? mapped : transform.otherwise !== undefined ? transform.otherwise : value;
    }
    case 'format_date': {
      if (value === null) return value;
      const date = new Date(value as string | number);
      if (Number.isNaN(date.getTime())) return value;
      if (transform.format === 'unix') return Math.floor(date.getTime() / 1000);
      return transform.format === 'date' ? date.toISOString().slice(0, 10) : date.toISOString();
    }
  }
}

/** The destination fields of one profile, per the mapping. Pure. */
export function mapProfile(view: ProfileView, fields: FieldMapping[]): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const field of fields) {
    let value = asType(sourceValue(view, field.from), field.type);
    for (const transform of field.transforms) value = applyTransform(value, transform);
    out[field.to] = value;
  }
  return out;
}

/**
 * A stable fingerprint of what would be sent: FNV-1a (64-bit, as two 32-bit halves) over the
 * canonical JSON. Not a security hash; it only has to change when the payload does.
 */
export function fingerprint(email: string, fields: Record<string, FieldValue>): string {
  const canonical = JSON.stringify([
    email,
    Object.keys(fields)
      .sort()
      .map((key) => [key, fields[key]]),
  ]);
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < canonical.length; i++) {
    const c = canonical.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 7);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

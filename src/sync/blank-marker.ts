import type { FieldValue } from './map-profile.js';

/**
 * A compact record of which mapped fields were non-blank when a profile was delivered, kept beside
 * its fingerprint: `<layout>.<mask>`, where bit i of the hex mask is the mapping's i-th destination
 * field and `layout` is a short hash of the destination field names in mapping order. The
 * fingerprint alone says only that something changed; the marker says a field went from a value to
 * blank, which is what the blast guard counts.
 *
 * A marker written under another layout (a field added, removed or reordered since) is not read
 * at all: bit positions would name the wrong fields. Renaming a field's source keeps the layout,
 * which is the case that matters most (a mapping pointed at an empty trait blanks everyone).
 */
export interface MarkerLayout {
  /** Destination field names, in mapping order. */
  names: readonly string[];
  tag: string;
}

export function markerLayout(names: readonly string[]): MarkerLayout {
  // FNV-1a over the names; a collision only costs one run's comparison, never a wrong write.
  let hash = 0x811c9dc5;
  for (const char of names.join('\u001f')) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return { names, tag: (hash >>> 0).toString(36) };
}

/** Blank is nothing to show: null, or a string of only whitespace. 0 and false are values. */
export function isBlank(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

export function filledMarker(layout: MarkerLayout, fields: Record<string, FieldValue>): string {
  let mask = 0n;
  layout.names.forEach((name, bit) => {
    if (!isBlank(fields[name])) mask |= 1n << BigInt(bit);
  });
  return `${layout.tag}.${mask.toString(16)}`;
}

/**
 * The destination fields that were filled according to `previous` and are blank in `fields`.
 * Empty when there is no previous marker or it was written under another layout.
 */
export function blankedFields(
  layout: MarkerLayout,
  previous: string | null | undefined,
  fields: Record<string, FieldValue>,
): string[] {
  if (!previous) return [];
  const dot = previous.indexOf('.');
  if (dot < 0 || previous.slice(0, dot) !== layout.tag) return [];
  let mask: bigint;
  try {
    mask = BigInt(`0x${previous.slice(dot + 1)}`);
  } catch {
    return [];
  }
  const out: string[] = [];
  layout.names.forEach((name, bit) => {
    if ((mask >> BigInt(bit)) & 1n && isBlank(fields[name])) out.push(name);
  });
  return out;
}

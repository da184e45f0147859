/**
 * Mailchimp merge tags: at most 10 characters. We use the strictest common form, uppercase A–Z and
 * digits starting with a letter, so a generated tag is valid in every place Mailchimp shows one.
 */
export const MERGE_TAG_MAX_LENGTH = 10;
const MERGE_TAG = /^[A-Z][A-Z0-9]{0,9}$/;

/** Tags Mailchimp owns on every audience; a field of ours must never land on them. */
const RESERVED_TAGS = new Set(['EMAIL']);

export type TagValidation = { ok: true } | { ok: false; message: string };

/**
 * For the sync engine, when a sync is saved with explicit tags: the message names the problem so
 * the 400 can name the field. `field` is only used in the message.
 */
export function validateMailchimpTag(tag: string, field = tag): TagValidation {
  if (tag.length > MERGE_TAG_MAX_LENGTH) {
    return {
      ok: false,
      message: `merge tag "${tag}" for field "${field}" is ${tag.length} characters; Mailchimp allows ${MERGE_TAG_MAX_LENGTH}`,
    };
  }
  if (!MERGE_TAG.test(tag)) {
    return {
      ok: false,
      message: `merge tag "${tag}" for field "${field}" must be uppercase letters and digits, starting with a letter`,
    };
  }
  if (RESERVED_TAGS.has(tag)) {
    return { ok: false, message: `merge tag "${tag}" for field "${field}" is reserved by Mailchimp` };
  }
  return { ok: true };
}

export function isMailchimpTag(tag: string): boolean {
  return validateMailchimpTag(tag).ok;
}

/**
 * The tag a field key would get with nothing in the way: letters and digits of the key (accents
 * dropped), uppercased, cut to 10. "first_name" → "FIRSTNAME", "lifetime_value_90d" → "LIFETIMEVA".
 */
export function baseTagFor(key: string): string {
  const letters = key
    .normalize('NFKD')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
  const lead = /^[A-Z]/.test(letters) ? letters : `F${letters}`;
  const base = lead.slice(0, MERGE_TAG_MAX_LENGTH);
  return RESERVED_TAGS.has(base) ? `${base.slice(0, MERGE_TAG_MAX_LENGTH - 1)}1` : base;
}

/**
 * Candidate tags in a fixed order: the base, then the base cut short enough to carry a numeric
 * suffix (FIRSTNAME, FIRSTNAME1 … FIRSTNAM10 …). A fixed order is what makes generation stable:
 * the same key against the same existing tags always lands on the same tag.
 */
export function* tagCandidates(key: string): Generator<string> {
  const base = baseTagFor(key);
  yield base;
  for (let n = 1; n < 100_000; n++) {
    const suffix = String(n);
    yield `${base.slice(0, MERGE_TAG_MAX_LENGTH - suffix.length)}${suffix}`;
  }
}

export interface ExistingMergeField {
  tag: string;
  name: string;
}

export type TagChoice = { tag: string; existing: true } | { tag: string; existing: false };

/**
 * Picks the tag of one of our fields. An existing merge field is ours when the key itself is that
 * tag (the admin mapped to it explicitly) or when the candidate's field carries our label; a tag
 * in use by another field, or already taken in this call (`claimed`), moves on to the next
 * candidate. Label matching is what lets a second run find "LIFETIMEV1" again rather than
 * creating "LIFETIMEV2" when two keys share a base.
 */
export function chooseTag(
  key: string,
  label: string,
  existing: ReadonlyMap<string, ExistingMergeField>,
  claimed: ReadonlySet<string>,
): TagChoice {
  if (isMailchimpTag(key) && existing.has(key) && !claimed.has(key)) return { tag: key, existing: true };
  const wanted = normalizeName(label);
  for (const tag of tagCandidates(key)) {
    if (claimed.has(tag)) continue;
    const field = existing.get(tag);
    if (field === undefined) return { tag, existing: false };
    if (normalizeName(field.name) === wanted) return { tag, existing: true };
  }
  // 100,000 candidates all in use cannot happen on an audience (Mailchimp caps merge fields).
  throw new Error(`no free merge tag for field "${key}"`);
}

function normalizeName(name: string): string {
  return name.trim().toLowerCase();
}

import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { IdentifierType, IdentitySettings } from './settings.js';

export interface NormalizedIdentifier {
  type: IdentifierType;
  /** What matching uses. */
  value: string;
  /** As received. */
  rawValue: string;
  /** False when the value failed validation; it is stored as given and flagged, never "fixed". */
  valid: boolean;
}

// Deliberately permissive (RFC 5322 allows far more than any ESP accepts); rejects what no ESP
// would mail: no @, spaces, no dot in the domain, empty parts.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function normalizeEmail(raw: string, settings: IdentitySettings['email']): NormalizedIdentifier {
  const trimmed = raw.trim().toLowerCase();
  if (!EMAIL_SHAPE.test(trimmed)) return { type: 'email', value: trimmed, rawValue: raw, valid: false };
  // Provider rules off (the default): the lowercased address is already the value.
  if (!settings.stripPlusTags && !settings.ignoreGmailDots) {
    return { type: 'email', value: trimmed, rawValue: raw, valid: true };
  }
  const at = trimmed.lastIndexOf('@');
  let local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  if (settings.stripPlusTags) local = local.split('+')[0] || local;
  if (settings.ignoreGmailDots && settings.gmailDomains.includes(domain)) local = local.replace(/\./g, '');
  // googlemail.com and gmail.com are one mailbox when Gmail rules are on.
  const canonicalDomain =
    settings.ignoreGmailDots && settings.gmailDomains.includes(domain) ? settings.gmailDomains[0]! : domain;
  return { type: 'email', value: `${local}@${canonicalDomain}`, rawValue: raw, valid: true };
}

export function normalizePhone(raw: string, settings: IdentitySettings['phone']): NormalizedIdentifier {
  const parsed = parsePhoneNumberFromString(raw.trim(), settings.defaultRegion as CountryCode);
  if (parsed?.isValid()) return { type: 'phone', value: parsed.number, rawValue: raw, valid: true };
  // Invalid numbers still join on their digits, so the same typo from two sources is one person.
  const digits = raw.replace(/[^\d+]/g, '');
  return { type: 'phone', value: digits || raw.trim(), rawValue: raw, valid: false };
}

export function normalizePlain(type: IdentifierType, raw: string): NormalizedIdentifier {
  const value = raw.trim();
  return { type, value, rawValue: raw, valid: value.length > 0 };
}

/** The identifiers of one record, as sources describe them. */
export interface IdentifierInput {
  email?: string | null;
  /**
   * An address the person had before `email` (an ESP reporting an address change): joins the
   * record to the profile that holds it, so the new address lands on the same person.
   */
  previousEmail?: string | null;
  phone?: string | null;
  userId?: string | null;
  anonymousId?: string | null;
  /** Source-local ids, namespaced: `{ hubspot: '123' }` → type `external:hubspot`. */
  externalIds?: Record<string, string | null | undefined>;
}

/** A usable identifier value as given: non-blank strings as they are, numbers as text. */
export function identifierText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim()
    ? value
    : typeof value === 'number'
      ? String(value)
      : undefined;
}

/**
 * `phone` is the record's phone already normalized elsewhere (phone-offload.ts), if it was:
 * normalizePhone(identifierText(input.phone)) computed on another thread.
 */
export function normalizeIdentifiers(
  input: IdentifierInput,
  settings: IdentitySettings,
  normalizedPhone?: NormalizedIdentifier,
): NormalizedIdentifier[] {
  const out: NormalizedIdentifier[] = [];
  const text = identifierText;
  const userId = text(input.userId);
  if (userId !== undefined) out.push(normalizePlain('user_id', userId));
  const email = text(input.email);
  if (email !== undefined) out.push(normalizeEmail(email, settings.email));
  const previousEmail = text(input.previousEmail);
  if (previousEmail !== undefined) out.push(normalizeEmail(previousEmail, settings.email));
  const phone = text(input.phone);
  if (phone !== undefined) out.push(normalizedPhone ?? normalizePhone(phone, settings.phone));
  for (const [source, raw] of Object.entries(input.externalIds ?? {})) {
    const value = text(raw);
    if (value !== undefined) out.push(normalizePlain(`external:${source.toLowerCase()}`, value));
  }
  const anonymousId = text(input.anonymousId);
  if (anonymousId !== undefined) out.push(normalizePlain('anonymous_id', anonymousId));
  return out;
}

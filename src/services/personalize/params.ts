import { AppError } from '../../http/errors.js';
import { WeakKeyedMemo } from '../../lib/maps.js';
import { SLOT_NAMES, type SlotName, type WebhookSettings } from './settings.js';

export const FORMATS = ['json', 'html', 'text'] as const;
export type PersonalizeFormat = (typeof FORMATS)[number];

/** The identifiers an ESP can template into the URL; exactly one per request. */
export const IDENTIFIER_PARAMS = ['email', 'profile_id', 'external_id', 'user_id', 'phone'] as const;
export type IdentifierParam = (typeof IDENTIFIER_PARAMS)[number];

export interface PersonalizeRequest {
  identifier: { param: IdentifierParam; value: string; source?: string };
  /** In the order asked, each once: later slots skip items earlier ones showed. Shared: never modify. */
  slots: readonly SlotName[];
  n: number;
  sendId: string | null;
  format: PersonalizeFormat;
}

export const MAX_N = 50;
const MAX_IDENTIFIER = 512;
const MAX_SEND_ID = 200;

function invalid(param: string, message: string): AppError {
  return new AppError('validation_failed', `${param}: ${message}`, [{ path: `query.${param}`, message }]);
}

/**
 * Parsed `slots` values, against the known slot names: an ESP's sends repeat one value
 * (`hero,recs`) for every recipient, so it is split and checked once. Bounded.
 */
const parsedSlots = new WeakKeyedMemo<readonly string[], readonly SlotName[]>(256);

function parseSlots(value: string): readonly SlotName[] {
  return parsedSlots.get(SLOT_NAMES, value, () => {
    const names = value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    if (names.length === 0) throw invalid('slots', `give at least one of ${SLOT_NAMES.join(', ')}`);
    const unknown = names.filter((name) => !(SLOT_NAMES as readonly string[]).includes(name));
    if (unknown.length > 0) {
      throw invalid(
        'slots',
        `unknown slot ${unknown.map((name) => `'${name}'`).join(', ')}; known: ${SLOT_NAMES.join(', ')}`,
      );
    }
    return Object.freeze([...new Set(names as SlotName[])]);
  });
}

/**
 * The webhook's query, checked by hand rather than by a schema: every bad parameter is a 400
 * naming it, unknown parameters are ignored (ESPs add cache busters), and this runs on every send.
 */
export function parsePersonalizeQuery(
  query: Readonly<Record<string, string | undefined>>,
  defaults: WebhookSettings,
): PersonalizeRequest {
  const given = IDENTIFIER_PARAMS.filter((param) => query[param] !== undefined);
  if (given.length === 0) {
    throw new AppError('validation_failed', `give one identifier: ${IDENTIFIER_PARAMS.join(', ')}`, [
      { path: 'query', message: `give one of ${IDENTIFIER_PARAMS.join(', ')}` },
    ]);
  }
  if (given.length > 1) {
    throw new AppError('validation_failed', `give only one identifier, got ${given.join(', ')}`, [
      ...given.map((param) => ({ path: `query.${param}`, message: 'give only one identifier' })),
    ]);
  }
  const param = given[0]!;
  const value = query[param]!.trim();
  if (value === '') throw invalid(param, 'must not be empty');
  if (value.length > MAX_IDENTIFIER) throw invalid(param, `must be at most ${MAX_IDENTIFIER} characters`);
  const source = query.source?.trim();
  if (source !== undefined && param !== 'external_id') throw invalid('source', 'only goes with external_id');
  if (source === '') throw invalid('source', 'must not be empty');

  const slots = query.slots === undefined ? defaults.defaultSlots : parseSlots(query.slots);

  let n = defaults.defaultN;
  if (query.n !== undefined) {
    n = /^\d{1,3}$/.test(query.n.trim()) ? Number(query.n.trim()) : Number.NaN;
    if (!(n >= 1 && n <= MAX_N)) throw invalid('n', `must be a whole number from 1 to ${MAX_N}`);
  }

  const format = query.format ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format))
    throw invalid('format', `must be one of ${FORMATS.join(', ')}`);

  const sendId = query.send_id?.trim() || null;
  if (sendId !== null && sendId.length > MAX_SEND_ID) {
    throw invalid('send_id', `must be at most ${MAX_SEND_ID} characters`);
  }
  return {
    identifier: { param, value, ...(source === undefined ? {} : { source }) },
    slots,
    n,
    sendId,
    format: format as PersonalizeFormat,
  };
}

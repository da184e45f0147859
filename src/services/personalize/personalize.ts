import type { AppDeps } from '../../app-deps.js';
import type { Db } from '../../db/client.js';
import { isSynchronousDriver } from '../../db/raw-select.js';
import { errorFields } from '../../lib/logger.js';
import { type AllSettings, cachedSettings, loadSettings, SETTINGS_SCHEMAS } from '../settings.js';
import { type BuiltAnswer, buildAnswer, buildAnswerInMemory, type FallbackReason } from './answer.js';
import { withinBudget } from './budget.js';
import { fallbackAnswer } from './fallback-answer.js';
import { bodyHash } from './hash.js';
import type { Outcome } from './metrics.js';
import { type PersonalizeRequest, parsePersonalizeQuery } from './params.js';
import type { ProfileLookup } from './profile-query.js';
import { lookupProfileRecord, profileLookup, toRecord } from './profile-record.js';
import { renderAnswer } from './render.js';
import { serializeAnswer } from './serialize.js';
import type { ServedProfile } from './served-profile.js';
import { type ServingCache, servingCacheFor } from './serving-cache.js';

/** JSON answers are UTF-8 bytes (serialize.ts); rendered ones (html, text) are strings. */
export type AnswerBody = string | Uint8Array<ArrayBuffer>;

export interface PersonalizeResponse {
  status: 200 | 304;
  body: AnswerBody;
  contentType: string;
  etag: string;
  cacheControl: string;
  outcome: Outcome;
  /** At least one slot showed fallback content. */
  slotFallback: boolean;
}

const CONTENT_TYPES = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

type Settings = Pick<AllSettings, 'identity' | 'recommendations'>;
/** The settings last read per database: the budget and defaults when reading them fails. */
const lastSettings = new WeakMap<Db, Settings>();
let defaults: Settings | undefined;

/** The settings, or when they cannot be read the last ones read (else the defaults) and the error. */
export async function settingsFor(deps: AppDeps): Promise<{ settings: Settings; error?: unknown }> {
  try {
    const settings = await loadSettings(deps);
    lastSettings.set(deps.db, settings);
    return { settings };
  } catch (error) {
    const known = lastSettings.get(deps.db);
    if (known) return { settings: known, error };
    defaults ??= {
      identity: SETTINGS_SCHEMAS.identity.parse({}),
      recommendations: SETTINGS_SCHEMAS.recommendations.parse({}),
    };
    return { settings: defaults, error };
  }
}

/** settingsFor without waiting, when the settings are cached (the usual case for a send). */
export function settingsInMemory(deps: AppDeps): SettingsRead | undefined {
  const settings = cachedSettings(deps);
  if (!settings) return undefined;
  // Kept as the last settings read, as settingsFor keeps them: what a failed read falls back to.
  if (lastSettings.get(deps.db) !== settings) lastSettings.set(deps.db, settings);
  return { settings };
}

export type SettingsRead = Awaited<ReturnType<typeof settingsFor>>;

interface PersonalizeContext {
  requestId: string;
  ifNoneMatch?: string | undefined;
  /** The settings as the caller already read them for this request (settingsFor). */
  settings?: SettingsRead;
}

type AnswerResult = { built: BuiltAnswer; body: AnswerBody; hash: number };

/**
 * GET /v1/personalize, after authentication: parses the query (a bad parameter throws a 400),
 * then answers within the time budget. An unknown profile gets fallback content; an error or a
 * timeout gets the fallback answer built from memory. Either way a 200, logged and counted.
 *
 * A send whose profile, lists and products are all in memory is answered at once, not as a
 * promise: each step that waits would cost the send a turn of the event loop's microtask queue,
 * and the webhook's every microsecond is throughput (docs/benchmarks.md). Anything else takes the
 * waiting path, which also handles errors and the time budget.
 */
export function personalize(
  deps: AppDeps,
  query: Readonly<Record<string, string | undefined>>,
  context: PersonalizeContext,
): PersonalizeResponse | Promise<PersonalizeResponse> {
  const read = context.settings ?? settingsInMemory(deps);
  if (read === undefined || read.error !== undefined) return personalizeWaiting(deps, query, context);
  const request = parsePersonalizeQuery(query, read.settings.recommendations.webhook);
  const lookup = profileLookup(request.identifier, read.settings.identity);
  const held = deps.servingIndex?.get(lookup);
  const result = held && answerInMemory(deps, request, read.settings, held);
  return result
    ? respond(deps, request, read.settings.recommendations, result, context)
    : personalizeWaiting(deps, query, { ...context, settings: read }, { request, lookup, held });
}

/**
 * The JSON answer for a profile the serving index holds, from memory alone, or undefined:
 * rendered formats, anything to read, and any error go the waiting way (an error there is logged
 * and answered with fallback content).
 */
function answerInMemory(
  deps: AppDeps,
  request: PersonalizeRequest,
  settings: Settings,
  held: ServedProfile,
): AnswerResult | undefined {
  if (request.format !== 'json' || !isSynchronousDriver(deps.db)) return undefined;
  try {
    const cache = servingCacheFor(deps);
    const segments = cache.segmentsInMemory();
    if (!segments) return undefined;
    const record = toRecord(held, segments);
    const now = deps.now().getTime();
    const built = buildAnswerInMemory(deps, cache, request, record, settings.recommendations, now);
    return built && { built, ...serializeAnswer(built) };
  } catch {
    return undefined;
  }
}

async function personalizeWaiting(
  deps: AppDeps,
  query: Readonly<Record<string, string | undefined>>,
  context: PersonalizeContext,
  /** What personalize() already worked out with the same settings: the index is asked once. */
  known?: { request: PersonalizeRequest; lookup: ProfileLookup; held: ServedProfile | undefined },
): Promise<PersonalizeResponse> {
  const { settings, error: settingsError } = context.settings ?? (await settingsFor(deps));
  const { recommendations } = settings;
  const request = known?.request ?? parsePersonalizeQuery(query, recommendations.webhook);
  const cache = servingCacheFor(deps);

  let failure: FallbackReason | undefined;
  let result: AnswerResult | undefined;
  if (settingsError !== undefined) {
    failure = 'error';
    deps.logger.error('personalize: settings unreadable, answering with fallback content', {
      requestId: context.requestId,
      ...errorFields(settingsError),
    });
  } else {
    const lookup = known?.lookup ?? profileLookup(request.identifier, settings.identity);
    const held = known ? known.held : deps.servingIndex?.get(lookup);
    const work = answer(deps, cache, request, settings, lookup, held);
    try {
      // On the embedded database an answer without the reader thread (a held profile, or no
      // thread) is worked out within this turn: no timer could fire first, so none is set.
      const outcome =
        isSynchronousDriver(deps.db) && (held !== undefined || !deps.profileReader?.available())
          ? { done: true as const, value: await work }
          : await withinBudget(work, recommendations.webhook.budgetMs);
      if (outcome.done) {
        result = outcome.value;
      } else {
        failure = 'timeout';
        deps.logger.warn('personalize: past the time budget, answering with fallback content', {
          requestId: context.requestId,
          budgetMs: recommendations.webhook.budgetMs,
        });
      }
    } catch (error) {
      failure = 'error';
      deps.logger.error('personalize: failed, answering with fallback content', {
        requestId: context.requestId,
        ...errorFields(error),
      });
    }
  }
  if (!result) {
    const built = fallbackAnswer(cache, request, recommendations, failure ?? 'error');
    result = await fallbackBody(deps, built, request);
  }
  return respond(deps, request, recommendations, result, context);
}

/** The response for an answer: its ETag (304 when the caller has it), caching, the outcome counted. */
function respond(
  deps: AppDeps,
  request: PersonalizeRequest,
  recommendations: Settings['recommendations'],
  result: AnswerResult,
  context: PersonalizeContext,
): PersonalizeResponse {
  const { built, body, hash } = result;
  if (built.reason === 'unknown_profile') {
    deps.logger.info('personalize: unknown profile, answering with fallback content', {
      requestId: context.requestId,
      identifier: request.identifier.param,
    });
  }
  // The body is a function of the request and the data: a hash of it is a sound validator (its
  // length counts bytes for JSON, UTF-16 units for rendered text: either is fixed per body).
  const etag = `W/"${body.length.toString(16)}-${hash.toString(16)}"`;
  const notModified = context.ifNoneMatch !== undefined && matches(context.ifNoneMatch, etag);
  let slotFallback = false;
  for (const slot of built.slots) slotFallback ||= slot.fallback;
  return {
    status: notModified ? 304 : 200,
    body: notModified ? '' : body,
    contentType: CONTENT_TYPES[request.format],
    etag,
    cacheControl: `private, max-age=${recommendations.webhook.cacheSeconds}`,
    outcome: built.reason === null ? (notModified ? 'not_modified' : 'ok') : `fallback_${built.reason}`,
    slotFallback,
  };
}

async function answer(
  deps: AppDeps,
  cache: ServingCache,
  request: PersonalizeRequest,
  settings: Settings,
  lookup: ProfileLookup,
  held: ServedProfile | undefined,
): Promise<AnswerResult> {
  const ttlMs = settings.recommendations.webhook.memoryTtlSeconds * 1000;
  const segments = await cache.groupedSegments(deps, ttlMs);
  const record = await lookupProfileRecord(deps, lookup, segments, held, cache.productSlot);
  const built = await buildAnswer(
    deps,
    cache,
    request,
    record,
    settings.recommendations,
    deps.now().getTime(),
  );
  if (request.format === 'json') return { built, ...serializeAnswer(built) };
  const body = await renderAnswer(deps, built, request, request.format, { ttlMs, stored: true });
  return { built, body, hash: bodyHash(body) };
}

async function fallbackBody(
  deps: AppDeps,
  built: BuiltAnswer,
  request: PersonalizeRequest,
): Promise<AnswerResult> {
  if (request.format === 'json') return { built, ...serializeAnswer(built) };
  let body = '';
  try {
    body = await renderAnswer(deps, built, request, request.format, { ttlMs: 0, stored: false });
  } catch (error) {
    // The built-in templates failing is a bug; an empty fragment still lets the email go out.
    deps.logger.error('personalize: rendering the fallback failed', errorFields(error));
  }
  return { built, body, hash: bodyHash(body) };
}

/** If-None-Match: a list of ETags or `*`; weak comparison, as RFC 9110 asks for GET. */
function matches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

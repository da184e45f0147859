import type { AppDeps } from '../../app-deps.js';
import type { Db } from '../../db/client.js';
import { isSynchronousDriver } from '../../db/raw-select.js';
import { errorFields } from '../../lib/logger.js';
import { type AllSettings, loadSettings, SETTINGS_SCHEMAS } from '../settings.js';
import { type BuiltAnswer, buildAnswer, type FallbackReason } from './answer.js';
import { withinBudget } from './budget.js';
import { fallbackAnswer } from './fallback-answer.js';
import { bodyHash } from './hash.js';
import type { Outcome } from './metrics.js';
import { type PersonalizeRequest, parsePersonalizeQuery } from './params.js';
import type { ProfileLookup } from './profile-query.js';
import { lookupProfileRecord, profileLookup } from './profile-record.js';
import { renderAnswer } from './render.js';
import { serializeAnswer } from './serialize.js';
import type { ServedProfile } from './served-profile.js';
import { type ServingCache, servingCacheFor } from './serving-cache.js';

export interface PersonalizeResponse {
  status: 200 | 304;
  body: string;
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

/**
 * GET /v1/personalize, after authentication: parses the query (a bad parameter throws a 400),
 * then answers within the time budget. An unknown profile gets fallback content; an error or a
 * timeout gets the fallback answer built from memory. Either way a 200, logged and counted.
 */
export async function personalize(
  deps: AppDeps,
  query: Readonly<Record<string, string | undefined>>,
  context: {
    requestId: string;
    ifNoneMatch?: string | undefined;
    /** The settings as the caller already read them for this request (settingsFor). */
    settings?: Awaited<ReturnType<typeof settingsFor>>;
  },
): Promise<PersonalizeResponse> {
  const { settings, error: settingsError } = context.settings ?? (await settingsFor(deps));
  const { recommendations } = settings;
  const request = parsePersonalizeQuery(query, recommendations.webhook);
  const cache = servingCacheFor(deps);

  let failure: FallbackReason | undefined;
  let result: { built: BuiltAnswer; body: string; hash: number } | undefined;
  if (settingsError !== undefined) {
    failure = 'error';
    deps.logger.error('personalize: settings unreadable, answering with fallback content', {
      requestId: context.requestId,
      ...errorFields(settingsError),
    });
  } else {
    const lookup = profileLookup(request.identifier, settings.identity);
    const held = deps.servingIndex?.get(lookup);
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
  const { built, body, hash } = result;
  if (built.reason === 'unknown_profile') {
    deps.logger.info('personalize: unknown profile, answering with fallback content', {
      requestId: context.requestId,
      identifier: request.identifier.param,
    });
  }
  // The body is a function of the request and the data: a hash of it is a sound validator.
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
): Promise<{ built: BuiltAnswer; body: string; hash: number }> {
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
): Promise<{ built: BuiltAnswer; body: string; hash: number }> {
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

import { and, count, eq, inArray, isNull, or } from 'drizzle-orm';
import type { AppDeps } from '../../app-deps.js';
import { atomic } from '../../db/atomic.js';
import { bulkInsert } from '../../db/bulk.js';
import { chunked, selectInChunks } from '../../db/chunk.js';
import {
  matchReviews,
  mergeBlocks,
  profileMatchKeys,
  profiles,
  settings as settingsTable,
} from '../../db/schema/index.js';
import { AppError } from '../../http/errors.js';
import { pairKey } from '../../identity/deterministic/types.js';
import {
  defaultPersonSettings,
  type LinkageModel,
  type LinkedPair,
  linkageModelSchema,
  linkageSettingsSchema,
  linkRecords,
  type PersonRecord,
  prepareRecords,
  recordBlockingKeys,
} from '../../identity/probabilistic/index.js';
import { newId } from '../../lib/ids.js';
import type { AuditActor } from '../audit.js';
import { type AllSettings, loadSettings } from '../settings.js';
import { mergeProfiles } from './manual-merge.js';
import { loadPersonRecords } from './person-records.js';

const MODEL_KEY = 'probabilistic_model';
const SYSTEM: AuditActor = { principal: null };
// Contact fields join deterministically already; a profile needs other person fields to be matched.
const CONTACT_FIELDS = new Set(['email', 'phone']);

export interface PassReport {
  mode: 'full' | 'incremental';
  dryRun: boolean;
  records: number;
  candidatePairs: number;
  identifiable: boolean;
  merged: number;
  queued: number;
  skipped: number;
  samples: Array<{ a: string; b: string; decision: string; probability: number; evidence: unknown }>;
}

function linkageSettings(settings: AllSettings) {
  return linkageSettingsSchema.parse({
    ...defaultPersonSettings,
    thresholds: settings.identity.probabilistic.thresholds,
  });
}

// Ingest asks for the model on every batch; it changes only when the full pass retrains.
const MODEL_CACHE_MS = 30_000;
const modelCache = new WeakMap<AppDeps['db'], { at: number; model: LinkageModel | undefined }>();

export async function loadModel(deps: AppDeps): Promise<LinkageModel | undefined> {
  const hit = modelCache.get(deps.db);
  if (hit && Date.now() - hit.at < MODEL_CACHE_MS) return hit.model;
  const [row] = await deps.db.select().from(settingsTable).where(eq(settingsTable.key, MODEL_KEY));
  const parsed = row ? linkageModelSchema.safeParse(row.value) : undefined;
  const model = parsed?.success ? parsed.data : undefined;
  modelCache.set(deps.db, { at: Date.now(), model });
  return model;
}

export async function liveProfileCount(deps: AppDeps): Promise<number> {
  const [row] = await deps.db
    .select({ n: count() })
    .from(profiles)
    .where(and(isNull(profiles.mergedInto), isNull(profiles.deletedAt)));
  return row?.n ?? 0;
}

/** Which records carry enough person fields to be worth matching, and their blocking keys. */
function personKeys(model: LinkageModel, records: PersonRecord[], minFields: number): Array<string[] | null> {
  const prepared = prepareRecords(model.settings, records);
  return records.map((_, i) => {
    const present = prepared.fields.filter(
      (field) => field.present && field.values[i] !== null && !CONTACT_FIELDS.has(field.key),
    );
    return present.length >= minFields ? recordBlockingKeys(prepared, model.settings.blockingRules, i) : null;
  });
}

/**
 * Trains the model on every live profile (EM, no labels), stores it, rebuilds the blocking-key
 * index, and merges or queues what it finds. A dry run reports and writes nothing.
 */
export async function runFullPass(
  deps: AppDeps,
  actor: AuditActor,
  options: { dryRun: boolean },
): Promise<PassReport> {
  const settings = await loadSettings(deps);
  const people = await loadPersonRecords(deps);
  if (people.records.length < 2) {
    throw new AppError(
      'conflict',
      `probabilistic matching needs at least 2 live profiles; there are ${people.records.length}`,
    );
  }
  const result = linkRecords(linkageSettings(settings), people.records);
  const report = await decide(deps, actor, result.pairs, people.ids, options.dryRun, 'full');
  report.records = people.records.length;
  report.candidatePairs = result.stats.candidatePairs;
  report.identifiable = result.model.training.identifiable;
  if (options.dryRun) return report;

  const now = deps.now();
  const keys = personKeys(result.model, people.records, settings.identity.probabilistic.minPersonFields);
  const keyRows = people.ids.flatMap((profileId, i) => (keys[i] ?? []).map((key) => ({ key, profileId })));
  await atomic(deps.db, [
    deps.db
      .insert(settingsTable)
      .values({ key: MODEL_KEY, value: result.model, updatedAt: now })
      .onConflictDoUpdate({ target: settingsTable.key, set: { value: result.model, updatedAt: now } }),
    deps.db.delete(profileMatchKeys),
    ...bulkInsert(profileMatchKeys, keyRows, deps.sqlParamLimit, 'on conflict do nothing'),
  ]);
  modelCache.delete(deps.db);
  return report;
}

/**
 * Matches new or changed profiles against the stored ones they share a blocking key with, using
 * the stored model: how a record without a shared identifier joins its profile as it arrives.
 */
export async function matchProfiles(deps: AppDeps, profileIds: string[]): Promise<PassReport | undefined> {
  const settings = await loadSettings(deps);
  if (!settings.identity.probabilistic.enabled || !settings.identity.probabilistic.incremental)
    return undefined;
  const model = await loadModel(deps);
  if (!model) return undefined;
  const fresh = await loadPersonRecords(deps, profileIds);
  const keys = personKeys(model, fresh.records, settings.identity.probabilistic.minPersonFields);
  const keyRows = fresh.ids.flatMap((profileId, i) => (keys[i] ?? []).map((key) => ({ key, profileId })));
  await atomic(deps.db, [
    ...chunked(fresh.ids, deps.sqlParamLimit).map((chunk) =>
      deps.db.delete(profileMatchKeys).where(inArray(profileMatchKeys.profileId, chunk)),
    ),
    ...bulkInsert(profileMatchKeys, keyRows, deps.sqlParamLimit, 'on conflict do nothing'),
  ]);
  const left = fresh.ids
    .map((id, i) => ({ id, record: fresh.records[i]!, keyed: keys[i] !== null }))
    .filter((row) => row.keyed);
  if (left.length === 0) return undefined;

  const own = new Set(fresh.ids);
  const candidateRows = await selectInChunks(
    [...new Set(keyRows.map((row) => row.key))],
    deps.sqlParamLimit,
    (chunk) =>
      deps.db
        .selectDistinct({ profileId: profileMatchKeys.profileId })
        .from(profileMatchKeys)
        .where(inArray(profileMatchKeys.key, chunk)),
  );
  const candidateIds = [...new Set(candidateRows.map((row) => row.profileId))].filter((id) => !own.has(id));
  if (candidateIds.length === 0) return undefined;
  const right = await loadPersonRecords(deps, candidateIds);
  const result = linkRecords(
    model.settings,
    left.map((row) => row.record),
    right.records,
    { model },
  );
  const ids = [...left.map((row) => row.id), ...right.ids];
  const report = await decide(deps, SYSTEM, result.pairs, ids, false, 'incremental');
  report.records = left.length;
  report.candidatePairs = result.stats.candidatePairs;
  report.identifiable = model.training.identifiable;
  return report;
}

/** Merges pairs above the upper threshold, queues those between, skips pairs kept apart. */
async function decide(
  deps: AppDeps,
  actor: AuditActor,
  pairs: LinkedPair[],
  ids: string[],
  dryRun: boolean,
  mode: PassReport['mode'],
): Promise<PassReport> {
  const report: PassReport = {
    mode,
    dryRun,
    records: 0,
    candidatePairs: 0,
    identifiable: true,
    merged: 0,
    queued: 0,
    skipped: 0,
    samples: [],
  };
  const involved = [...new Set(pairs.flatMap((pair) => [ids[pair.a]!, ids[pair.b]!]))];
  const blocked = new Set<string>();
  const blockRows = await selectInChunks(involved, Math.floor(deps.sqlParamLimit / 2), (chunk) =>
    deps.db
      .select()
      .from(mergeBlocks)
      .where(or(inArray(mergeBlocks.profileA, chunk), inArray(mergeBlocks.profileB, chunk))),
  );
  for (const row of blockRows) blocked.add(pairKey(row.profileA, row.profileB));
  const reviewed = await selectInChunks(involved, Math.floor(deps.sqlParamLimit / 2), (chunk) =>
    deps.db
      .select({ a: matchReviews.profileA, b: matchReviews.profileB })
      .from(matchReviews)
      .where(or(inArray(matchReviews.profileA, chunk), inArray(matchReviews.profileB, chunk))),
  );
  for (const row of reviewed) blocked.add(pairKey(row.a, row.b));

  for (const pair of pairs) {
    const a = ids[pair.a]!;
    const b = ids[pair.b]!;
    const evidence = {
      rule: 'probabilistic',
      probability: pair.probability,
      weight: pair.weight,
      fields: pair.evidence,
    };
    if (report.samples.length < 20)
      report.samples.push({
        a,
        b,
        decision: pair.decision,
        probability: pair.probability,
        evidence: pair.evidence,
      });
    if (blocked.has(pairKey(a, b))) {
      report.skipped++;
      continue;
    }
    if (dryRun) {
      if (pair.decision === 'merge') report.merged++;
      else report.queued++;
      continue;
    }
    if (pair.decision === 'merge') {
      try {
        await mergeProfiles(deps, actor, { a, b, method: 'probabilistic', evidence });
        report.merged++;
        continue;
      } catch (error) {
        // Already one profile (a cluster merged through another pair), or a limit forbids it.
        if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
        if (error.message.includes('already one profile')) continue;
      }
    }
    const [first, second] = pairKey(a, b).split('|') as [string, string];
    await deps.db
      .insert(matchReviews)
      .values({
        id: newId('rev'),
        profileA: first,
        profileB: second,
        probability: pair.probability,
        evidence,
        createdAt: deps.now(),
      })
      .onConflictDoNothing();
    report.queued++;
  }
  return report;
}

import type { Client } from '@hubspot/api-client';
import {
  type ConnectorContext,
  ConnectorError,
  type DestinationRecord,
  type EnsuredField,
  errorForStatus,
  type FieldSpec,
  isConnectorError,
  type RecordResult,
} from '../../src/connector-kit/index.js';
import { callHubspot, hubspotClient } from './client.js';
import { HUBSPOT_BATCH_SIZE, type HubspotConfig } from './config.js';
import {
  normalizeEmail,
  propertyDefinitionFor,
  propertyNameFor,
  type RecordProblem,
  recordProblem,
  toPropertyValues,
} from './mapper.js';

function failed(profileId: string, error: ConnectorError | RecordProblem): RecordResult {
  const json = isConnectorError(error)
    ? error.toJSON()
    : new ConnectorError('rejected', error.message, { field: error.field }).toJSON();
  return { profileId, status: 'failed', error: json };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Existing properties are reused by name (ours or HubSpot's own, such as `firstname`); missing ones
 * are created in our group, which is created first when absent.
 */
export async function ensureHubspotFields(
  ctx: ConnectorContext,
  config: HubspotConfig,
  fields: FieldSpec[],
): Promise<EnsuredField[]> {
  const client = hubspotClient(config);
  const existing = await callHubspot(ctx, 'list properties', () =>
    client.crm.properties.coreApi.getAll('contacts'),
  );
  const known = new Map(existing.results.map((p) => [p.name, p]));
  let groupReady = false;
  const ensured: EnsuredField[] = [];
  for (const field of fields) {
    const name = propertyNameFor(field.key);
    const definition = propertyDefinitionFor(field.type);
    const current = known.get(name);
    if (current) {
      if (current.type !== definition.type) {
        ctx.logger.warn('hubspot: property exists with another type; values will be sent as they are', {
          property: name,
          hubspotType: current.type,
          wanted: definition.type,
        });
      }
      ensured.push({ ...field, destinationKey: name, created: false });
      continue;
    }
    if (!groupReady) {
      await ensureGroup(ctx, client, config.propertyGroup);
      groupReady = true;
    }
    const created = await callHubspot(ctx, 'create property', () =>
      client.crm.properties.coreApi.create('contacts', {
        name,
        label: field.label,
        groupName: config.propertyGroup,
        ...definition,
      } as Parameters<typeof client.crm.properties.coreApi.create>[1]),
    );
    known.set(name, created);
    ensured.push({ ...field, destinationKey: name, created: true });
  }
  return ensured;
}

async function ensureGroup(ctx: ConnectorContext, client: Client, name: string): Promise<void> {
  const groups = await callHubspot(ctx, 'list property groups', () =>
    client.crm.properties.groupsApi.getAll('contacts'),
  );
  if (groups.results.some((g) => g.name === name)) return;
  await callHubspot(ctx, 'create property group', () =>
    client.crm.properties.groupsApi.create('contacts', { name, label: 'ESP Hub', displayOrder: -1 }),
  );
}

/**
 * Batch upsert by email, 100 per call. HubSpot rejects a whole batch for one bad value (an
 * invalid email, an unknown property), so a rejected call is split in halves until the culprits
 * stand alone and fail on their own. Anything else (auth, 429, 5xx) fails the call for the
 * engine to retry.
 */
export async function upsertHubspot(
  ctx: ConnectorContext,
  config: HubspotConfig,
  batch: DestinationRecord[],
): Promise<RecordResult[]> {
  const client = hubspotClient(config);
  const results = new Map<number, RecordResult>();
  const sendable: number[] = [];
  batch.forEach((record, i) => {
    const problem = recordProblem(record);
    if (problem) results.set(i, failed(record.profileId, problem));
    else sendable.push(i);
  });
  // One email twice in a call is refused by HubSpot; later duplicates go in a later call.
  for (const round of roundsOfUniqueEmails(batch, sendable)) {
    for (const chunk of chunks(round, HUBSPOT_BATCH_SIZE)) {
      await upsertChunk(ctx, client, batch, chunk, results);
    }
  }
  return batch.map((_, i) => results.get(i)!);
}

function roundsOfUniqueEmails(batch: DestinationRecord[], indexes: number[]): number[][] {
  const rounds: { emails: Set<string>; indexes: number[] }[] = [];
  for (const i of indexes) {
    const email = normalizeEmail(batch[i]!.email!);
    let round = rounds.find((r) => !r.emails.has(email));
    if (!round) {
      round = { emails: new Set(), indexes: [] };
      rounds.push(round);
    }
    round.emails.add(email);
    round.indexes.push(i);
  }
  return rounds.map((r) => r.indexes);
}

async function upsertChunk(
  ctx: ConnectorContext,
  client: Client,
  batch: DestinationRecord[],
  indexes: number[],
  results: Map<number, RecordResult>,
): Promise<void> {
  const inputs = indexes.map((i) => ({
    id: normalizeEmail(batch[i]!.email!),
    idProperty: 'email',
    properties: toPropertyValues(batch[i]!),
  }));
  let answer: Awaited<ReturnType<typeof client.crm.contacts.batchApi.upsert>>;
  try {
    answer = await callHubspot(ctx, 'batch upsert', () => client.crm.contacts.batchApi.upsert({ inputs }));
  } catch (error) {
    if (!isConnectorError(error) || error.code !== 'rejected') throw error;
    if (indexes.length === 1) {
      results.set(indexes[0]!, failed(batch[indexes[0]!]!.profileId, error));
      return;
    }
    const half = Math.ceil(indexes.length / 2);
    await upsertChunk(ctx, client, batch, indexes.slice(0, half), results);
    await upsertChunk(ctx, client, batch, indexes.slice(half), results);
    return;
  }
  const idByEmail = new Map<string, string>();
  for (const result of answer.results) {
    const email = result.properties.email;
    if (email) idByEmail.set(normalizeEmail(email), result.id);
  }
  const errors = 'errors' in answer && answer.errors ? answer.errors : [];
  for (const i of indexes) {
    const record = batch[i]!;
    const id = idByEmail.get(normalizeEmail(record.email!));
    if (id !== undefined) {
      results.set(i, { profileId: record.profileId, status: 'ok', destinationId: id });
      continue;
    }
    const message = errors[0]?.message ?? 'HubSpot did not return this contact in the upsert results';
    results.set(
      i,
      failed(record.profileId, new ConnectorError(errors.length ? 'rejected' : 'bad_response', message)),
    );
  }
}

/** HubSpot contact ids for the records' emails; records whose contact does not exist are absent. */
async function idsByEmail(
  ctx: ConnectorContext,
  client: Client,
  records: DestinationRecord[],
): Promise<Map<string, string>> {
  const emails = [...new Set(records.flatMap((r) => (r.email ? [normalizeEmail(r.email)] : [])))];
  const ids = new Map<string, string>();
  for (const chunk of chunks(emails, HUBSPOT_BATCH_SIZE)) {
    // A 207 lists the emails HubSpot does not know under `errors`; they are simply not found.
    const answer = await callHubspot(ctx, 'batch read by email', () =>
      client.crm.contacts.batchApi.read({
        idProperty: 'email',
        inputs: chunk.map((id) => ({ id })),
        properties: ['email'],
        propertiesWithHistory: [],
      }),
    );
    for (const result of answer.results) {
      const email = result.properties.email;
      if (email) ids.set(normalizeEmail(email), result.id);
    }
  }
  return ids;
}

const NO_EMAIL: RecordProblem = {
  message: 'the record has no email to find its HubSpot contact by',
  field: 'email',
};

/**
 * Static list membership through Lists v3. `list` is the HubSpot list id (ILS id); an unknown
 * list fails the whole call (a 404 from HubSpot), since no record could succeed. Adds of
 * people who are not HubSpot contacts are skipped (upsert them first); removes of people who are
 * not contacts, or not members, are already done. Results: adds in order, then removes.
 */
export async function setHubspotMembership(
  ctx: ConnectorContext,
  config: HubspotConfig,
  list: string,
  add: DestinationRecord[],
  remove: DestinationRecord[],
): Promise<RecordResult[]> {
  const client = hubspotClient(config);
  const ids = await idsByEmail(ctx, client, [...add, ...remove]);
  const idOf = (r: DestinationRecord) => (r.email ? ids.get(normalizeEmail(r.email)) : undefined);

  const addIds = [...new Set(add.flatMap((r) => idOf(r) ?? []))];
  const removeIds = [...new Set(remove.flatMap((r) => idOf(r) ?? []))];
  for (const chunk of chunks(addIds, HUBSPOT_BATCH_SIZE)) {
    await callHubspot(ctx, 'add list members', () => client.crm.lists.membershipsApi.add(list, chunk));
  }
  for (const chunk of chunks(removeIds, HUBSPOT_BATCH_SIZE)) {
    await callHubspot(ctx, 'remove list members', () => client.crm.lists.membershipsApi.remove(list, chunk));
  }

  const addResults = add.map((r): RecordResult => {
    if (!r.email) return failed(r.profileId, NO_EMAIL);
    const id = idOf(r);
    return id === undefined
      ? { profileId: r.profileId, status: 'skipped', reason: 'not a HubSpot contact yet' }
      : { profileId: r.profileId, status: 'ok', destinationId: id };
  });
  const removeResults = remove.map((r): RecordResult => {
    if (!r.email) return failed(r.profileId, NO_EMAIL);
    const id = idOf(r);
    return { profileId: r.profileId, status: 'ok', ...(id === undefined ? {} : { destinationId: id }) };
  });
  return [...addResults, ...removeResults];
}

/** Archives (soft-deletes, restorable for 90 days) the contacts with these emails. */
export async function removeHubspot(
  ctx: ConnectorContext,
  config: HubspotConfig,
  records: DestinationRecord[],
): Promise<RecordResult[]> {
  const client = hubspotClient(config);
  const ids = await idsByEmail(ctx, client, records);
  const toArchive = [...new Set(ids.values())];
  for (const chunk of chunks(toArchive, HUBSPOT_BATCH_SIZE)) {
    await callHubspot(ctx, 'batch archive', () =>
      client.crm.contacts.batchApi.archive({ inputs: chunk.map((id) => ({ id })) }),
    );
  }
  return records.map((r): RecordResult => {
    if (!r.email) return failed(r.profileId, NO_EMAIL);
    const id = ids.get(normalizeEmail(r.email));
    return { profileId: r.profileId, status: 'ok', ...(id === undefined ? {} : { destinationId: id }) };
  });
}

/**
 * GDPR erasure: permanently deletes the contact and blocks its email from being re-created.
 * Not wired to a capability (the kit has none for erasure yet); exported for the host's erase flow.
 * One call per contact: the endpoint takes a single id.
 */
export async function eraseHubspotContacts(
  ctx: ConnectorContext,
  config: HubspotConfig,
  records: DestinationRecord[],
): Promise<RecordResult[]> {
  const client = hubspotClient(config);
  const results: RecordResult[] = [];
  for (const record of records) {
    if (!record.email) {
      results.push(failed(record.profileId, NO_EMAIL));
      continue;
    }
    const email = normalizeEmail(record.email);
    try {
      // The SDK's contacts discovery does not expose the GDPR API; its generic request does.
      await callHubspot(ctx, 'GDPR delete', async () => {
        const response = await client.apiRequest({
          method: 'POST',
          path: '/crm/v3/objects/contacts/gdpr-delete',
          body: { objectId: email, idProperty: 'email' },
        });
        if (response.ok) return;
        const text = await response.text();
        throw errorForStatus(
          new Response(null, {
            status: response.status,
            headers: Object.fromEntries(response.headers.entries()),
          }),
          text,
          'HubSpot GDPR delete',
          ctx.now(),
        );
      });
      results.push({ profileId: record.profileId, status: 'ok' });
    } catch (error) {
      // Not found means there is nothing left to erase.
      if (isConnectorError(error) && error.status === 404) {
        results.push({ profileId: record.profileId, status: 'ok' });
      } else if (isConnectorError(error) && error.code === 'rejected') {
        results.push(failed(record.profileId, error));
      } else throw error;
    }
  }
  return results;
}

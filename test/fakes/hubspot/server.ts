import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { filterContacts, type SearchFilter, sortContacts } from './search.js';
import { type FakeContact, FakeHubspotStore } from './store.js';

/**
 * A behavioural fake of the HubSpot endpoints the connector uses, written from HubSpot's public
 * documentation (no spec may be redistributed): Bearer auth with HubSpot's error body, batch inputs
 * of at most 100, search pages of at most 200 and never past 10,000 results, 5 searches per
 * second, a rolling 10-second budget, 429 with Retry-After and X-HubSpot-RateLimit-* headers.
 */
export interface FakeHubspotOptions {
  token?: string;
  /** Searches per second before 429 (HubSpot: 5). */
  searchesPerSecond?: number;
  /** Requests per rolling 10 s before 429 (HubSpot: 100–190 by tier). */
  requestsPerTenSeconds?: number;
}

export interface FakeHubspot {
  url: string;
  store: FakeHubspotStore;
  /** Method and path of every request, in order (bodies of writes too). */
  requests: { method: string; path: string; body?: unknown; status: number }[];
  /** Starts over: fresh store, fresh request log and rate-limit windows. */
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_TOKEN = 'pat-na1-fake-token';
const SEARCH_CAP = 10_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

const errorBody = (category: string, message: string, extra: Record<string, unknown> = {}) => ({
  status: 'error',
  message,
  correlationId: randomUUID(),
  category,
  ...extra,
});
const invalid = (message: string) => new HttpError(400, errorBody('VALIDATION_ERROR', message));

export async function startFakeHubspot(options: FakeHubspotOptions = {}): Promise<FakeHubspot> {
  const token = options.token ?? FAKE_TOKEN;
  const searchesPerSecond = options.searchesPerSecond ?? 5;
  const budget = options.requestsPerTenSeconds ?? 190;
  const fake = {
    url: '',
    store: new FakeHubspotStore(),
    requests: [] as FakeHubspot['requests'],
    searchTimes: [] as number[],
    requestTimes: [] as number[],
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    let body: unknown;
    let status = 500;
    const headers: Record<string, string> = {};
    let payload: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
      if (req.headers.authorization !== `Bearer ${token}`) {
        throw new HttpError(
          401,
          errorBody(
            'INVALID_AUTHENTICATION',
            'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          ),
        );
      }
      const now = Date.now();
      fake.requestTimes = fake.requestTimes.filter((t) => now - t < 10_000);
      Object.assign(headers, {
        'x-hubspot-ratelimit-max': String(budget),
        'x-hubspot-ratelimit-remaining': String(Math.max(0, budget - fake.requestTimes.length - 1)),
        'x-hubspot-ratelimit-interval-milliseconds': '10000',
      });
      if (fake.requestTimes.length >= budget) {
        throw new HttpError(
          429,
          errorBody('RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', {
            errorType: 'RATE_LIMIT',
            policyName: 'TEN_SECONDLY_ROLLING',
          }),
          { 'retry-after': '10' },
        );
      }
      fake.requestTimes.push(now);
      [status, payload] = route(method, url, body);
    } catch (error) {
      if (error instanceof HttpError) {
        status = error.status;
        payload = error.body;
        Object.assign(headers, error.headers);
      } else {
        status = error instanceof SyntaxError ? 400 : 500;
        payload = errorBody('INTERNAL', error instanceof Error ? error.message : String(error));
      }
    }
    fake.requests.push({ method, path: url.pathname + url.search, body, status });
    res.writeHead(status, {
      ...headers,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    });
    res.end(payload === undefined ? undefined : JSON.stringify(payload));
  };

  const route = (method: string, url: URL, body: unknown): [number, unknown] => {
    const path = url.pathname;
    const store = fake.store;
    if (method === 'POST' && path === '/crm/v3/objects/contacts/search') return [200, search(body)];
    if (method === 'GET' && path === '/crm/v3/objects/contacts') return [200, listContacts(url)];
    if (method === 'POST' && path === '/crm/v3/objects/contacts/batch/upsert') return [200, upsert(body)];
    if (method === 'POST' && path === '/crm/v3/objects/contacts/batch/read') return batchRead(body);
    if (method === 'POST' && path === '/crm/v3/objects/contacts/batch/archive') {
      for (const { id } of batchInputs(body) as { id: string }[]) store.archive(String(id));
      return [204, undefined];
    }
    if (method === 'POST' && path === '/crm/v3/objects/contacts/gdpr-delete') {
      const { objectId, idProperty } = body as { objectId: string; idProperty?: string };
      const contact = idProperty === 'email' ? store.findByEmail(objectId) : store.contacts.get(objectId);
      if (!contact) throw new HttpError(404, errorBody('OBJECT_NOT_FOUND', 'resource not found'));
      store.remove(contact.id);
      return [204, undefined];
    }
    if (path === '/crm/v3/properties/contacts/groups') {
      if (method === 'GET') return [200, { results: [...store.groups.values()] }];
      if (method === 'POST') return [201, createGroup(body)];
    }
    if (path === '/crm/v3/properties/contacts') {
      if (method === 'GET') return [200, { results: [...store.properties.values()].map(propertyJson) }];
      if (method === 'POST') return [201, createProperty(body)];
    }
    const membership = /^\/crm\/v3\/lists\/([^/]+)\/memberships\/(add|remove)$/.exec(path);
    if (method === 'PUT' && membership) return [200, changeMembership(membership[1]!, membership[2]!, body)];
    throw new HttpError(404, errorBody('OBJECT_NOT_FOUND', `no route for ${method} ${path} in the fake`));
  };

  const search = (body: unknown) => {
    const now = Date.now();
    fake.searchTimes = fake.searchTimes.filter((t) => now - t < 1000);
    if (fake.searchTimes.length >= searchesPerSecond) {
      throw new HttpError(
        429,
        errorBody('RATE_LIMITS', 'You have reached your secondly limit.', {
          errorType: 'RATE_LIMIT',
          policyName: 'SECONDLY',
        }),
        { 'retry-after': '1' },
      );
    }
    fake.searchTimes.push(now);
    const request = (body ?? {}) as {
      filterGroups?: { filters: SearchFilter[] }[];
      sorts?: unknown[];
      properties?: string[];
      limit?: number;
      after?: string;
    };
    const limit = request.limit ?? 10;
    if (limit > 200) throw invalid(`limit must be at most 200, got ${limit}`);
    const offset = request.after === undefined ? 0 : Number(request.after);
    if (offset + limit > SEARCH_CAP) {
      throw invalid(`The search API cannot page past ${SEARCH_CAP} results (after=${request.after}).`);
    }
    const found = sortContacts(
      filterContacts(fake.store.contacts.values(), request.filterGroups ?? []),
      request.sorts ?? [],
    );
    const page = found.slice(offset, offset + limit);
    const next = offset + limit;
    return {
      total: found.length,
      results: page.map((c) => contactJson(c, request.properties)),
      ...(next < found.length && next < SEARCH_CAP ? { paging: { next: { after: String(next) } } } : {}),
    };
  };

  const listContacts = (url: URL) => {
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 10), 100);
    const archived = url.searchParams.get('archived') === 'true';
    const after = url.searchParams.get('after');
    const properties = url.searchParams.get('properties')?.split(',');
    const source = archived ? fake.store.archived : fake.store.contacts;
    const all = [...source.values()].sort((a, b) => Number(a.id) - Number(b.id));
    const from = after === null ? 0 : all.findIndex((c) => Number(c.id) > Number(after));
    const page = from < 0 ? [] : all.slice(from, from + limit);
    const last = page.at(-1);
    const more = last !== undefined && all.at(-1) !== last;
    return {
      results: page.map((c) => contactJson(c, properties)),
      ...(more ? { paging: { next: { after: last.id } } } : {}),
    };
  };

  const upsert = (body: unknown) => {
    const inputs = batchInputs(body) as {
      id: string;
      idProperty?: string;
      properties?: Record<string, string>;
    }[];
    const emails = inputs.map((input) => String(input.id).toLowerCase());
    if (new Set(emails).size !== emails.length) throw invalid('Duplicate IDs found in batch input.');
    for (const input of inputs) {
      if (input.idProperty !== 'email') throw invalid('idProperty must be a unique property such as email');
      validateValues({ ...input.properties, email: String(input.id) });
    }
    const startedAt = new Date().toISOString();
    const results = inputs.map((input) => {
      const existing = fake.store.findByEmail(String(input.id));
      const properties = { ...input.properties, email: String(input.id) };
      const contact = existing ?? fake.store.addContact(properties);
      if (existing) fake.store.write(existing, properties);
      return { ...contactJson(contact, Object.keys(properties)), new: existing === undefined };
    });
    return { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
  };

  const validateValues = (values: Record<string, string>) => {
    const problems: Record<string, string>[] = [];
    for (const [name, value] of Object.entries(values)) {
      const property = fake.store.properties.get(name);
      if (!property) {
        problems.push({
          isValid: 'false',
          message: `Property "${name}" does not exist`,
          error: 'PROPERTY_DOESNT_EXIST',
          name,
        });
      } else if (name === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
        problems.push({
          isValid: 'false',
          message: `Email address ${value} is invalid`,
          error: 'INVALID_EMAIL',
          name,
        });
      } else if (property.type === 'number' && value !== '' && !Number.isFinite(Number(value))) {
        problems.push({
          isValid: 'false',
          message: `${value} was not a valid number.`,
          error: 'INVALID_INTEGER',
          name,
        });
      } else if (property.type === 'bool' && value !== '' && value !== 'true' && value !== 'false') {
        problems.push({
          isValid: 'false',
          message: `${value} was not a valid boolean.`,
          error: 'INVALID_BOOLEAN',
          name,
        });
      }
    }
    if (problems.length > 0) throw invalid(`Property values were not valid: ${JSON.stringify(problems)}`);
  };

  const batchRead = (body: unknown): [number, unknown] => {
    const request = body as { idProperty?: string; inputs?: { id: string }[]; properties?: string[] };
    const inputs = batchInputs(body) as { id: string }[];
    const found: FakeContact[] = [];
    const missing: string[] = [];
    for (const { id } of inputs) {
      const contact =
        request.idProperty === 'email' ? fake.store.findByEmail(id) : fake.store.contacts.get(id);
      if (contact) found.push(contact);
      else missing.push(id);
    }
    const at = new Date().toISOString();
    const answer = {
      status: 'COMPLETE',
      results: found.map((c) => contactJson(c, request.properties)),
      startedAt: at,
      completedAt: at,
      ...(missing.length > 0
        ? {
            numErrors: 1,
            errors: [
              {
                status: 'error',
                category: 'OBJECT_NOT_FOUND',
                message:
                  'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
                context: { ids: missing },
              },
            ],
          }
        : {}),
    };
    return [missing.length > 0 ? 207 : 200, answer];
  };

  const createGroup = (body: unknown) => {
    const group = body as { name: string; label: string; displayOrder?: number };
    if (fake.store.groups.has(group.name)) {
      throw new HttpError(409, errorBody('CONFLICT', `A group named '${group.name}' already exists.`));
    }
    const created = { name: group.name, label: group.label, displayOrder: group.displayOrder ?? -1 };
    fake.store.groups.set(group.name, created);
    return created;
  };

  const VALID_FIELD_TYPES: Record<string, string[]> = {
    string: ['text', 'textarea', 'phonenumber'],
    number: ['number'],
    date: ['date'],
    datetime: ['date'],
    bool: ['booleancheckbox'],
    enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  };

  const createProperty = (body: unknown) => {
    const p = body as FakeProperty & { options?: { label: string; value: string }[] };
    if (!/^[a-z][a-z0-9_]*$/.test(p.name ?? '')) throw invalid(`Property name '${p.name}' is not valid.`);
    if (fake.store.properties.has(p.name)) {
      throw new HttpError(
        409,
        errorBody('OBJECT_ALREADY_EXISTS', `Property named '${p.name}' already exists.`),
      );
    }
    if (!fake.store.groups.has(p.groupName)) throw invalid(`Property group '${p.groupName}' does not exist.`);
    if (!VALID_FIELD_TYPES[p.type]?.includes(p.fieldType)) {
      throw invalid(`fieldType ${p.fieldType} is not valid for a property of type ${p.type}`);
    }
    if (p.type === 'bool' && (p.options ?? []).length !== 2)
      throw invalid('A bool property needs two options.');
    const property = {
      name: p.name,
      label: p.label,
      type: p.type,
      fieldType: p.fieldType,
      groupName: p.groupName,
      options: p.options ?? [],
    };
    fake.store.properties.set(p.name, property);
    return propertyJson(property);
  };

  const changeMembership = (listId: string, op: string, body: unknown) => {
    const members = fake.store.lists.get(listId);
    if (!members) throw new HttpError(404, errorBody('OBJECT_NOT_FOUND', `List ${listId} does not exist.`));
    if (!Array.isArray(body)) throw invalid('The body must be an array of record ids.');
    const ids = body.map(String);
    const missing = ids.filter((id) => !fake.store.contacts.has(id));
    const present = ids.filter((id) => fake.store.contacts.has(id));
    if (op === 'add') {
      const added = present.filter((id) => !members.has(id));
      for (const id of added) members.add(id);
      return { recordsIdsAdded: added, recordIdsMissing: missing };
    }
    const removed = present.filter((id) => members.delete(id));
    return { recordIdsRemoved: removed, recordIdsMissing: missing };
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    get url() {
      return fake.url;
    },
    get store() {
      return fake.store;
    },
    get requests() {
      return fake.requests;
    },
    reset() {
      fake.store = new FakeHubspotStore();
      fake.requests = [];
      fake.searchTimes = [];
      fake.requestTimes = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

type FakeProperty = { name: string; label: string; type: string; fieldType: string; groupName: string };

function batchInputs(body: unknown): unknown[] {
  const inputs = (body as { inputs?: unknown })?.inputs;
  if (!Array.isArray(inputs)) throw invalid('inputs is required.');
  if (inputs.length > 100) throw invalid(`Too many inputs: ${inputs.length}; a batch takes at most 100.`);
  return inputs;
}

function propertyJson(p: FakeProperty & { options?: unknown[] }) {
  return {
    ...p,
    description: '',
    options: p.options ?? [],
    hidden: false,
    formField: true,
    calculated: false,
  };
}

const DEFAULT_SEARCH_PROPERTIES = [
  'createdate',
  'email',
  'firstname',
  'hs_object_id',
  'lastmodifieddate',
  'lastname',
];

function contactJson(contact: FakeContact, properties: string[] | undefined) {
  const names = properties && properties.length > 0 ? properties : DEFAULT_SEARCH_PROPERTIES;
  const values: Record<string, string | null> = {};
  for (const name of new Set([...names, 'hs_object_id', 'createdate', 'lastmodifieddate'])) {
    values[name] = contact.properties[name] ?? null;
  }
  return {
    id: contact.id,
    properties: values,
    createdAt: new Date(contact.createdAt).toISOString(),
    updatedAt: new Date(contact.updatedAt).toISOString(),
    archived: contact.archivedAt !== undefined,
    ...(contact.archivedAt !== undefined ? { archivedAt: new Date(contact.archivedAt).toISOString() } : {}),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../../src/lib/random.js';

/**
 * A behavioural fake ESP speaking the part of Mailchimp's Marketing API the Mailchimp connector
 * uses to upsert: batch subscribe `POST /3.0/lists/{list_id}` (≤ 500 members, `update_existing`,
 * `status_if_new`, per-address errors in `errors`), plus `GET /3.0/ping` and `GET /3.0/lists/{id}`
 * for the connection check. Members are stateful (address → merge fields, status, how many times
 * a write touched it), so a test can compare the final state with what it expected and see
 * duplicates. Faults are injected per request, in this order: the request budget (429 when over
 * N per window), a scripted plan, then random 429 / 5xx / connection resets, 5xx bursts, delays.
 *
 * Mailchimp answers errors as RFC 7807 problem details (`type`, `title`, `status`, `detail`,
 * `instance`), which is what the connector's error mapping reads.
 */

/** What one request may be made to suffer. `reset_after_write` applies the write, then drops the socket. */
export type FaultKind = '429' | '500' | '503' | 'reset' | 'reset_after_write';

export interface FakeEspFaults {
  /** Fraction of write requests answered 429 with Retry-After. */
  rate429?: number;
  /** Fraction of write requests answered 503. */
  rate5xx?: number;
  /**
   * Fraction of write requests whose write is applied and whose connection is then dropped
   * without an answer: what a client timeout looks like from the vendor's side.
   */
  rateResetAfterWrite?: number;
  /** Every `every` write requests, the next `length` answer 500 (an outage, not noise). */
  burst5xx?: { every: number; length: number };
  /** Consumed one per write request before any random fault; `null` lets that request through. */
  plan?: Array<FaultKind | null>;
  /** Retry-After sent with every 429, in seconds (Mailchimp sends whole seconds; tests may scale down). */
  retryAfterSeconds?: number;
  /** Delay before answering any request (slow vendor). */
  delayMs?: number;
}

export interface FakeEspOptions extends FakeEspFaults {
  apiKey?: string;
  listId?: string;
  /** Request budget: more than `requests` in the trailing `windowMs` answer 429. */
  budget?: { requests: number; windowMs: number };
  /**
   * Mailchimp's documented cap on simultaneous connections per account (10): a request arriving
   * while this many are open is answered 429 at once.
   */
  maxConnections?: number;
  /** Addresses the ESP refuses per record (default: the reserved `.invalid` TLD, "looks fake"). */
  rejectEmail?: (email: string) => boolean;
  /** Seed of the fault dice, so a run's faults are reproducible. */
  seed?: number;
  /** Keeps the timestamp of every applied write request (for throughput measurements). */
  recordWriteTimes?: boolean;
}

export interface FakeMember {
  email: string;
  status: string;
  mergeFields: Record<string, string | number>;
  /** How many accepted write requests touched this member (1 = written once). */
  writes: number;
}

export interface FakeEspCounters {
  requests: number;
  /** Batch-subscribe requests whose members were applied. */
  writeRequests: number;
  /** Members applied across all write requests (a member written twice counts twice). */
  memberWrites: number;
  rateLimited: number;
  serverErrors: number;
  resets: number;
  rejectedRecords: number;
}

export interface FakeEsp {
  /** The API root to put in the connection's `baseUrl` (…/3.0). */
  baseUrl: string;
  apiKey: string;
  listId: string;
  counters: FakeEspCounters;
  /** Times (ms, performance.now) of applied write requests, when `recordWriteTimes` is on. */
  writeTimes: number[];
  member(email: string): FakeMember | undefined;
  members(): IterableIterator<FakeMember>;
  memberCount(): number;
  /** Members written by more than one accepted request. */
  duplicates(): number;
  /** Puts a member in the audience as if it had been there before (e.g. unsubscribed, cleaned). */
  seedMember(email: string, status: string, mergeFields?: Record<string, string | number>): void;
  /** Changes faults while running (e.g. slow the vendor down mid-run). */
  configure(faults: FakeEspFaults & { budget?: FakeEspOptions['budget'] }): void;
  /** Clears counters (not members), e.g. before a rerun whose writes must be counted alone. */
  resetCounters(): void;
  close(): Promise<void>;
}

export const FAKE_ESP_API_KEY = 'fake0000000000000000000000000000-us1';
const MAX_MEMBERS = 500;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

const zeroCounters = (): FakeEspCounters => ({
  requests: 0,
  writeRequests: 0,
  memberWrites: 0,
  rateLimited: 0,
  serverErrors: 0,
  resets: 0,
  rejectedRecords: 0,
});

export async function startFakeEsp(options: FakeEspOptions = {}): Promise<FakeEsp> {
  const apiKey = options.apiKey ?? FAKE_ESP_API_KEY;
  const listId = options.listId ?? 'list0001';
  const rejectEmail = options.rejectEmail ?? ((email: string) => email.endsWith('.invalid'));
  const random = seededRandom(options.seed ?? 1);
  const members = new Map<string, FakeMember>();
  let faults: FakeEspFaults = { ...options, plan: [...(options.plan ?? [])] };
  let budget = options.budget;
  let counters = zeroCounters();
  const sentAt: number[] = [];
  const writeTimes: number[] = [];
  let writeIndex = 0;

  /** The budget is spent by every request, as vendors count them, answered or not. */
  const overBudget = (): number | undefined => {
    if (!budget) return undefined;
    const now = performance.now();
    while (sentAt.length > 0 && sentAt[0]! <= now - budget.windowMs) sentAt.shift();
    if (sentAt.length < budget.requests) {
      sentAt.push(now);
      return undefined;
    }
    return sentAt[0]! + budget.windowMs - now;
  };

  const pickFault = (): FaultKind | null => {
    const index = writeIndex++;
    if (faults.plan && faults.plan.length > 0) return faults.plan.shift() ?? null;
    const burst = faults.burst5xx;
    if (burst && index % burst.every >= burst.every - burst.length) return '500';
    const roll = random();
    let edge = faults.rate429 ?? 0;
    if (roll < edge) return '429';
    edge += faults.rate5xx ?? 0;
    if (roll < edge) return '503';
    edge += faults.rateResetAfterWrite ?? 0;
    if (roll < edge) return 'reset_after_write';
    return null;
  };

  const tooMany = (retryAfterMs: number) => {
    counters.rateLimited++;
    // Whole seconds unless a test scaled time down; never 0 when a wait is needed.
    const seconds = faults.retryAfterSeconds ?? Math.max(1, Math.ceil(retryAfterMs / 1000));
    return new HttpError(
      429,
      'Too Many Requests',
      'You have exceeded the limit of requests for this account. Please wait and try again.',
      { 'retry-after': String(seconds) },
    );
  };

  const batchSubscribe = (body: unknown) => {
    const members_ = (body as { members?: unknown })?.members;
    if (!Array.isArray(members_)) throw new HttpError(400, 'Invalid Resource', 'members is required');
    if (members_.length > MAX_MEMBERS)
      throw new HttpError(400, 'Invalid Resource', `no more than ${MAX_MEMBERS} members per batch`);
    const updateExisting = (body as { update_existing?: unknown }).update_existing === true;
    const created: Array<{ id: string; email_address: string }> = [];
    const updated: Array<{ id: string; email_address: string }> = [];
    const errors: Array<Record<string, string>> = [];
    for (const raw of members_ as Array<Record<string, unknown>>) {
      const address = String(raw.email_address ?? '').trim();
      const key = address.toLowerCase();
      if (!address.includes('@') || rejectEmail(key)) {
        counters.rejectedRecords++;
        errors.push({
          email_address: address,
          error: `${address} looks fake or invalid, please enter a real email address.`,
          error_code: 'ERROR_GENERIC',
          field: 'email_address',
          field_message: '',
        });
        continue;
      }
      const fields = (raw.merge_fields ?? {}) as Record<string, string | number>;
      const existing = members.get(key);
      if (existing && !updateExisting) {
        errors.push({
          email_address: address,
          error: `${address} is already a list member, do you want to update? please provide update_existing:true in the request body`,
          error_code: 'ERROR_CONTACT_EXISTS',
        });
        continue;
      }
      counters.memberWrites++;
      if (existing) {
        // Merge fields not sent keep their values, as Mailchimp does. `status` is what
        // update_existing lets a batch change on an existing member ("whether this batch operation
        // will change existing members' subscription status"): sending it would resubscribe people
        // who unsubscribed or were cleaned. `status_if_new` never touches an existing member.
        Object.assign(existing.mergeFields, fields);
        if (typeof raw.status === 'string') existing.status = raw.status;
        existing.writes++;
        updated.push({ id: key, email_address: address });
      } else {
        members.set(key, {
          email: address,
          status: String(raw.status_if_new ?? raw.status ?? 'subscribed'),
          mergeFields: { ...fields },
          writes: 1,
        });
        created.push({ id: key, email_address: address });
      }
    }
    counters.writeRequests++;
    if (options.recordWriteTimes) writeTimes.push(performance.now());
    return {
      new_members: created,
      updated_members: updated,
      errors,
      total_created: created.length,
      total_updated: updated.length,
      error_count: errors.length,
    };
  };

  let open = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    counters.requests++;
    open++;
    res.on('close', () => {
      open--;
    });
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    let answerAt = 0;
    const reply = async (status: number, body: unknown, type?: string) => {
      const wait = answerAt - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      send(res, status, body, type);
    };
    try {
      if (options.maxConnections !== undefined && open > options.maxConnections) {
        counters.rateLimited++;
        throw new HttpError(
          429,
          'Too Many Requests',
          `You have exceeded the limit of ${options.maxConnections} simultaneous connections.`,
        );
      }
      // The vendor's service time runs from arrival: the request is handled at once (a write is
      // applied) and answered when it is up, so the fake's own work does not add to it.
      answerAt = performance.now() + (faults.delayMs ?? 0);
      if (!authorized(req.headers.authorization, apiKey)) {
        throw new HttpError(
          401,
          'API Key Invalid',
          'Your API key may be invalid, or you’ve attempted to access the wrong datacenter.',
        );
      }
      const waitMs = overBudget();
      if (waitMs !== undefined) throw tooMany(waitMs);
      const path = url.pathname.replace(/\/+$/, '');
      if (method === 'GET' && path === '/3.0/ping')
        return await reply(200, { health_status: "Everything's Chimpy!" });
      const list = /^\/3\.0\/lists\/([^/]+)$/.exec(path);
      if (!list) throw new HttpError(404, 'Resource Not Found', 'The requested resource could not be found.');
      if (decodeURIComponent(list[1]!) !== listId)
        throw new HttpError(404, 'Resource Not Found', 'The requested resource could not be found.');
      if (method === 'GET') return await reply(200, { id: listId, name: 'Fake audience' });
      if (method !== 'POST') throw new HttpError(405, 'Method Not Allowed', `${method} is not allowed here`);

      const fault = pickFault();
      if (fault === '429') throw tooMany(1000);
      if (fault === '500' || fault === '503') {
        counters.serverErrors++;
        throw new HttpError(
          Number(fault),
          'Internal Server Error',
          'An unexpected internal error has occurred.',
        );
      }
      if (fault === 'reset') {
        counters.resets++;
        req.socket.destroy();
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'JSON Parse Exception', 'We encountered an unspecified JSON parsing error.');
      }
      const answer = batchSubscribe(body);
      if (fault === 'reset_after_write') {
        counters.resets++;
        req.socket.destroy();
        return;
      }
      return await reply(200, answer);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      return await reply(
        error.status,
        {
          type: 'https://mailchimp.com/developer/marketing/docs/errors/',
          title: error.title,
          status: error.status,
          detail: error.message,
          instance: crypto.randomUUID(),
        },
        'application/problem+json',
      );
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  // Keep-alive sockets left open by fetch must not hold close() forever.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/3.0`,
    apiKey,
    listId,
    get counters() {
      return counters;
    },
    writeTimes,
    member: (email) => members.get(email.trim().toLowerCase()),
    members: () => members.values(),
    memberCount: () => members.size,
    duplicates: () => {
      let n = 0;
      for (const member of members.values()) if (member.writes > 1) n++;
      return n;
    },
    seedMember(email, status, mergeFields = {}) {
      members.set(email.trim().toLowerCase(), { email, status, mergeFields: { ...mergeFields }, writes: 0 });
    },
    configure(next) {
      const { budget: nextBudget, ...rest } = next;
      if (nextBudget !== undefined) budget = nextBudget;
      faults = { ...faults, ...rest, plan: [...(rest.plan ?? faults.plan ?? [])] };
    },
    resetCounters() {
      counters = zeroCounters();
      writeTimes.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function authorized(header: string | undefined, apiKey: string): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) === apiKey;
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

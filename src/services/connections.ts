import { and, asc, eq, gt } from 'drizzle-orm';
import { getConnector } from '../../connectors/registry.js';
import type { AppDeps } from '../app-deps.js';
import { isConnectorError } from '../connector-kit/errors.js';
import { joinSecrets, parseConfig, redactConfig, splitSecrets } from '../connector-kit/index.js';
import type { CheckResult, Connector } from '../connector-kit/types.js';
import { atomic } from '../db/atomic.js';
import { isUniqueViolation } from '../db/errors.js';
import { connections } from '../db/schema/index.js';
import { AppError, type FieldIssue } from '../http/errors.js';
import { newId } from '../lib/ids.js';
import { type AuditActor, auditInsert } from './audit.js';

export type ConnectionRow = typeof connections.$inferSelect;

/** The redacted view of a connection: secrets show as "[REDACTED]" when set. */
export function publicConnection(row: ConnectionRow, config: Record<string, unknown>) {
  const connector = getConnector(row.connectorId);
  return {
    id: row.id,
    connectorId: row.connectorId,
    name: row.name,
    config: connector ? redactConfig(connector, config) : {},
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastCheck: row.lastCheckAt
      ? { at: row.lastCheckAt.toISOString(), ok: row.lastCheckOk ?? false, error: row.lastCheckError ?? null }
      : null,
  };
}
export type PublicConnection = ReturnType<typeof publicConnection>;

function connectorOrFail(connectorId: string, runtime: AppDeps['runtime']): Connector {
  const connector = getConnector(connectorId);
  if (!connector) {
    throw new AppError('validation_failed', 'request validation failed', [
      { path: 'connectorId', message: `unknown connector '${connectorId}' (see GET /v1/admin/connectors)` },
    ] satisfies FieldIssue[]);
  }
  if (!connector.runtimes.includes(runtime)) {
    throw new AppError('validation_failed', 'request validation failed', [
      {
        path: 'connectorId',
        message: `connector '${connectorId}' does not run on ${runtime} (runs on: ${connector.runtimes.join(', ')})`,
      },
    ] satisfies FieldIssue[]);
  }
  return connector;
}

function validConfigOrFail(connector: Connector, input: unknown): Record<string, unknown> {
  const parsed = parseConfig(connector, input);
  if (!parsed.success) {
    const details = parsed.issues.map((issue) => ({
      path: issue.path ? `config.${issue.path}` : 'config',
      message: issue.message,
    }));
    throw new AppError(
      'validation_failed',
      `config does not match the '${connector.id}' connector's schema`,
      details,
    );
  }
  return parsed.data as Record<string, unknown>;
}

async function sealSecrets(deps: AppDeps, secrets: Record<string, unknown>): Promise<string | null> {
  return Object.keys(secrets).length ? deps.secrets.seal(JSON.stringify(secrets)) : null;
}

/** The full config of a stored connection, secrets opened. Never leaves the server. */
export async function openConnectionConfig(
  deps: AppDeps,
  row: ConnectionRow,
): Promise<Record<string, unknown>> {
  const secrets = row.secretsSealed
    ? (JSON.parse(await deps.secrets.open(row.secretsSealed)) as Record<string, unknown>)
    : {};
  return joinSecrets(row.configJson, secrets);
}

async function loadRow(deps: AppDeps, id: string): Promise<ConnectionRow> {
  const [row] = await deps.db.select().from(connections).where(eq(connections.id, id));
  if (!row) throw new AppError('not_found', `connection ${id} does not exist`);
  return row;
}

function nameTaken(name: string): AppError {
  return new AppError('conflict', `a connection named '${name}' already exists`, [
    { path: 'name', message: 'must be unique' },
  ]);
}

export async function createConnection(
  deps: AppDeps,
  actor: AuditActor,
  input: { connectorId: string; name: string; config: unknown },
): Promise<PublicConnection> {
  const connector = connectorOrFail(input.connectorId, deps.runtime);
  const config = validConfigOrFail(connector, input.config);
  const { publicConfig, secrets } = splitSecrets(connector, config);
  const now = deps.now();
  const row: ConnectionRow = {
    id: newId('conn'),
    connectorId: connector.id,
    name: input.name,
    configJson: publicConfig,
    secretsSealed: await sealSecrets(deps, secrets),
    createdAt: now,
    updatedAt: now,
    lastCheckAt: null,
    lastCheckOk: null,
    lastCheckError: null,
  };
  const view = publicConnection(row, config);
  try {
    await atomic(deps.db, [
      deps.db.insert(connections).values(row),
      auditInsert(
        deps.db,
        actor,
        { action: 'connection.create', entityType: 'connection', entityId: row.id, after: view },
        now,
      ),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
  return view;
}

export async function listConnections(
  deps: AppDeps,
  options: { limit: number; after?: string; connectorId?: string },
) {
  const rows = await deps.db
    .select()
    .from(connections)
    .where(
      and(
        options.connectorId ? eq(connections.connectorId, options.connectorId) : undefined,
        options.after ? gt(connections.id, options.after) : undefined,
      ),
    )
    .orderBy(asc(connections.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  const items = await Promise.all(
    page.map(async (row) => publicConnection(row, await openConnectionConfig(deps, row))),
  );
  return { items, nextCursor: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null };
}

export async function getConnection(deps: AppDeps, id: string): Promise<PublicConnection> {
  const row = await loadRow(deps, id);
  return publicConnection(row, await openConnectionConfig(deps, row));
}

/**
 * Applies a partial change. Config keys are merged over the stored config; a secret that is left
 * out, or sent back as "[REDACTED]" (a form round-trip), keeps its stored value.
 */
export async function updateConnection(
  deps: AppDeps,
  actor: AuditActor,
  id: string,
  patch: { name?: string; config?: Record<string, unknown> },
): Promise<PublicConnection> {
  const row = await loadRow(deps, id);
  const connector = connectorOrFail(row.connectorId, deps.runtime);
  const current = await openConnectionConfig(deps, row);
  const incoming = Object.fromEntries(
    Object.entries(patch.config ?? {}).filter(([, value]) => value !== '[REDACTED]'),
  );
  const config = validConfigOrFail(connector, { ...current, ...incoming });
  const { publicConfig, secrets } = splitSecrets(connector, config);
  const now = deps.now();
  const next: ConnectionRow = {
    ...row,
    name: patch.name ?? row.name,
    configJson: publicConfig,
    secretsSealed: await sealSecrets(deps, secrets),
    updatedAt: now,
  };
  const before = publicConnection(row, current);
  const after = publicConnection(next, config);
  try {
    await atomic(deps.db, [
      deps.db
        .update(connections)
        .set({
          name: next.name,
          configJson: next.configJson,
          secretsSealed: next.secretsSealed,
          updatedAt: now,
        })
        .where(eq(connections.id, id)),
      auditInsert(
        deps.db,
        actor,
        { action: 'connection.update', entityType: 'connection', entityId: id, before, after },
        now,
      ),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(next.name);
    throw error;
  }
  return after;
}

export async function deleteConnection(deps: AppDeps, actor: AuditActor, id: string): Promise<void> {
  const row = await loadRow(deps, id);
  const before = publicConnection(row, await openConnectionConfig(deps, row));
  const now = deps.now();
  await atomic(deps.db, [
    deps.db.delete(connections).where(eq(connections.id, id)),
    auditInsert(
      deps.db,
      actor,
      { action: 'connection.delete', entityType: 'connection', entityId: id, before },
      now,
    ),
  ]);
}

/** A stored connection with its connector and full (secret-bearing) config, for server-side use. */
export async function loadConnection(deps: AppDeps, id: string) {
  const row = await loadRow(deps, id);
  const connector = connectorOrFail(row.connectorId, deps.runtime);
  return { row, connector, config: await openConnectionConfig(deps, row) };
}

/** Calls the connector's `check` with the stored credentials and records the outcome. */
export async function checkConnection(deps: AppDeps, id: string, signal?: AbortSignal): Promise<CheckResult> {
  const { connector, config } = await loadConnection(deps, id);
  const result = await runCheck(deps, connector, config, signal);
  await deps.db
    .update(connections)
    .set({
      lastCheckAt: deps.now(),
      lastCheckOk: result.ok,
      lastCheckError: result.ok ? null : { ...result.error },
    })
    .where(eq(connections.id, id));
  return result;
}

async function runCheck(
  deps: AppDeps,
  connector: Connector,
  config: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<CheckResult> {
  if (!connector.check)
    return { ok: true, details: { note: `the '${connector.id}' connector has nothing to check` } };
  try {
    return await connector.check(deps.connectorContext(signal), config);
  } catch (error) {
    if (isConnectorError(error)) return { ok: false, error: error.toJSON() };
    deps.logger.error('connector check threw an unexpected error', {
      connectorId: connector.id,
      error: String(error),
    });
    return {
      ok: false,
      error: {
        code: 'upstream',
        message: 'the connector failed unexpectedly; see the server log',
        retryable: true,
      },
    };
  }
}

/** Ids of every connection, for the scheduled health check. */
export async function allConnectionIds(deps: AppDeps): Promise<string[]> {
  const rows = await deps.db.select({ id: connections.id }).from(connections).orderBy(asc(connections.id));
  return rows.map((row) => row.id);
}

import {
  type CheckResult,
  type ConnectorContext,
  ConnectorError,
  type DestinationRecord,
  type EnsuredField,
  type FieldSpec,
  type FileStore,
  isConnectorError,
  type RecordResult,
} from '../../src/connector-kit/index.js';
import type { FileConfig } from './config.js';
import { checkPath, LIST_NAME, mainPath, membershipPath, removalsPath } from './paths.js';
import {
  CSV_BASE_COLUMNS,
  csvLine,
  fieldsProblem,
  identityProblem,
  jsonLine,
  parseCsvHeaderLine,
  REMOVALS_COLUMNS,
  type RecordProblem,
} from './serialize.js';

function requireFiles(ctx: ConnectorContext): FileStore {
  if (!ctx.files) {
    throw new ConnectorError('invalid_config', 'the file destination needs a filesystem (Node entry)');
  }
  return ctx.files;
}

function failed(profileId: string, problem: RecordProblem): RecordResult {
  const error = new ConnectorError(
    'rejected',
    problem.message,
    problem.field ? { field: problem.field } : {},
  );
  return { profileId, status: 'failed', error: error.toJSON() };
}

/** The header of an existing CSV, or undefined when the file is missing or empty. */
async function readHeader(files: FileStore, path: string): Promise<string[] | undefined> {
  const line = files.readFirstLine
    ? await files.readFirstLine(path)
    : (await files.read(path))?.split(/\r?\n/, 1)[0];
  if (line === undefined || line === '') return undefined;
  return parseCsvHeaderLine(line);
}

export async function checkFile(ctx: ConnectorContext, config: FileConfig): Promise<CheckResult> {
  try {
    const files = requireFiles(ctx);
    await files.write(checkPath(config), `${ctx.now().toISOString()}\n`);
    const columns = config.format === 'csv' ? await readHeader(files, mainPath(config)) : undefined;
    return {
      ok: true,
      details: {
        location: files.describe(mainPath(config)),
        format: config.format,
        columns: columns ?? null,
      },
    };
  } catch (error) {
    if (isConnectorError(error)) return { ok: false, error: error.toJSON() };
    // A filesystem refusal (permissions, read-only mount) is an answer to "can we write here?".
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: new ConnectorError('invalid_config', `cannot write exports: ${message}`).toJSON(),
    };
  }
}

/**
 * JSONL: no schema, nothing to create. CSV: the columns are fixed when the file starts, so a
 * new file is started here with these fields (created=true); fields already in an existing header
 * are created=false; fields an existing header lacks cannot be added and fail the call, because
 * every later upsert carrying them would fail anyway.
 */
export async function ensureFileFields(
  ctx: ConnectorContext,
  config: FileConfig,
  fields: FieldSpec[],
): Promise<EnsuredField[]> {
  const files = requireFiles(ctx);
  if (config.format === 'jsonl') return fields.map((f) => ({ ...f, destinationKey: f.key, created: false }));
  for (const field of fields) {
    const problem = fieldsProblem({ profileId: 'ensureFields', fields: { [field.key]: null } }, 'csv');
    if (problem) throw new ConnectorError('rejected', problem.message, { field: field.key });
  }
  const path = mainPath(config);
  const header = await readHeader(files, path);
  if (header === undefined) {
    const keys = [...new Set(fields.map((f) => f.key))];
    await files.append(path, csvLine([...CSV_BASE_COLUMNS, ...keys]));
    return fields.map((f) => ({ ...f, destinationKey: f.key, created: true }));
  }
  const missing = fields.filter((f) => !header.includes(f.key)).map((f) => f.key);
  if (missing.length > 0) {
    throw new ConnectorError('invalid_config', fixedColumnsMessage(missing, files.describe(path)), {
      field: missing[0],
    });
  }
  return fields.map((f) => ({ ...f, destinationKey: f.key, created: false }));
}

function fixedColumnsMessage(keys: string[], location: string): string {
  const names = keys.map((k) => `"${k}"`).join(', ');
  return (
    `${names} ${keys.length === 1 ? 'is not a column' : 'are not columns'} of ${location}: a CSV export's columns ` +
    'are fixed when the file starts; move the file away or set another fileName to start one with the new columns'
  );
}

export async function upsertFile(
  ctx: ConnectorContext,
  config: FileConfig,
  batch: DestinationRecord[],
): Promise<RecordResult[]> {
  const files = requireFiles(ctx);
  const at = ctx.now().toISOString();
  const problems = batch.map((r) => identityProblem(r) ?? fieldsProblem(r, config.format));
  const path = mainPath(config);

  if (config.format === 'jsonl') {
    let text = '';
    batch.forEach((r, i) => {
      if (!problems[i]) {
        text += jsonLine({
          op: 'upsert',
          profileId: r.profileId,
          email: r.email ?? null,
          fields: r.fields,
          at,
        });
      }
    });
    if (text !== '') await files.append(path, text);
    return batch.map((r, i) =>
      problems[i] ? failed(r.profileId, problems[i]) : { profileId: r.profileId, status: 'ok' },
    );
  }

  let header = await readHeader(files, path);
  let text = '';
  if (header === undefined) {
    // First write starts the file: columns in first-seen order across the writable records.
    const keys = new Set<string>();
    batch.forEach((r, i) => {
      if (!problems[i]) for (const key of Object.keys(r.fields)) keys.add(key);
    });
    header = [...CSV_BASE_COLUMNS, ...keys];
    text += csvLine(header);
  }
  const columns = header;
  const location = files.describe(path);
  const results = batch.map((r, i): RecordResult => {
    const problem =
      problems[i] ??
      (() => {
        const unknown = Object.keys(r.fields).filter((key) => !columns.includes(key));
        return unknown.length > 0
          ? { message: fixedColumnsMessage(unknown, location), field: unknown[0] }
          : undefined;
      })();
    if (problem) return failed(r.profileId, problem);
    const row: Record<string, string | number | boolean | null | undefined> = {
      ...r.fields,
      profileId: r.profileId,
      email: r.email,
    };
    text += csvLine(columns.map((column) => row[column]));
    return { profileId: r.profileId, status: 'ok' };
  });
  if (text !== '') await files.append(path, text);
  return results;
}

export async function removeFromFile(
  ctx: ConnectorContext,
  config: FileConfig,
  records: DestinationRecord[],
): Promise<RecordResult[]> {
  const files = requireFiles(ctx);
  const at = ctx.now().toISOString();
  const problems = records.map(identityProblem);
  const csv = config.format === 'csv';
  const path = csv ? removalsPath(config) : mainPath(config);
  let text = csv && (await readHeader(files, path)) === undefined ? csvLine(REMOVALS_COLUMNS) : '';
  const headerOnly = text;
  records.forEach((r, i) => {
    if (problems[i]) return;
    text += csv
      ? csvLine([r.profileId, r.email, at])
      : jsonLine({ op: 'remove', profileId: r.profileId, email: r.email ?? null, at });
  });
  if (text !== headerOnly) await files.append(path, text);
  return records.map((r, i) =>
    problems[i] ? failed(r.profileId, problems[i]) : { profileId: r.profileId, status: 'ok' },
  );
}

/** Results come back as the adds in order, then the removes in order. */
export async function setFileMembership(
  ctx: ConnectorContext,
  config: FileConfig,
  list: string,
  add: DestinationRecord[],
  remove: DestinationRecord[],
): Promise<RecordResult[]> {
  const files = requireFiles(ctx);
  const entries = [
    ...add.map((record) => ({ op: 'add' as const, record })),
    ...remove.map((record) => ({ op: 'remove' as const, record })),
  ];
  if (!LIST_NAME.test(list)) {
    const problem = {
      message: `list "${list}" is not a usable file name part (${LIST_NAME})`,
      field: 'list',
    };
    return entries.map(({ record }) => failed(record.profileId, problem));
  }
  const at = ctx.now().toISOString();
  let text = '';
  const results = entries.map(({ op, record }): RecordResult => {
    const problem = identityProblem(record);
    if (problem) return failed(record.profileId, problem);
    text += jsonLine({ op, list, profileId: record.profileId, email: record.email ?? null, at });
    return { profileId: record.profileId, status: 'ok' };
  });
  if (text !== '') await files.append(membershipPath(config, list), text);
  return results;
}

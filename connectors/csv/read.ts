import {
  type CheckResult,
  type ConnectorContext,
  ConnectorError,
  isConnectorError,
  type SourceBatch,
  type SourceRecord,
} from '../../src/connector-kit/index.js';
import { openCsvText } from './client.js';
import type { CsvCheckpoint, CsvConfig } from './config.js';
import { type ColumnPlan, mapRow, planColumns } from './mapper.js';
import { CsvSyntaxError, readCsvTable } from './parse.js';

/** Per-row warnings past this many are counted, not logged, so a bad file cannot flood the log. */
const MAX_ROW_WARNINGS = 50;

/**
 * Batches of records with `{ row }` checkpoints. Resuming re-reads the file from the top (a CSV
 * cannot be seeked by row) but yields nothing at or before the checkpoint row. Rows that are
 * skipped (no identifier, wrong field count) still advance the checkpoint, so they are warned
 * about once, not on every resume.
 */
export async function* readCsv(
  ctx: ConnectorContext,
  config: CsvConfig,
  checkpoint: CsvCheckpoint | null,
): AsyncGenerator<SourceBatch<CsvCheckpoint>> {
  const resumeAfter = checkpoint?.row ?? 0;
  let plan: ColumnPlan | undefined;
  let batch: SourceRecord[] = [];
  let lastRow = resumeAfter;
  let checkpointed = resumeAfter;
  const counts = { records: 0, noIdentifier: 0, ragged: 0 };
  let warnings = 0;
  const warnRow = (message: string, fields: Record<string, unknown>) => {
    warnings++;
    if (warnings <= MAX_ROW_WARNINGS) ctx.logger.warn(message, { connector: 'csv', ...fields });
    else if (warnings === MAX_ROW_WARNINGS + 1) {
      ctx.logger.warn('more skipped rows; further ones are counted, not logged', { connector: 'csv' });
    }
  };

  try {
    for await (const entry of readCsvTable(openCsvText(ctx, config), { delimiter: config.delimiter })) {
      if (entry.type === 'header') {
        plan = usablePlan(entry.columns, config);
        continue;
      }
      if (entry.row <= resumeAfter) continue;
      lastRow = entry.row;
      if (entry.type === 'ragged') {
        counts.ragged++;
        warnRow('skipped a CSV row with the wrong number of fields', {
          row: entry.row,
          line: entry.line,
          expected: entry.expected,
          actual: entry.actual,
        });
        continue;
      }
      const record = mapRow(plan!, entry.fields, entry.row);
      if (record === null) {
        counts.noIdentifier++;
        warnRow('skipped a CSV row with no identifier', { row: entry.row, line: entry.line });
        continue;
      }
      batch.push(record);
      counts.records++;
      if (batch.length >= config.batchSize) {
        yield { records: batch, checkpoint: { row: lastRow } };
        checkpointed = lastRow;
        batch = [];
      }
    }
  } catch (error) {
    throw asConnectorError(error);
  }
  if (plan === undefined) throw noHeader();
  // A tail of skipped rows still moves the checkpoint, so a resume does not warn about them again.
  if (batch.length > 0 || lastRow > checkpointed) {
    yield { records: batch, checkpoint: { row: lastRow } };
  }
  ctx.logger.info('read CSV', { connector: 'csv', lastRow, resumedAfter: resumeAfter, ...counts });
}

/** Reads only the header (the rest of a download is cancelled) and says what it found. */
export async function checkCsv(ctx: ConnectorContext, config: CsvConfig): Promise<CheckResult> {
  try {
    for await (const entry of readCsvTable(openCsvText(ctx, config), { delimiter: config.delimiter })) {
      if (entry.type !== 'header') break;
      const plan = usablePlan(entry.columns, config);
      return {
        ok: true,
        details: {
          columns: entry.columns,
          identifierColumns: Object.fromEntries(
            Object.entries(plan.identifiers).map(([role, column]) => [role, column.header]),
          ),
          externalIdColumn: plan.externalId?.header ?? null,
          traitColumns: plan.traits.map((trait) => trait.key),
        },
      };
    }
    throw noHeader();
  } catch (error) {
    const connectorError = asConnectorError(error);
    if (isConnectorError(connectorError)) return { ok: false, error: connectorError.toJSON() };
    throw connectorError;
  }
}

function usablePlan(header: string[], config: CsvConfig): ColumnPlan {
  const { plan, problems } = planColumns(header, config.columns);
  if (problems.length === 0) return plan;
  const message = `${problems.map((p) => p.message).join('; ')} (header: ${header.join(config.delimiter)})`;
  // Columns the config names but the file lacks are the admin's to fix; a repeated header is the file's.
  if (problems.every((p) => p.kind === 'duplicate_trait')) {
    throw new ConnectorError('bad_response', message);
  }
  throw new ConnectorError('invalid_config', message, { field: 'columns' });
}

function noHeader(): ConnectorError {
  return new ConnectorError('invalid_config', 'the CSV is empty: it has no header row', { field: 'columns' });
}

function asConnectorError(error: unknown): unknown {
  if (error instanceof CsvSyntaxError) {
    return new ConnectorError('bad_response', `the CSV is malformed at ${error.message}`, { cause: error });
  }
  if (error instanceof RangeError && /delimiter/.test(error.message)) {
    return new ConnectorError('invalid_config', error.message, { field: 'delimiter', cause: error });
  }
  return error;
}

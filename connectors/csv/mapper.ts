import type { SourceRecord } from '../../src/connector-kit/index.js';
import type { CsvColumns } from './config.js';

type IdentifierRole = 'email' | 'phone' | 'userId';
const IDENTIFIER_ROLES: readonly IdentifierRole[] = ['email', 'phone', 'userId'];

/** Where each value sits in a row, worked out once from the header. */
export interface ColumnPlan {
  identifiers: Partial<Record<IdentifierRole, { index: number; header: string }>>;
  externalId?: { index: number; header: string };
  traits: { index: number; key: string }[];
}

export interface PlanResult {
  plan: ColumnPlan;
  /** Problems that make the file unusable with this config, as messages for the admin. */
  problems: { kind: 'no_identifier' | 'missing_external_id' | 'duplicate_trait'; message: string }[];
}

/**
 * Identifier columns match case-insensitively and ignoring surrounding spaces, since spreadsheet
 * exports vary ("Email", " email "). Traits are keyed by the trimmed header as written; columns
 * with an empty header (a trailing delimiter) carry no name to key by and are ignored.
 */
export function planColumns(header: readonly string[], columns: CsvColumns): PlanResult {
  const normalized = header.map((name) => name.trim());
  const indexOf = (name: string) =>
    normalized.findIndex((h) => h.toLowerCase() === name.trim().toLowerCase());
  const plan: ColumnPlan = { identifiers: {}, traits: [] };
  const problems: PlanResult['problems'] = [];
  const used = new Set<number>();

  for (const role of IDENTIFIER_ROLES) {
    const index = indexOf(columns[role]);
    if (index >= 0) {
      plan.identifiers[role] = { index, header: normalized[index]! };
      used.add(index);
    }
  }
  if (columns.externalId !== undefined) {
    const index = indexOf(columns.externalId);
    if (index >= 0) {
      plan.externalId = { index, header: normalized[index]! };
      used.add(index);
    } else {
      problems.push({
        kind: 'missing_external_id',
        message: `the externalId column "${columns.externalId}" is not in the header`,
      });
    }
  }
  if (Object.keys(plan.identifiers).length === 0) {
    const expected = IDENTIFIER_ROLES.map((role) => `"${columns[role]}"`).join(', ');
    problems.push({ kind: 'no_identifier', message: `no identifier column: expected one of ${expected}` });
  }

  // A second "Email" column would otherwise become a trait and silently lose to the first.
  const identifierNames = new Set([...used].map((index) => normalized[index]!.toLowerCase()));
  const traitKeys = new Set<string>();
  normalized.forEach((key, index) => {
    if (used.has(index) || key === '') return;
    if (traitKeys.has(key) || identifierNames.has(key.toLowerCase())) {
      problems.push({ kind: 'duplicate_trait', message: `the header repeats column "${key}"` });
      return;
    }
    traitKeys.add(key);
    plan.traits.push({ index, key });
  });
  return { plan, problems };
}

/**
 * One data row as a SourceRecord, or null when the row has no identifier to match a profile on.
 * Pure. CSV has no types, so traits stay strings; empty cells are absent rather than "".
 */
export function mapRow(plan: ColumnPlan, fields: readonly string[], row: number): SourceRecord | null {
  const identifiers: SourceRecord['identifiers'] = {};
  for (const role of IDENTIFIER_ROLES) {
    const column = plan.identifiers[role];
    const value = column ? fields[column.index]?.trim() : undefined;
    if (value) identifiers[role] = value;
  }
  if (Object.keys(identifiers).length === 0) return null;

  const traits: Record<string, unknown> = {};
  for (const { index, key } of plan.traits) {
    const value = fields[index];
    if (value !== undefined && value !== '') traits[key] = value;
  }
  const ownId = plan.externalId ? fields[plan.externalId.index]?.trim() : undefined;
  // "row:" keeps row-based ids apart from real ids that happen to be numbers.
  return { externalId: ownId || `row:${row}`, identifiers, traits };
}

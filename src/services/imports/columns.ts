import { AppError, type FieldIssue } from '../../http/errors.js';
import type { IdentifierInput } from '../../identity/normalize.js';

/**
 * Known columns match by their letters and digits, case-insensitively, since spreadsheet headers
 * vary: "E-mail", "User ID", "user_id" and "USERID" are one column. Unknown columns keep their
 * header as written (trimmed) as the trait or property name.
 */
export const headerKey = (name: string): string => name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** The header of one file, handing out columns to the roles that claim them. */
export class Header {
  private readonly claimed = new Map<number, string>();
  readonly issues: FieldIssue[] = [];

  constructor(readonly columns: readonly string[]) {
    const seen = new Map<string, number>();
    columns.forEach((name, index) => {
      const trimmed = name.trim();
      if (trimmed === '') return;
      const earlier = seen.get(trimmed);
      // Two columns with one name would silently overwrite each other's values.
      if (earlier !== undefined) this.fail('header', `the header repeats column '${trimmed}'`);
      seen.set(trimmed, index);
    });
  }

  fail(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  /** The header as written, for messages. */
  name(index: number): string {
    return this.columns[index]?.trim() || `column ${index + 1}`;
  }

  /**
   * Claims the first column whose name matches one of `names` (in order of preference) for
   * `role`. Two columns matching the same name ("Email" and "e-mail") are ambiguous: an error.
   */
  claim(
    role: string,
    names: readonly string[],
    explicit?: { path: string; name: string },
  ): number | undefined {
    const wanted = explicit ? [explicit.name] : names;
    for (const name of wanted) {
      const key = headerKey(name);
      const matches = this.columns.flatMap((column, index) =>
        headerKey(column) === key && key !== '' ? [index] : [],
      );
      const free = matches.filter((index) => !this.claimed.has(index));
      if (free.length > 1) {
        this.fail(
          explicit?.path ?? 'header',
          `columns ${free.map((index) => `'${this.name(index)}'`).join(' and ')} both look like ${role}: rename one`,
        );
        return undefined;
      }
      if (free[0] !== undefined) {
        this.claimed.set(free[0], role);
        return free[0];
      }
    }
    const taken = explicit
      ? this.columns.findIndex((column) => headerKey(column) === headerKey(explicit.name))
      : -1;
    if (explicit && taken >= 0) {
      this.fail(explicit.path, `column '${explicit.name}' is already read as ${this.claimed.get(taken)}`);
    } else if (explicit) {
      this.fail(
        explicit.path,
        `column '${explicit.name}' is not in the header (${this.columns.map((c) => `'${c.trim()}'`).join(', ')})`,
      );
    }
    return undefined;
  }

  /** Every column no role claimed, keyed by its header as written; a blank header gets `column_<n>`. */
  unclaimed(): Array<{ index: number; key: string }> {
    return this.columns.flatMap((column, index) =>
      this.claimed.has(index) ? [] : [{ index, key: column.trim() || `column_${index + 1}` }],
    );
  }

  /** Throws the collected header problems as one request error, before any row is read. */
  assertUsable(): void {
    if (this.issues.length > 0) {
      throw new AppError(
        'validation_failed',
        `the CSV header does not fit this import: ${this.issues.map((issue) => issue.message).join('; ')}`,
        this.issues,
      );
    }
  }
}

/** Column name overrides from the query string. */
export interface IdentifierOptions {
  emailColumn?: string | undefined;
  phoneColumn?: string | undefined;
  userIdColumn?: string | undefined;
  externalIdColumn?: string | undefined;
  /** Namespace of the external id (`external:<source>`); defaults to the import's source. */
  externalSource?: string | undefined;
  source: string;
}

export interface IdentifierColumns {
  email?: number;
  phone?: number;
  userId?: number;
  external?: { index: number; source: string };
}

export const IDENTIFIER_ROLES = ['email', 'phone', 'userId'] as const;
export type IdentifierRole = (typeof IDENTIFIER_ROLES)[number];

const DEFAULT_NAMES: Record<IdentifierRole, string[]> = {
  email: ['email', 'email_address'],
  phone: ['phone', 'phone_number', 'mobile'],
  userId: ['user_id'],
};
const OPTION: Record<IdentifierRole, { key: keyof IdentifierOptions; path: string }> = {
  email: { key: 'emailColumn', path: 'query.email_column' },
  phone: { key: 'phoneColumn', path: 'query.phone_column' },
  userId: { key: 'userIdColumn', path: 'query.user_id_column' },
};

export function claimIdentifiers(header: Header, options: IdentifierOptions): IdentifierColumns {
  const columns: IdentifierColumns = {};
  for (const role of IDENTIFIER_ROLES) {
    const override = options[OPTION[role].key];
    const index = header.claim(
      role,
      DEFAULT_NAMES[role],
      override ? { path: OPTION[role].path, name: override } : undefined,
    );
    if (index !== undefined) columns[role] = index;
  }
  if (options.externalIdColumn) {
    const index = header.claim('external id', [], {
      path: 'query.external_id_column',
      name: options.externalIdColumn,
    });
    if (index !== undefined) columns.external = { index, source: options.externalSource ?? options.source };
  }
  if (Object.keys(columns).length === 0 && header.issues.length === 0) {
    header.fail(
      'header',
      'no identifier column: name one email, phone or user_id, or point to yours with email_column, ' +
        'phone_column, user_id_column or external_id_column',
    );
  }
  return columns;
}

/** "no identifier: email and phone are empty", naming the identifier columns the file has. */
export function noIdentifier(header: Header, columns: IdentifierColumns, where = ''): string {
  const names = [columns.email, columns.phone, columns.userId, columns.external?.index]
    .filter((index): index is number => index !== undefined)
    .map((index) => header.name(index));
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
  return `no identifier: ${list} ${names.length > 1 ? 'are' : 'is'} empty${where}`;
}

/** The non-empty identifier cells of a row, trimmed. */
export function identifierCells(
  columns: IdentifierColumns,
  fields: readonly string[],
): Partial<Record<IdentifierRole | 'external', string>> {
  const out: Partial<Record<IdentifierRole | 'external', string>> = {};
  for (const role of IDENTIFIER_ROLES) {
    const index = columns[role];
    const value = index === undefined ? '' : (fields[index]?.trim() ?? '');
    if (value !== '') out[role] = value;
  }
  const external = columns.external ? (fields[columns.external.index]?.trim() ?? '') : '';
  if (external !== '') out.external = external;
  return out;
}

export function toIdentifierInput(
  columns: IdentifierColumns,
  cells: Partial<Record<IdentifierRole | 'external', string>>,
): IdentifierInput {
  return {
    ...(cells.email ? { email: cells.email } : {}),
    ...(cells.phone ? { phone: cells.phone } : {}),
    ...(cells.userId ? { userId: cells.userId } : {}),
    ...(cells.external && columns.external
      ? { externalIds: { [columns.external.source]: cells.external } }
      : {}),
  };
}

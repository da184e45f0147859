/**
 * The file behind an import job's `errors_url`. SendGrid documents it only as "the email addresses
 * and error reasons"; in practice it is a CSV of the failed rows with an error column. The parse
 * is lenient on purpose: any header containing an email column and an error-ish column works, and
 * a JSON array of objects is accepted too. Anything else gives `undefined` (outcome unknown).
 */
export type ErrorsByEmail = Map<string, string>;

const ERROR_COLUMNS = ['error', 'errors', 'error_message', 'error message', 'reason', 'message'];

export function parseErrorsFile(text: string): ErrorsByEmail | undefined {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return new Map();
  if (trimmed.startsWith('[')) return fromJson(trimmed);
  const rows = parseCsv(trimmed);
  const header = rows[0]?.map((cell) => cell.trim().toLowerCase());
  if (!header) return undefined;
  const emailAt = header.indexOf('email');
  const errorAt = header.findIndex((cell) => ERROR_COLUMNS.includes(cell));
  if (emailAt === -1 || errorAt === -1) return undefined;
  const errors: ErrorsByEmail = new Map();
  for (const row of rows.slice(1)) {
    const email = row[emailAt]?.trim().toLowerCase();
    if (email) errors.set(email, row[errorAt]?.trim() || 'rejected by SendGrid');
  }
  return errors;
}

function fromJson(text: string): ErrorsByEmail | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const errors: ErrorsByEmail = new Map();
  for (const item of parsed) {
    if (typeof item !== 'object' || item === null) return undefined;
    const row = item as Record<string, unknown>;
    if (typeof row.email !== 'string') return undefined;
    const reason = ERROR_COLUMNS.map((key) => row[key]).find((v) => typeof v === 'string');
    errors.set(row.email.trim().toLowerCase(), (reason as string | undefined) ?? 'rejected by SendGrid');
  }
  return errors;
}

/** RFC 4180: quoted cells, doubled quotes, line breaks inside quotes; CRLF or LF rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

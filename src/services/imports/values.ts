/**
 * Cell parsers. CSV has no types, so each one says exactly what it accepts; a refusal is a value
 * whose message is shown to the user after the column name.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });
const quote = (raw: string) => `'${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw}'`;

// Digits with an optional '.' decimal part: no thousands separators or decimal commas, whose
// meaning depends on the locale the file came from.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function parseDecimal(raw: string, options: { min?: number } = {}): Parsed<number> {
  const text = raw.trim();
  if (!DECIMAL.test(text))
    return fail(`${quote(raw)} is not a number (write digits with a '.' decimal point, e.g. 1234.50)`);
  const value = Number(text);
  if (options.min !== undefined && value < options.min) return fail(`must be ≥ ${options.min} (got ${text})`);
  return ok(value);
}

export function parseQuantity(raw: string): Parsed<number> {
  const text = raw.trim();
  if (!/^\+?\d+(\.0*)?$/.test(text) || Number(text) < 1)
    return fail(`${quote(raw)} is not a whole number ≥ 1`);
  return ok(Number(text));
}

const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n']);

export function parseBoolean(raw: string): Parsed<boolean> {
  const text = raw.trim().toLowerCase();
  if (TRUE.has(text)) return ok(true);
  if (FALSE.has(text)) return ok(false);
  return fail(`${quote(raw)} is not a boolean (true/false, 1/0, yes/no)`);
}

/** ISO 4217 shape; lower case is accepted from files and upper-cased. */
export function parseCurrency(raw: string): Parsed<string> {
  const text = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(text))
    return fail(`${quote(raw)} is not an ISO 4217 currency code (3 letters, e.g. USD)`);
  return ok(text);
}

export function parseOneOf<const T extends string>(raw: string, allowed: readonly T[]): Parsed<T> {
  const text = raw.trim().toLowerCase();
  const match = allowed.find((value) => value === text);
  return match ? ok(match) : fail(`${quote(raw)} is not one of ${allowed.join(', ')}`);
}

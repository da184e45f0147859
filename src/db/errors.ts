/** True when a write failed on a unique index (libSQL and D1 word it the same way). */
export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    const message = current instanceof Error ? current.message : String(current);
    if (/UNIQUE constraint failed/i.test(message)) return true;
    if (!(current instanceof Error)) break;
  }
  return false;
}

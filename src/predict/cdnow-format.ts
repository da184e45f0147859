import type { Transaction } from './summary.js';

/**
 * The CDNOW transaction file (Fader & Hardie's sample, as shipped with lifetimes): one purchase a
 * line, whitespace separated `master_id sample_id yyyymmdd quantity amount`, e.g.
 * ` 00004 0001 19970101  2   29.33`. The customer id is the sample id without its leading zeros,
 * which is the `ID` the published CDNOW summaries are keyed by.
 */
export function parseCdnowTransactions(text: string): Transaction[] {
  const transactions: Transaction[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const fields = line.split(/\s+/);
    const [, sampleId, yyyymmdd, , amountText] = fields;
    const date = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd ?? '');
    const amount = Number(amountText);
    if (fields.length !== 5 || !sampleId || !date || !Number.isFinite(amount)) {
      throw new SyntaxError(
        `CDNOW line ${index + 1}: expected "master_id sample_id yyyymmdd quantity amount", got "${line}"`,
      );
    }
    const [, year, month, day] = date.map(Number) as [number, number, number, number];
    const when = new Date(Date.UTC(year, month - 1, day));
    if (when.getUTCMonth() !== month - 1 || when.getUTCDate() !== day) {
      throw new SyntaxError(`CDNOW line ${index + 1}: ${yyyymmdd} is not a calendar date`);
    }
    transactions.push({ customerId: sampleId.replace(/^0+(?=.)/, ''), date: when, amount });
  });
  return transactions;
}

import { expect, it } from 'vitest';
import { type RfmOrder, scoreRfm, summarizeOrders } from '../../../../src/segments/rfm/index.js';
import { describeWithSharedData, sharedDataPath } from '../../../helpers/shared-data.js';
import { readCsvFile } from './csv-file.js';

/**
 * The published RFM table of joaolcorreia/RFM-analysis, recomputed from its 5,009 orders:
 * analysis date 2014-12-31, quartiles at the 25/50/75th percentiles with linear interpolation,
 * 1 best. Every one of the 793 rows must match, scores and raw values alike.
 */

/** `m/d/yy` as written in sample-orders.csv (all years 20yy), at UTC midnight. */
function parseOrderDate(text: string): Date {
  const [month, day, year] = text.split('/').map(Number);
  if (month === undefined || day === undefined || year === undefined) throw new Error(`bad date ${text}`);
  return new Date(Date.UTC(2000 + year, month - 1, day));
}

describeWithSharedData('data/rfm/rfm-table.csv', 'RFM conformance with the published quartile table', () => {
  it('reproduces all 793 rows: recency, frequency, monetary, R, F, M and RFMClass', () => {
    const orders: RfmOrder[] = readCsvFile(sharedDataPath('data', 'rfm', 'sample-orders.csv'), 'utf8').map(
      (row) => ({
        customerId: row.customer!,
        orderedAt: parseOrderDate(row.order_date!),
        total: Number(row.grand_total),
      }),
    );
    // 5,009 distinct order ids (the data README says 5,008; the file has one more line than that).
    expect(orders).toHaveLength(5009);
    const analysisDate = new Date('2014-12-31T00:00:00Z');
    const result = scoreRfm(summarizeOrders(orders, analysisDate), {
      analysisDate,
      bins: 4,
      orientation: 'one-is-best',
    });
    const ours = new Map(result.scored.map((s) => [s.customerId, s]));

    const published = readCsvFile(sharedDataPath('data', 'rfm', 'rfm-table.csv'), 'latin1');
    expect(published).toHaveLength(793);
    expect(ours.size).toBe(793);
    const mismatches: string[] = [];
    for (const row of published) {
      const s = ours.get(row.customer!);
      const got = s && [s.recencyDays, s.frequency, s.monetary, s.r, s.f, s.m, s.rfmClass].join(',');
      const want = [
        row.recency,
        row.frequency,
        row.monetary_value,
        row.R_Quartile,
        row.F_Quartile,
        row.M_Quartile,
        row.RFMClass,
      ].join(',');
      if (got !== want) mismatches.push(`${row.customer}: want ${want}, got ${got}`);
    }
    expect(mismatches).toEqual([]);
    // The table is sensitive to the tie rule: customers sit exactly on breaks, and the reference
    // puts them in the bin below (value ≤ break). Were there none, `<` would pass too.
    const breaks = result.breaks!;
    const onABreak = result.scored.filter(
      (s) =>
        breaks.recency.includes(s.recencyDays) ||
        breaks.frequency.includes(s.frequency) ||
        breaks.monetary.includes(s.monetary),
    );
    expect(onABreak.length).toBeGreaterThan(0);
    // Quartile tables carry no named groups: the segment map is defined on quintiles.
    expect(result.scored.every((s) => s.group === null)).toBe(true);
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { evaluateIdentity, parseCsvRecords, truthKey } from '../../../../src/cli/eval-identity.js';
import { describeWithSharedData, sharedDataPath } from '../../../helpers/shared-data.js';

const TRUTH = /rec-(\d+)/;

/**
 * FEBRL dataset1 (500 originals, one duplicate each) with the default settings, no labels in
 * training: the accuracy bar of the issue, on the small file so the unit suite stays fast
 * (dataset2 and dataset3 are in test/bench/identity-linkage.ts).
 */
describeWithSharedData('data/febrl', 'probabilistic linkage on FEBRL dataset1', () => {
  const path = sharedDataPath('data', 'febrl', 'dataset1.csv');
  // Read in beforeAll: a skipped suite's body still runs to collect its tests.
  let records: Record<string, string>[] = [];
  beforeAll(() => {
    records = parseCsvRecords(readFileSync(path, 'utf8'));
  });

  it('reads FEBRL headers with their padding trimmed', () => {
    expect(records).toHaveLength(1000);
    expect(Object.keys(records[0]!)).toEqual([
      'rec_id',
      'given_name',
      'surname',
      'street_number',
      'address_1',
      'address_2',
      'suburb',
      'postcode',
      'state',
      'date_of_birth',
      'soc_sec_id',
    ]);
    expect(truthKey(records[0]!.rec_id!, TRUTH)).toMatch(/^\d+$/);
  });

  it('deduplicates with pairwise precision and recall ≥ 0.99', () => {
    const evaluation = evaluateIdentity({ left: records, idColumn: 'rec_id', truthRegex: TRUTH });
    expect(evaluation.pairsCompleteness).toBeGreaterThanOrEqual(0.99);
    expect(evaluation.metrics.truePairs).toBe(500);
    expect(evaluation.metrics.precision).toBeGreaterThanOrEqual(0.99);
    expect(evaluation.metrics.recall).toBeGreaterThanOrEqual(0.99);
    // Every merge carries its evidence.
    const merge = evaluation.result.pairs.find((pair) => pair.decision === 'merge')!;
    expect(merge.evidence.find((item) => item.field === 'national_id')).toBeDefined();
  });

  it('links originals × duplicates with the same settings', () => {
    const left = records.filter((record) => record.rec_id!.endsWith('-org'));
    const right = records.filter((record) => !record.rec_id!.endsWith('-org'));
    const evaluation = evaluateIdentity({
      left,
      right,
      idColumn: 'rec_id',
      truthRegex: TRUTH,
      pairs: 'direct',
    });
    expect(evaluation.metrics.precision).toBeGreaterThanOrEqual(0.99);
    expect(evaluation.metrics.recall).toBeGreaterThanOrEqual(0.99);
  });

  it('the eval:identity CLI prints exactly one summary line', () => {
    const root = fileURLToPath(new URL('../../../..', import.meta.url));
    const output = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/eval-identity.ts',
        '--left',
        path,
        '--id-column',
        'rec_id',
        '--truth-regex',
        'rec-(\\d+)',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^identity: comparisons=\d+ pairs_completeness=[\d.]+ precision=[\d.]+ recall=[\d.]+ f1=[\d.]+ seconds=[\d.]+$/,
    );
  });
});

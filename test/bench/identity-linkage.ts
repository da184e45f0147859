/**
 * Identity linkage benchmark: the probabilistic linker against the hand-tuned rule from
 * ../shared/data/README.md (block on given name, link when more than 3 fields agree exactly),
 * side by side in one run, on FEBRL dataset3 and dataset2 (dedup) and a 5,000 × 5,000 link.
 * The link's right side is a seeded, FEBRL-style corruption of dataset2 (typos, blanks, swapped
 * names, swapped day/month), because the repository ships no 5,000 × 5,000 FEBRL pair.
 *
 * `benchIdentityLinkage()` returns one summary line per benchmark; run alone with
 * `npx tsx test/bench/identity-linkage.ts`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  evaluateIdentity,
  formatIdentityLine,
  type IdentityEvaluation,
  parseCsvRecords,
  truthKey,
} from '../../src/cli/eval-identity.js';
import {
  type PairwiseMetrics,
  pairListMetrics,
  seededRandom,
} from '../../src/identity/probabilistic/index.js';
import { missingSharedDataReason, sharedDataAvailable, sharedDataPath } from '../helpers/shared-data.js';

const FEBRL = 'data/febrl';
const ID_COLUMN = 'rec_id';
const TRUTH = /rec-(\d+)/;

type Row = Record<string, string>;

function loadFebrl(name: string): Row[] {
  return parseCsvRecords(readFileSync(sharedDataPath(FEBRL, `${name}.csv`), 'utf8'));
}

function timed<T>(run: () => T): { value: T; seconds: number } {
  const started = performance.now();
  const value = run();
  return { value, seconds: (performance.now() - started) / 1000 };
}

/**
 * The README's floor: candidates share the exact given name; a pair links when more than 3 of
 * the other fields agree exactly (missing values never agree).
 */
function baselineRule(left: Row[], right: Row[] | undefined): PairwiseMetrics {
  const records = right ? [...left, ...right] : left;
  const leftSize = left.length;
  const fields = Object.keys(records[0] ?? {}).filter((key) => key !== ID_COLUMN && key !== 'given_name');
  const blocks = new Map<string, number[]>();
  records.forEach((record, index) => {
    const key = record.given_name ?? '';
    if (key === '') return;
    const block = blocks.get(key);
    if (block) block.push(index);
    else blocks.set(key, [index]);
  });
  const a: number[] = [];
  const b: number[] = [];
  for (const block of blocks.values()) {
    for (let x = 0; x < block.length; x++) {
      for (let y = x + 1; y < block.length; y++) {
        const i = block[x]!;
        const j = block[y]!;
        if (right && i >= leftSize === j >= leftSize) continue;
        // The given name agrees by construction of the block, and counts as one agreement.
        let agreements = 1;
        for (const field of fields) {
          const value = records[i]![field];
          if (value && value === records[j]![field]) agreements++;
        }
        if (agreements > 3) {
          a.push(i);
          b.push(j);
        }
      }
    }
  }
  const truth = records.map((record) => truthKey(record[ID_COLUMN] ?? '', TRUTH));
  return pairListMetrics(truth, a, b, {
    size: records.length,
    leftSize: right ? leftSize : records.length,
    mode: right ? 'link' : 'dedup',
  });
}

function benchOne(name: string, left: Row[], right?: Row[]): string {
  const ours = timed(() => evaluateIdentity({ left, right, idColumn: ID_COLUMN, truthRegex: TRUTH }));
  const baseline = timed(() => baselineRule(left, right));
  const evaluation: IdentityEvaluation = { ...ours.value, seconds: ours.seconds };
  return (
    `${formatIdentityLine(name, evaluation)} baseline_precision=${baseline.value.precision.toFixed(4)} ` +
    `baseline_recall=${baseline.value.recall.toFixed(4)} baseline_seconds=${baseline.seconds.toFixed(2)}`
  );
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** One keying error: substitution, insertion, deletion or adjacent transposition. */
function typo(value: string, random: () => number, alphabet: string): string {
  if (value.length < 2) return value;
  const at = Math.floor(random() * value.length);
  const char = alphabet[Math.floor(random() * alphabet.length)]!;
  switch (Math.floor(random() * 4)) {
    case 0:
      return value.slice(0, at) + char + value.slice(at + 1);
    case 1:
      return value.slice(0, at) + char + value.slice(at);
    case 2:
      return value.slice(0, at) + value.slice(at + 1);
    default: {
      const i = Math.min(at, value.length - 2);
      return value.slice(0, i) + value[i + 1] + value[i] + value.slice(i + 2);
    }
  }
}

/**
 * A FEBRL-style duplicate: one to three modifications, each a typo in one field, a blanked
 * field, given name and surname swapped, or day and month of birth swapped.
 */
function corrupt(record: Row, random: () => number): Row {
  const out: Row = { ...record, [ID_COLUMN]: `${record[ID_COLUMN]}-syn` };
  const fields = Object.keys(record).filter((key) => key !== ID_COLUMN);
  const modifications = 1 + Math.floor(random() * 3);
  for (let k = 0; k < modifications; k++) {
    const roll = random();
    const field = fields[Math.floor(random() * fields.length)]!;
    const value = out[field] ?? '';
    if (roll < 0.6) {
      out[field] = typo(value, random, /^\d+$/.test(value) ? DIGITS : LETTERS);
    } else if (roll < 0.8) {
      out[field] = '';
    } else if (roll < 0.9) {
      [out.given_name, out.surname] = [out.surname ?? '', out.given_name ?? ''];
    } else {
      const dob = out.date_of_birth ?? '';
      if (dob.length === 8) out.date_of_birth = dob.slice(0, 4) + dob.slice(6, 8) + dob.slice(4, 6);
    }
  }
  return out;
}

export async function benchIdentityLinkage(): Promise<string[]> {
  if (!sharedDataAvailable(FEBRL)) return [`identity: skipped (${missingSharedDataReason(FEBRL)})`];
  const lines: string[] = [];
  lines.push(benchOne('identity_febrl3', loadFebrl('dataset3')));
  lines.push(benchOne('identity_febrl2', loadFebrl('dataset2')));
  const left = loadFebrl('dataset2');
  const random = seededRandom(5_000);
  const right = left.map((record) => corrupt(record, random));
  lines.push(benchOne('identity_link_5000x5000', left, right));
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchIdentityLinkage()) console.log(line);
}

/**
 * `npm run eval:identity -- --left A.csv [--right B.csv] --id-column rec_id --truth-regex 'rec-(\d+)'`
 *
 * Runs the probabilistic linker on CSV person records (columns mapped by header, so FEBRL files
 * and CRM exports both work) and prints one line of pairwise quality against the truth encoded
 * in the id column:
 *   identity: comparisons=… pairs_completeness=… precision=… recall=… f1=… seconds=…
 * With only --left it deduplicates; with --right it links left × right. Predicted pairs are those
 * the merges imply (every pair inside a merged cluster), as the profiles would end up. `seconds`
 * covers reading the files, training and linking. The id column is removed before linking.
 *
 * Options: --settings file.json (LinkageSettings; default: defaultPersonSettings),
 * --pairs clusters|direct (direct: only pairs scored at or above the merge threshold).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseCsvText } from '../../connectors/csv/parse.js';
import {
  clusterPairMetrics,
  countTrueAmong,
  countTruePairs,
  defaultPersonSettings,
  type LinkageResult,
  type LinkageSettingsInput,
  linkPrepared,
  type PairwiseMetrics,
  type PersonRecord,
  pairListMetrics,
  prepareLinkage,
  trainModelOn,
} from '../identity/probabilistic/index.js';

/** Header cells trimmed (FEBRL writes `rec_id, given_name, …`), values trimmed, empty rows skipped. */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsvText(text);
  if (!header) return [];
  const columns = header.fields.map((name) => name.trim());
  return rows.map((row) => {
    const record: Record<string, string> = {};
    columns.forEach((column, index) => {
      record[column] = (row.fields[index] ?? '').trim();
    });
    return record;
  });
}

export interface IdentityEvaluation {
  comparisons: number;
  pairsCompleteness: number;
  metrics: PairwiseMetrics;
  seconds: number;
  result: LinkageResult;
}

export interface EvaluateOptions {
  left: Record<string, string>[];
  right?: Record<string, string>[];
  idColumn: string;
  truthRegex: RegExp;
  settings?: LinkageSettingsInput;
  pairs?: 'clusters' | 'direct';
}

/** The entity key of a record: the regex's first group (or whole match); unmatched ids are their own entity. */
export function truthKey(id: string, truthRegex: RegExp): string {
  const match = truthRegex.exec(id);
  return match ? (match[1] ?? match[0]) : `\u0000${id}`;
}

export function evaluateIdentity(options: EvaluateOptions): Omit<IdentityEvaluation, 'seconds'> {
  const strip = (records: Record<string, string>[]): PersonRecord[] =>
    records.map(({ [options.idColumn]: _id, ...rest }) => rest);
  const all = options.right ? [...options.left, ...options.right] : options.left;
  const truth = all.map((record) => truthKey(record[options.idColumn] ?? '', options.truthRegex));
  const data = prepareLinkage(
    options.settings ?? defaultPersonSettings,
    strip(options.left),
    options.right ? strip(options.right) : undefined,
  );
  const result = linkPrepared(data, trainModelOn(data));
  const scope = { size: all.length, leftSize: result.leftSize, mode: result.mode };
  const metrics =
    options.pairs === 'direct'
      ? directMetrics(result, truth, scope)
      : clusterPairMetrics(truth, result.clusterOf, scope);
  const truePairs = countTruePairs(truth, scope);
  return {
    comparisons: result.stats.candidatePairs,
    pairsCompleteness:
      truePairs === 0 ? 1 : countTrueAmong(truth, data.candidates.left, data.candidates.right) / truePairs,
    metrics,
    result,
  };
}

function directMetrics(
  result: LinkageResult,
  truth: string[],
  scope: { size: number; leftSize: number; mode: 'dedup' | 'link' },
): PairwiseMetrics {
  const merges = result.pairs.filter((pair) => pair.decision === 'merge');
  return pairListMetrics(
    truth,
    merges.map((pair) => pair.a),
    merges.map((pair) => pair.b),
    scope,
  );
}

export function formatIdentityLine(name: string, evaluation: IdentityEvaluation): string {
  const { metrics } = evaluation;
  return (
    `${name}: comparisons=${evaluation.comparisons} pairs_completeness=${evaluation.pairsCompleteness.toFixed(4)} ` +
    `precision=${metrics.precision.toFixed(4)} recall=${metrics.recall.toFixed(4)} f1=${metrics.f1.toFixed(4)} ` +
    `seconds=${evaluation.seconds.toFixed(2)}`
  );
}

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) args.set(arg.slice(2, eq), arg.slice(eq + 1));
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      args.set(arg.slice(2), value);
      i++;
    }
  }
  return args;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const leftPath = args.get('left');
  if (!leftPath) throw new Error('--left is required');
  const pairs = args.get('pairs') ?? 'clusters';
  if (pairs !== 'clusters' && pairs !== 'direct') throw new Error('--pairs is clusters or direct');
  const started = performance.now();
  const rightPath = args.get('right');
  const settingsPath = args.get('settings');
  const evaluation = evaluateIdentity({
    left: parseCsvRecords(readFileSync(leftPath, 'utf8')),
    right: rightPath ? parseCsvRecords(readFileSync(rightPath, 'utf8')) : undefined,
    idColumn: args.get('id-column') ?? 'rec_id',
    truthRegex: new RegExp(args.get('truth-regex') ?? '^(.*)$'),
    settings: settingsPath ? JSON.parse(readFileSync(settingsPath, 'utf8')) : undefined,
    pairs,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(formatIdentityLine('identity', { ...evaluation, seconds }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main();
  } catch (error) {
    console.error(`eval:identity: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

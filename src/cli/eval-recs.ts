/**
 * `npm run eval:recs -- --interactions FILE.csv --user-col U --item-col I [--time-col T]
 *   [--category-col C] [--sep ','|'\t'] [--folds 5] [--k 10] [--seed 1] [--header auto|yes|no]`
 *
 * Offline evaluation of the recommendation algorithms on an interactions file, the protocol of the
 * public benchmark figures (see src/recommend/evaluate.ts): implicit feedback, every row is an
 * interaction (a rating column is ignored), k-fold cross-validation, top k with the user's training
 * items excluded. Prints one line per algorithm:
 *   recs: algo=item_knn p@10=0.xxx r@10=0.xxx ndcg@10=0.xxx
 * for popularity, item_knn, als, category (only with --category-col) and blend; a summary with
 * sizes and seconds goes to stderr.
 *
 * Columns are header names, or numbers for files without a header such as MovieLens `u.data`
 * (`--sep '\t' --user-col 1 --item-col 2 --time-col 4`). Numbers count from 1 (like cut -f)
 * unless one of them is 0: then all count from 0 (`--user-col 0 --item-col 1`), as pandas
 * would; a note on stderr says so. With `--header auto`
 * (the default) the first row is a header when the flags name its cells, or, for numbered
 * columns, when it is text where the second row has numbers. Times: epoch seconds or
 * milliseconds, or ISO dates. Bad arguments exit 2 with a message naming the flag.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CsvSyntaxError, parseCsvText } from '../../connectors/csv/parse.js';
import { crossValidate } from '../recommend/evaluate.js';
import { fitAlgorithm, fitBlend } from '../recommend/registry.js';
import type { AlgorithmName, Interaction, RecommendationModel } from '../recommend/types.js';

/** A mistake in the command line or the file's shape: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface EvalRecsArgs {
  interactions: string;
  userCol: string;
  itemCol: string;
  timeCol?: string;
  categoryCol?: string;
  sep: string;
  folds: number;
  k: number;
  seed: number;
  header: 'auto' | 'yes' | 'no';
}

const FLAGS = [
  'interactions',
  'user-col',
  'item-col',
  'time-col',
  'category-col',
  'sep',
  'folds',
  'k',
  'seed',
  'header',
];

export function parseEvalRecsArgs(argv: readonly string[]): EvalRecsArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!FLAGS.includes(name))
      throw new UsageError(`unknown flag --${name} (known: ${FLAGS.map((f) => `--${f}`).join(' ')})`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  const required = (name: string) => {
    const value = values.get(name);
    if (value === undefined) throw new UsageError(`--${name} is required`);
    return value;
  };
  const integer = (name: string, fallback: number, min: number) => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${raw}'`);
    return value;
  };
  const header = values.get('header') ?? 'auto';
  if (header !== 'auto' && header !== 'yes' && header !== 'no')
    throw new UsageError(`--header is auto, yes or no, got '${header}'`);
  return {
    interactions: required('interactions'),
    userCol: required('user-col'),
    itemCol: required('item-col'),
    timeCol: values.get('time-col'),
    categoryCol: values.get('category-col'),
    sep: parseSeparator(values.get('sep') ?? ','),
    folds: integer('folds', 5, 2),
    k: integer('k', 10, 1),
    seed: integer('seed', 1, 0),
    header,
  };
}

/** `\t` as typed in a shell ('\t' arrives as backslash + t), `tab`, or one literal character. */
function parseSeparator(raw: string): string {
  if (raw === '\\t' || raw === 'tab' || raw === '\t') return '\t';
  if (raw.length !== 1 || raw === '"' || raw === '\n' || raw === '\r') {
    throw new UsageError(`--sep must be one character (',' ';' '|') or '\\t', got '${raw}'`);
  }
  return raw;
}

const NUMERIC = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

interface ColumnSpec {
  flag: string;
  spec: string;
}

/** Column indices for the flags, and whether row 0 is a header. */
export function resolveColumns(
  rows: readonly string[][],
  specs: readonly ColumnSpec[],
  header: EvalRecsArgs['header'],
): { indices: number[]; hasHeader: boolean; zeroBased: boolean } {
  const first = (rows[0] ?? []).map((cell) => cell.trim());
  // A spec of digits is always a column number (u.data's first row holds "1" as a value).
  const numbered = (spec: string) => /^\d+$/.test(spec);
  // Exact header name first, else the same name in another case (`userId` for `userid`).
  const lowered = first.map((cell) => cell.toLowerCase());
  const nameIndex = (spec: string) => {
    const exact = first.indexOf(spec);
    return exact >= 0 ? exact : lowered.indexOf(spec.toLowerCase());
  };
  const named = specs.filter(({ spec }) => !numbered(spec) && nameIndex(spec) >= 0);
  const zeroBased = specs.some(({ spec }) => numbered(spec) && Number(spec) === 0);
  const offset = zeroBased ? 0 : 1;
  const hasHeader =
    header === 'yes' ||
    (header === 'auto' &&
      (named.length > 0 ||
        specs.some(({ spec }) => {
          if (!numbered(spec)) return false;
          const index = Number(spec) - offset;
          const top = first[index];
          const next = rows[1]?.[index]?.trim();
          return top !== undefined && next !== undefined && !NUMERIC.test(top) && NUMERIC.test(next);
        })));
  const width = first.length;
  const indices = specs.map(({ flag, spec }) => {
    if (numbered(spec)) {
      const index = Number(spec) - offset;
      if (index >= width) {
        throw new UsageError(
          `--${flag} ${spec}: the file has only ${width} columns (numbered from ${offset}${zeroBased ? ', since a flag says 0' : ''})`,
        );
      }
      return index;
    }
    if (hasHeader && nameIndex(spec) >= 0) return nameIndex(spec);
    const known = hasHeader
      ? `columns: ${first.join(', ')}`
      : 'the file has no header row; give a column number';
    throw new UsageError(`--${flag}: no column named '${spec}' (${known})`);
  });
  return { indices, hasHeader, zeroBased };
}

/** Epoch ms from epoch seconds (< 1e11), epoch ms, or a date string; undefined when unreadable. */
export function parseTime(raw: string): number | undefined {
  const text = raw.trim();
  if (NUMERIC.test(text)) {
    const value = Number(text);
    return Math.abs(value) < 1e11 ? value * 1000 : value;
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export interface LoadedInteractions {
  interactions: Interaction[];
  categories?: Map<string, string>;
  skippedRows: number;
  hasHeader: boolean;
  zeroBased: boolean;
}

export function interactionsFromText(text: string, args: EvalRecsArgs): LoadedInteractions {
  let records: string[][];
  try {
    records = parseCsvText(text, { delimiter: args.sep }).map((record) => record.fields);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new UsageError(`--interactions: ${error.message}`);
    throw error;
  }
  if (records.length === 0) throw new UsageError(`--interactions: ${args.interactions} has no rows`);
  const specs: ColumnSpec[] = [
    { flag: 'user-col', spec: args.userCol },
    { flag: 'item-col', spec: args.itemCol },
    ...(args.timeCol ? [{ flag: 'time-col', spec: args.timeCol }] : []),
    ...(args.categoryCol ? [{ flag: 'category-col', spec: args.categoryCol }] : []),
  ];
  const { indices, hasHeader, zeroBased } = resolveColumns(records, specs, args.header);
  const [userAt, itemAt] = indices as [number, number];
  const timeAt = args.timeCol ? indices[2] : undefined;
  const categoryAt = args.categoryCol ? indices[specs.length - 1] : undefined;
  const interactions: Interaction[] = [];
  const categories = categoryAt === undefined ? undefined : new Map<string, string>();
  let skippedRows = 0;
  records.slice(hasHeader ? 1 : 0).forEach((fields, row) => {
    const userId = fields[userAt]?.trim();
    const itemId = fields[itemAt]?.trim();
    if (!userId || !itemId) {
      skippedRows++;
      return;
    }
    const interaction: Interaction = { userId, itemId };
    if (timeAt !== undefined) {
      const raw = fields[timeAt] ?? '';
      const at = parseTime(raw);
      if (at === undefined) {
        throw new UsageError(
          `--time-col: '${raw}' in data row ${row + 1} is not a time (epoch seconds/ms or ISO date)`,
        );
      }
      interaction.at = at;
    }
    const category = categoryAt === undefined ? undefined : fields[categoryAt]?.trim();
    if (categories && category) categories.set(itemId, category);
    interactions.push(interaction);
  });
  if (interactions.length === 0) throw new UsageError(`--interactions: no row has both a user and an item`);
  return { interactions, categories, skippedRows, hasHeader, zeroBased };
}

export interface AlgorithmResult {
  algo: AlgorithmName | 'blend';
  precision: number;
  recall: number;
  ndcg: number;
}

export function evaluateRecommenders(
  loaded: LoadedInteractions,
  args: Pick<EvalRecsArgs, 'folds' | 'k' | 'seed'>,
) {
  const categories = loaded.categories && loaded.categories.size > 0 ? loaded.categories : undefined;
  const names: (AlgorithmName | 'blend')[] = [
    'popularity',
    'item_knn',
    'als',
    ...(categories ? ['category' as const] : []),
    'blend',
  ];
  const results = crossValidate(loaded.interactions, {
    folds: args.folds,
    k: args.k,
    seed: args.seed,
    fit: (train) => {
      const models: Partial<Record<AlgorithmName | 'blend', RecommendationModel>> = {};
      for (const name of names) {
        if (name !== 'blend') models[name] = fitAlgorithm(name, train, {}, { categories });
      }
      // The blend reuses this fold's fitted components instead of fitting them again.
      models.blend = fitBlend(train, {}, { categories }, models);
      return models as Record<string, RecommendationModel>;
    },
  });
  return names.map((algo): AlgorithmResult => {
    const metrics = results[algo]!;
    return { algo, precision: metrics.precision, recall: metrics.recall, ndcg: metrics.ndcg };
  });
}

export function formatRecsLine(result: AlgorithmResult, k: number): string {
  return (
    `recs: algo=${result.algo} p@${k}=${result.precision.toFixed(3)} r@${k}=${result.recall.toFixed(3)} ` +
    `ndcg@${k}=${result.ndcg.toFixed(3)}`
  );
}

function main(argv: readonly string[]): void {
  const started = performance.now();
  const args = parseEvalRecsArgs(argv);
  // `npm run` starts in the package root; a relative path means the caller's directory (INIT_CWD).
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), args.interactions);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--interactions: cannot read ${args.interactions} (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  const loaded = interactionsFromText(text, args);
  if (loaded.zeroBased) console.error('eval:recs: column numbers read as counting from 0 (a flag says 0)');
  const users = new Set(loaded.interactions.map((row) => row.userId)).size;
  const items = new Set(loaded.interactions.map((row) => row.itemId)).size;
  for (const result of evaluateRecommenders(loaded, args)) console.log(formatRecsLine(result, args.k));
  console.error(
    `recs: rows=${loaded.interactions.length} skipped=${loaded.skippedRows} users=${users} items=${items} ` +
      `folds=${args.folds} k=${args.k} seed=${args.seed} seconds=${((performance.now() - started) / 1000).toFixed(1)}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`eval:recs: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}

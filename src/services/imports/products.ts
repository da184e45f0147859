import type { AppDeps } from '../../app-deps.js';
import { checkProduct, type ProductInput, upsertProducts } from '../catalog.js';
import { Header } from './columns.js';
import type { CsvInput, DataEntry } from './csv-input.js';
import type { ImportRun } from './output.js';
import { inChunks, type RowResult, raggedRejection, rejected } from './results.js';
import { type Parsed, parseBoolean, parseCurrency, parseDecimal } from './values.js';

/** Catalog columns: the ProductInput field each fills, the names it is read from, and how. */
const PRODUCT_COLUMNS = [
  { field: 'id', names: ['id', 'product_id'], parse: trimmed },
  { field: 'title', names: ['title', 'name'], parse: asIs },
  { field: 'url', names: ['url', 'link'], parse: trimmed },
  { field: 'imageUrl', names: ['image_url', 'image', 'image_link'], parse: trimmed },
  { field: 'price', names: ['price'], parse: (raw: string) => parseDecimal(raw, { min: 0 }) },
  { field: 'currency', names: ['currency'], parse: parseCurrency },
  { field: 'category', names: ['category'], parse: asIs },
  { field: 'inStock', names: ['in_stock'], parse: parseBoolean },
  { field: 'active', names: ['active'], parse: parseBoolean },
] as const satisfies ReadonlyArray<{
  field: keyof ProductInput;
  names: readonly string[];
  parse: (raw: string) => Parsed<unknown>;
}>;

function trimmed(raw: string): Parsed<string> {
  return { ok: true, value: raw.trim() };
}
function asIs(raw: string): Parsed<string> {
  return { ok: true, value: raw };
}

interface ProductPlan {
  header: Header;
  columns: Array<{ index: number; field: string; parse: (raw: string) => Parsed<unknown> }>;
  properties: Array<{ index: number; key: string }>;
}

/**
 * Products from a CSV, one per row, upserted into the catalog as whole products (the same rules
 * as PUT /v1/catalog/products). Columns other than the catalog's go into properties.
 */
export function importProducts(deps: AppDeps, input: CsvInput): ImportRun {
  const header = new Header(input.columns);
  const columns: ProductPlan['columns'] = [];
  for (const { field, names, parse } of PRODUCT_COLUMNS) {
    const index = header.claim(field, names);
    if (index !== undefined) columns.push({ index, field, parse });
  }
  for (const field of ['id', 'title']) {
    if (!columns.some((column) => column.field === field))
      header.fail('header', `no ${field} column: every product needs one`);
  }
  header.assertUsable();
  return run(deps, { header, columns, properties: header.unclaimed() }, input.entries);
}

async function* run(deps: AppDeps, plan: ProductPlan, entries: AsyncIterable<DataEntry>): ImportRun {
  for await (const chunk of inChunks(entries)) {
    const results: RowResult[] = [];
    const valid: Array<{ slot: number; entry: DataEntry; product: ProductInput }> = [];
    for (const entry of chunk.entries) {
      if (entry.type === 'ragged') {
        results.push(raggedRejection(entry));
        continue;
      }
      const mapped = mapRow(plan, entry.fields);
      if ('reason' in mapped) {
        results.push(rejected(entry, mapped.column, mapped.reason));
        continue;
      }
      valid.push({ slot: results.length, entry, product: mapped });
      results.push(rejected(entry, undefined, 'not processed'));
    }
    const statuses = await upsertProducts(
      deps,
      valid.map((item) => item.product),
    );
    valid.forEach(({ slot, entry, product }, i) => {
      results[slot] = { row: entry.row, line: entry.line, status: statuses[i]!, id: product.id };
    });
    yield results;
    if (chunk.stop) throw chunk.stop;
  }
}

function mapRow(
  plan: ProductPlan,
  fields: readonly string[],
): ProductInput | { column?: string; reason: string } {
  const input: Record<string, unknown> = {};
  for (const { index, field, parse } of plan.columns) {
    const raw = fields[index] ?? '';
    // An empty cell is an absent value: cleared, or the default for in_stock and active.
    if (raw.trim() === '') continue;
    const parsed = parse(raw);
    if (!parsed.ok) return { column: plan.header.name(index), reason: parsed.reason };
    input[field] = parsed.value;
  }
  for (const field of ['id', 'title']) {
    const column = plan.columns.find((c) => c.field === field)!;
    if (input[field] === undefined) return { column: plan.header.name(column.index), reason: 'is empty' };
  }
  const properties: Record<string, unknown> = {};
  for (const { index, key } of plan.properties) {
    const value = fields[index];
    if (value !== undefined && value !== '') properties[key] = value;
  }
  input.properties = properties;
  const checked = checkProduct(input);
  if (checked.ok) return checked.product;
  const issue = checked.issues[0]!;
  // Report the file's own column name for the field at fault.
  const field = issue.path.split('.')[0];
  const column = plan.columns.find((c) => c.field === field);
  return { column: column ? plan.header.name(column.index) : issue.path, reason: issue.message };
}

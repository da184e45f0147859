import type { AppDeps } from '../../app-deps.js';
import { selectInChunks } from '../../db/chunk.js';
import { placeholders, rawSelect as queryRows } from '../../db/raw-select.js';
import type { CatalogItem } from '../rules.js';

/** The catalogue fields the business rules read (stock, active, price, category). */
interface ProductRow {
  id: string;
  category: string | null;
  price: number | null;
  inStock: number;
  active: number;
}

const COLUMNS = 'id, category, price, in_stock as inStock, active';
const PAGE = 20_000;

function toCatalogItem(row: ProductRow): CatalogItem {
  return {
    itemId: row.id,
    ...(row.category === null ? {} : { category: row.category }),
    ...(row.price === null ? {} : { price: row.price }),
    inStock: row.inStock === 1,
    active: row.active === 1,
  };
}

/** The whole catalogue, read in keyset pages (a full run uses every product). */
export async function loadCatalog(deps: AppDeps): Promise<Map<string, CatalogItem>> {
  const out = new Map<string, CatalogItem>();
  let after = '';
  for (;;) {
    const rows = await queryRows<ProductRow>(
      deps.db,
      `select ${COLUMNS} from products where id > ? order by id limit ${PAGE}`,
      [after],
    );
    for (const row of rows) out.set(row.id, toCatalogItem(row));
    if (rows.length < PAGE) return out;
    after = rows[rows.length - 1]!.id;
  }
}

/** Adds the products among `ids` that `catalog` does not hold yet (an incremental refresh reads few). */
export async function extendCatalog(
  deps: AppDeps,
  catalog: Map<string, CatalogItem>,
  ids: Iterable<string>,
): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !catalog.has(id));
  const rows = await selectInChunks(missing, deps.sqlParamLimit, (chunk) =>
    queryRows<ProductRow>(
      deps.db,
      `select ${COLUMNS} from products where id in (${placeholders(chunk.length)})`,
      chunk,
    ),
  );
  for (const row of rows) catalog.set(row.id, toCatalogItem(row));
}

import {
  claimIdentifiers,
  Header,
  IDENTIFIER_ROLES,
  type IdentifierColumns,
  type IdentifierOptions,
  identifierCells,
} from './columns.js';
import { type DateFormat, parseOrderDate } from './dates.js';
import { type Parsed, parseCurrency, parseDecimal, parseOneOf, parseQuantity } from './values.js';

/** Order statuses a file may give; `canceled` is read as `cancelled`. */
export const ORDER_FILE_STATUSES = ['completed', 'refunded', 'cancelled'] as const;
export type OrderFileStatus = (typeof ORDER_FILE_STATUSES)[number];

type Value = string | number;
const text = (raw: string): Parsed<Value> => ({ ok: true, value: raw.trim() });
const money = (raw: string): Parsed<Value> => parseDecimal(raw, { min: 0 });

function status(raw: string): Parsed<Value> {
  return parseOneOf(raw.trim().toLowerCase() === 'canceled' ? 'cancelled' : raw, ORDER_FILE_STATUSES);
}

/**
 * Columns that describe the order: the same on every row of it. Keys are the Segment
 * "Order Completed" property names the pipeline reads.
 */
const ORDER_FIELDS = {
  ordered_at: {
    names: ['ordered_at', 'order_date', 'created_at', 'date'],
    parse: (raw: string, f: DateFormat) => date(raw, f),
  },
  currency: { names: ['currency'], parse: (raw: string) => parseCurrency(raw) as Parsed<Value> },
  total: { names: ['total'], parse: money },
  revenue: { names: ['revenue'], parse: money },
  discount: { names: ['discount'], parse: (raw: string) => parseDecimal(raw) as Parsed<Value> },
  shipping: { names: ['shipping'], parse: money },
  tax: { names: ['tax'], parse: money },
  coupon: { names: ['coupon'], parse: text },
  status: { names: ['status'], parse: status },
} as const;
type OrderField = keyof typeof ORDER_FIELDS;

/** Columns of one order line (one row). */
const LINE_FIELDS = {
  product_id: { names: ['product_id'], parse: text },
  sku: { names: ['sku'], parse: text },
  name: { names: ['name', 'product_name'], parse: text },
  category: { names: ['category'], parse: text },
  price: { names: ['price'], parse: money },
  quantity: { names: ['quantity', 'qty'], parse: (raw: string) => parseQuantity(raw) as Parsed<Value> },
} as const;
type LineField = keyof typeof LINE_FIELDS;

function date(raw: string, format: DateFormat): Parsed<Value> {
  const parsed = parseOrderDate(raw, format);
  return parsed.ok ? { ok: true, value: parsed.value.getTime() } : parsed;
}

export interface OrderPlan {
  header: Header;
  identifiers: IdentifierColumns;
  orderId: number;
  orderFields: Array<{ index: number; field: OrderField }>;
  lineFields: Array<{ index: number; field: LineField }>;
  /** Unknown columns: kept on the order line under their header. */
  extras: Array<{ index: number; key: string }>;
  dateFormat: DateFormat;
}

export function planOrderColumns(
  columns: string[],
  options: IdentifierOptions & { dateFormat: DateFormat },
): OrderPlan {
  const header = new Header(columns);
  const identifiers = claimIdentifiers(header, options);
  const orderId = header.claim('order_id', ['order_id']);
  if (orderId === undefined) header.fail('header', 'no order_id column: every row needs the id of its order');
  const orderFields: OrderPlan['orderFields'] = [];
  for (const field of Object.keys(ORDER_FIELDS) as OrderField[]) {
    const index = header.claim(field, ORDER_FIELDS[field].names);
    if (index !== undefined) orderFields.push({ index, field });
  }
  if (!orderFields.some(({ field }) => field === 'ordered_at')) {
    header.fail('header', 'no ordered_at column (also read as order_date, created_at or date)');
  }
  const lineFields: OrderPlan['lineFields'] = [];
  for (const field of Object.keys(LINE_FIELDS) as LineField[]) {
    const index = header.claim(field, LINE_FIELDS[field].names);
    if (index !== undefined) lineFields.push({ index, field });
  }
  header.assertUsable();
  return {
    header,
    identifiers,
    orderId: orderId!,
    orderFields,
    lineFields,
    extras: header.unclaimed(),
    dateFormat: options.dateFormat,
  };
}

export interface RowProblem {
  column: string;
  reason: string;
}

/** One order as its rows arrive: order-level values, lines, and any row that spoils it. */
export interface OrderGroup {
  orderId: string;
  rows: Array<{ row: number; line: number; problem?: RowProblem }>;
  /** Order-level values (identifiers under their role name), each with the row that gave it. */
  values: Map<string, { value: Value; raw: string; row: number }>;
  lines: Array<Record<string, unknown>>;
}

export function newGroup(orderId: string): OrderGroup {
  return { orderId, rows: [], values: new Map(), lines: [] };
}

/**
 * Adds one row to its order. Order-level columns may be blank on some rows (the first non-blank
 * value counts) but may not disagree: two emails or two dates for one order cannot both be right.
 */
export function addRow(
  plan: OrderPlan,
  group: OrderGroup,
  at: { row: number; line: number },
  fields: readonly string[],
) {
  const row: OrderGroup['rows'][number] = { row: at.row, line: at.line };
  group.rows.push(row);
  const agree = (key: string, column: string, value: Value, raw: string): RowProblem | undefined => {
    const earlier = group.values.get(key);
    if (earlier === undefined) {
      group.values.set(key, { value, raw: raw.trim(), row: at.row });
      return undefined;
    }
    if (earlier.value === value) return undefined;
    return {
      column,
      reason: `'${raw.trim()}' differs from row ${earlier.row} of order ${group.orderId}; an order has one value`,
    };
  };
  const problem = (): RowProblem | undefined => {
    const cells = identifierCells(plan.identifiers, fields);
    for (const role of [...IDENTIFIER_ROLES, 'external'] as const) {
      const cell = cells[role];
      if (cell === undefined) continue;
      const index = role === 'external' ? plan.identifiers.external!.index : plan.identifiers[role]!;
      const found = agree(role, plan.header.name(index), role === 'email' ? cell.toLowerCase() : cell, cell);
      if (found) return found;
    }
    for (const { index, field } of plan.orderFields) {
      const raw = fields[index] ?? '';
      if (raw.trim() === '') continue;
      const parsed = ORDER_FIELDS[field].parse(raw, plan.dateFormat);
      if (!parsed.ok) return { column: plan.header.name(index), reason: parsed.reason };
      const found = agree(field, plan.header.name(index), parsed.value, raw);
      if (found) return found;
    }
    const line: Record<string, unknown> = {};
    for (const { index, field } of plan.lineFields) {
      const raw = fields[index] ?? '';
      if (raw.trim() === '') continue;
      const parsed = LINE_FIELDS[field].parse(raw);
      if (!parsed.ok) return { column: plan.header.name(index), reason: parsed.reason };
      line[field] = parsed.value;
    }
    for (const { index, key } of plan.extras) {
      const raw = fields[index];
      if (raw !== undefined && raw !== '') line[key] = raw;
    }
    // A row with only order-level values (one row per order, totals only) adds no line.
    if (Object.keys(line).length > 0) group.lines.push({ quantity: 1, ...line });
    return undefined;
  };
  const found = problem();
  if (found) row.problem = found;
}

/** The order-level value of `key`, if any row gave one. */
export function orderValue(group: OrderGroup, key: string): Value | undefined {
  return group.values.get(key)?.value;
}

/** The cell as written that gave the order-level value of `key` (identifiers are stored as given). */
export function orderCell(group: OrderGroup, key: string): string | undefined {
  return group.values.get(key)?.raw;
}

export const ORDER_PROPERTY_FIELDS = [
  'currency',
  'total',
  'revenue',
  'discount',
  'shipping',
  'tax',
  'coupon',
] as const;

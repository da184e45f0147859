import type { AppDeps } from '../../app-deps.js';
import { ingest } from '../../ingest/pipeline.js';
import type { IngestRecord, IngestResult } from '../../ingest/types.js';
import { type IdentifierOptions, noIdentifier, toIdentifierInput } from './columns.js';
import type { CsvInput, DataEntry } from './csv-input.js';
import type { DateFormat } from './dates.js';
import {
  addRow,
  newGroup,
  ORDER_PROPERTY_FIELDS,
  type OrderGroup,
  type OrderPlan,
  orderCell,
  orderValue,
  planOrderColumns,
} from './order-rows.js';
import type { ImportRun } from './output.js';
import { CHUNK_ROWS, inChunks, type RowResult, raggedRejection, rejected } from './results.js';

/**
 * Rows held while their orders may still get more lines. An order's rows may be anywhere within
 * this many rows of its first one (exports list them together); memory stays bounded whatever the
 * file size.
 */
export const ORDER_WINDOW_ROWS = 5_000;

/** The event id an order is stored under: the same order imported again is recognised, not doubled. */
export const orderMessageId = (orderId: string) => `csv-order:${orderId}`;
const statusMessageId = (orderId: string, status: string) => `csv-order-${status}:${orderId}`;

/**
 * Orders from a CSV with one row per order line. Rows are grouped by order_id into one
 * "Order Completed" event each (products[] from the lines), so the pipeline stores the order, its
 * lines and the customer's metrics. A `refunded` or `cancelled` status is applied after the order
 * is stored. Result per row: the outcome of its order.
 */
export function importOrders(
  deps: AppDeps,
  input: CsvInput,
  options: IdentifierOptions & { dateFormat: DateFormat },
): ImportRun {
  const plan = planOrderColumns(input.columns, options);
  return run(deps, plan, input.entries, options.source);
}

async function* run(
  deps: AppDeps,
  plan: OrderPlan,
  entries: AsyncIterable<DataEntry>,
  source: string,
): ImportRun {
  // Insertion order is first-seen order, so the oldest open order is written first.
  const open = new Map<string, OrderGroup>();
  // Ids of orders written (or rejected) in this import, to catch a line arriving after its order
  // was written: it cannot be added later, so it must not pass silently as "unchanged". Only ids
  // are kept, so memory grows by tens of bytes per order, not per row.
  const closed = new Map<string, number>();
  let openRows = 0;

  // The oldest open orders, about one write's worth.
  const take = (): OrderGroup[] => {
    const groups: OrderGroup[] = [];
    let rows = 0;
    for (const group of open.values()) {
      if (rows >= CHUNK_ROWS || groups.length >= CHUNK_ROWS) break;
      groups.push(group);
      rows += group.rows.length;
    }
    for (const group of groups) {
      open.delete(group.orderId);
      closed.set(group.orderId, group.rows[0]!.row);
    }
    openRows -= rows;
    return groups;
  };

  for await (const chunk of inChunks(entries)) {
    const loose: RowResult[] = [];
    for (const entry of chunk.entries) {
      if (entry.type === 'ragged') {
        loose.push(raggedRejection(entry));
        continue;
      }
      const orderId = entry.fields[plan.orderId]?.trim() ?? '';
      const column = plan.header.name(plan.orderId);
      if (orderId === '') {
        loose.push(rejected(entry, column, 'is empty: every row needs the id of its order'));
        continue;
      }
      const firstRow = closed.get(orderId);
      if (firstRow !== undefined) {
        loose.push(
          rejected(
            entry,
            column,
            `order ${orderId} (first seen in row ${firstRow}) was already imported or rejected: keep an order's rows ` +
              `within ${ORDER_WINDOW_ROWS} rows of each other so they are imported together`,
          ),
        );
        continue;
      }
      let group = open.get(orderId);
      if (!group) {
        group = newGroup(orderId);
        open.set(orderId, group);
      }
      addRow(plan, group, entry, entry.fields);
      openRows++;
    }
    if (loose.length > 0) yield loose;
    if (chunk.stop) {
      // Rows after the fault may belong to the open orders: writing them now would store them
      // incomplete, and a re-import could not add the missing lines. Leave them for that re-import.
      const unwritten = [...open.values()].flatMap((group) =>
        group.rows.map((at) =>
          rejected(at, undefined, `order ${group.orderId} not imported: the file is unreadable after it`),
        ),
      );
      if (unwritten.length > 0) yield unwritten;
      throw chunk.stop;
    }
    while (openRows >= ORDER_WINDOW_ROWS) yield await writeOrders(deps, plan, source, take());
  }
  while (open.size > 0) yield await writeOrders(deps, plan, source, take());
}

type Ready = { group: OrderGroup; record: IngestRecord; status?: IngestRecord };

async function writeOrders(
  deps: AppDeps,
  plan: OrderPlan,
  source: string,
  groups: OrderGroup[],
): Promise<RowResult[]> {
  const results: RowResult[] = [];
  const ready: Ready[] = [];
  for (const group of groups) {
    const refusal = refuse(plan, group);
    if (refusal) results.push(...refusal);
    else ready.push(toRecords(plan, group, source));
  }
  const completed = await ingest(
    deps,
    ready.map((order) => order.record),
  );
  // A second call, so the status change meets an order row that is already stored.
  const withStatus = ready.flatMap((order, i) =>
    order.status && completed[i]!.status !== 'unresolved' ? [{ i, record: order.status }] : [],
  );
  const statusOutcomes = await ingest(
    deps,
    withStatus.map((entry) => entry.record),
  );
  const statusByOrder = new Map(withStatus.map((entry, j) => [entry.i, statusOutcomes[j]!]));
  ready.forEach((order, i) => {
    results.push(...outcomeRows(order.group, completed[i]!, statusByOrder.get(i)));
  });
  return results;
}

/** Rows of an order that cannot be stored, each with the reason; undefined when it can be. */
function refuse(plan: OrderPlan, group: OrderGroup): RowResult[] | undefined {
  const spoiler = group.rows.find((row) => row.problem);
  if (spoiler) {
    const because = `order ${group.orderId} not imported: row ${spoiler.row} is rejected (${spoiler.problem!.column}: ${spoiler.problem!.reason})`;
    return group.rows.map((at) =>
      at.problem ? rejected(at, at.problem.column, at.problem.reason) : rejected(at, undefined, because),
    );
  }
  if (!['email', 'phone', 'userId', 'external'].some((role) => group.values.has(role))) {
    const reason = noIdentifier(plan.header, plan.identifiers, ` on every row of order ${group.orderId}`);
    return group.rows.map((at) => rejected(at, undefined, reason));
  }
  if (orderValue(group, 'ordered_at') === undefined) {
    const column = plan.header.name(plan.orderFields.find(({ field }) => field === 'ordered_at')!.index);
    return group.rows.map((at) => rejected(at, column, `is empty on every row of order ${group.orderId}`));
  }
  return undefined;
}

function toRecords(plan: OrderPlan, group: OrderGroup, source: string): Ready {
  const identifiers = toIdentifierInput(plan.identifiers, {
    email: orderCell(group, 'email'),
    phone: orderCell(group, 'phone'),
    userId: orderCell(group, 'userId'),
    external: orderCell(group, 'external'),
  });
  const observedAt = new Date(orderValue(group, 'ordered_at') as number);
  const properties: Record<string, unknown> = { order_id: group.orderId };
  for (const field of ORDER_PROPERTY_FIELDS) {
    const value = orderValue(group, field);
    if (value !== undefined) properties[field] = value;
  }
  properties.products = group.lines;
  const base = { source, identifiers, observedAt, reference: `row ${group.rows[0]!.row}` };
  const record: IngestRecord = {
    ...base,
    event: { messageId: orderMessageId(group.orderId), type: 'track', name: 'Order Completed', properties },
  };
  const status = orderValue(group, 'status');
  if (status !== 'refunded' && status !== 'cancelled') return { group, record };
  return {
    group,
    record,
    status: {
      ...base,
      event: {
        messageId: statusMessageId(group.orderId, status),
        type: 'track',
        name: status === 'refunded' ? 'Order Refunded' : 'Order Cancelled',
        properties: { order_id: group.orderId },
      },
    },
  };
}

/**
 * `created`: the order is new. `updated`: it was stored before and this import changed its status.
 * `unchanged`: it was stored before (same source and order id) and nothing new came: orders are
 * recorded once, so changed lines or totals in a re-import are not applied.
 */
function outcomeRows(
  group: OrderGroup,
  completed: IngestResult,
  status: IngestResult | undefined,
): RowResult[] {
  if (completed.status === 'unresolved') {
    return group.rows.map((at) => rejected(at, undefined, completed.reason));
  }
  const outcome =
    completed.status === 'stored' ? 'created' : status?.status === 'stored' ? 'updated' : 'unchanged';
  const profileId =
    completed.status === 'stored'
      ? completed.profileId
      : status?.status === 'stored'
        ? status.profileId
        : undefined;
  return group.rows.map((at) => ({
    row: at.row,
    line: at.line,
    status: outcome,
    id: group.orderId,
    ...(profileId ? { profileId } : {}),
  }));
}

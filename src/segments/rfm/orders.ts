import type { RfmCustomer } from './options.js';

export interface RfmOrder {
  customerId: string;
  orderedAt: Date;
  total: number;
}

/**
 * Per-customer frequency (order count), monetary (sum of totals) and last order date, as of the
 * analysis date: orders after it are left out, so scoring a past date gives what it gave then.
 * Customers come out in first-seen order.
 */
export function summarizeOrders(orders: Iterable<RfmOrder>, analysisDate: Date): RfmCustomer[] {
  const cutoff = analysisDate.getTime();
  const byCustomer = new Map<string, RfmCustomer>();
  for (const order of orders) {
    if (order.orderedAt.getTime() > cutoff) continue;
    const seen = byCustomer.get(order.customerId);
    if (!seen) {
      byCustomer.set(order.customerId, {
        customerId: order.customerId,
        frequency: 1,
        monetary: order.total,
        lastOrderAt: order.orderedAt,
      });
      continue;
    }
    seen.frequency++;
    seen.monetary += order.total;
    if (seen.lastOrderAt === undefined || order.orderedAt > seen.lastOrderAt)
      seen.lastOrderAt = order.orderedAt;
  }
  return [...byCustomer.values()];
}

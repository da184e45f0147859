import { z } from 'zod';

/**
 * How RFM scores are computed. The product default is quintiles with 5 best; the conformance
 * convention of the published table (quartiles, 1 best) is `{ bins: 4, orientation: 'one-is-best' }`.
 */
export const rfmOptionsSchema = z.object({
  /** Recency is counted in whole days up to this instant ('2014-12-31' is UTC midnight). */
  analysisDate: z.coerce.date(),
  /** Number of equal-probability bins per dimension; one digit each, so the class stays 3 digits. */
  bins: z.number().int().min(2).max(9).default(5),
  orientation: z.enum(['max-is-best', 'one-is-best']).default('max-is-best'),
});
export type RfmOptionsInput = z.input<typeof rfmOptionsSchema>;
export type RfmOptions = z.output<typeof rfmOptionsSchema>;

/**
 * One customer's order history in summary. Recency is either given in days or derived from the
 * last order's date; a customer with orders must carry one of the two.
 */
export const rfmCustomerSchema = z
  .object({
    customerId: z.string().min(1),
    /** Number of orders. */
    frequency: z.number().int().min(0),
    /** Total spent over those orders (refunds may make it negative). */
    monetary: z.number().finite(),
    recencyDays: z.number().min(0).optional(),
    lastOrderAt: z.coerce.date().optional(),
  })
  .refine((c) => c.frequency === 0 || c.recencyDays !== undefined || c.lastOrderAt !== undefined, {
    message: 'a customer with orders needs recencyDays or lastOrderAt',
    path: ['recencyDays'],
  });
export type RfmCustomer = z.output<typeof rfmCustomerSchema>;

export { frequencyMonetaryScore, RFM_GROUPS, type RfmGroup, rfmGroup } from './groups.js';
export {
  type RfmCustomer,
  type RfmOptions,
  type RfmOptionsInput,
  rfmCustomerSchema,
  rfmOptionsSchema,
} from './options.js';
export { type RfmOrder, summarizeOrders } from './orders.js';
export { quantileBreaks, quantileOfSorted } from './quantile.js';
export { daysSince } from './recency.js';
export { type RfmBreaks, type RfmResult, type RfmScore, scoreRfm } from './rfm.js';
export { ascendingBin, type Direction, type Orientation, scoreValue } from './score.js';

import type { ServedProfile } from '../../../src/services/personalize/served-profile.js';

/** A profile as the serving index holds it: nothing known but its id, unless given. */
export function servedProfile(id: string, fields: Partial<ServedProfile> = {}): ServedProfile {
  return {
    id,
    firstName: null,
    lastName: null,
    items: null,
    level: null,
    confidence: 0,
    rfmGroup: null,
    clvTier: null,
    clusterId: null,
    clusterLabel: null,
    aov: null,
    lastViewedCategory: null,
    cart: null,
    cartItems: 0,
    segments: null,
    ...fields,
  };
}

import type { DestinationRecord } from '../connector-kit/types.js';
import { blankedFields, filledMarker, type MarkerLayout } from './blank-marker.js';
import { type BlastTally, noteBlanked } from './blast-guard.js';
import type { SyncDefinition } from './definition.js';
import type { Delivered, ProfilePage } from './load-page.js';
import { fingerprint, mapProfile } from './map-profile.js';

export interface PageEvaluation {
  /** Profiles whose mapped payload differs from what was last delivered, in page order. */
  changed: DestinationRecord[];
  /** What to remember for each changed profile once the destination has it. */
  next: Map<string, Delivered>;
  scanned: number;
  unchanged: number;
  /** Profiles without an email: nothing to send them to. */
  skipped: number;
}

/**
 * Maps one page and diffs it against what was delivered. The write pass, the dry run and the
 * blast guard's pre-pass all read pages through this, so they agree on what a run would send;
 * with a tally, fields going from a value to blank are counted into it.
 */
export function evaluatePage(
  page: Pick<ProfilePage, 'views' | 'delivered'>,
  definition: Pick<SyncDefinition, 'fields' | 'mode'>,
  layout: MarkerLayout,
  tally?: BlastTally,
): PageEvaluation {
  const mapping = definition.fields;
  const out: PageEvaluation = { changed: [], next: new Map(), scanned: 0, unchanged: 0, skipped: 0 };
  for (const view of page.views) {
    out.scanned++;
    const email = view.identities.email;
    if (!email) {
      out.skipped++;
      continue;
    }
    const fields = mapProfile(view, mapping);
    const print = fingerprint(email, fields);
    const last = page.delivered.get(view.id);
    if (last?.fingerprint === print) {
      out.unchanged++;
      continue;
    }
    // update_only: a contact this sync never delivered is not created.
    if (!last && definition.mode === 'update_only') {
      out.skipped++;
      continue;
    }
    if (tally) noteBlanked(tally, blankedFields(layout, last?.filled, fields));
    out.next.set(view.id, { fingerprint: print, filled: filledMarker(layout, fields) });
    out.changed.push({ profileId: view.id, email, fields });
  }
  return out;
}

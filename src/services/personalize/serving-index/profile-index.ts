import type { ProfileLookup } from '../profile-query.js';
import type { Intern, ServedProfile } from '../served-profile.js';

/** A profile as held, with the identity keys that lead to it (to let go of them on eviction). */
interface HeldProfile {
  profile: ServedProfile;
  keys: readonly string[];
}

/** Strings shared while at most this many are distinct; past it they are kept as read. */
const INTERN_CAPACITY = 500_000;

/**
 * The send-time webhook's profiles in memory: identity key or profile id → what the answer needs.
 * Pure bookkeeping, no I/O: serving-index.ts fills it from the database and keeps it current from
 * the change log. Every profile it holds is answered from here; anything else is a miss and is
 * read from the database.
 */
export class ProfileIndex {
  /** Straight to the profile (a send follows one pointer less); byId knows its keys. */
  private readonly byKey = new Map<string, ServedProfile>();
  private readonly byId = new Map<string, HeldProfile>();
  private readonly strings = new Map<string, string>();

  readonly intern: Intern = (text) => {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size < INTERN_CAPACITY) this.strings.set(text, text);
    return text;
  };

  get(lookup: ProfileLookup): ServedProfile | undefined {
    return lookup.byId ? this.byId.get(lookup.key)?.profile : this.byKey.get(lookup.key);
  }

  /** Holds `profile` under its id and `keys`, replacing what was held for that id. */
  put(profile: ServedProfile, keys: readonly string[]): void {
    this.evict(profile.id);
    const held = { profile, keys };
    this.byId.set(profile.id, held);
    for (const key of keys) this.byKey.set(key, profile);
  }

  /**
   * Lets go of a profile and of the keys that still lead to it. A key already taken over by
   * another profile (a merge applied in the other order) stays with that one.
   */
  evict(id: string): void {
    const held = this.byId.get(id);
    if (!held) return;
    this.byId.delete(id);
    for (const key of held.keys) if (this.byKey.get(key) === held.profile) this.byKey.delete(key);
  }

  get profiles(): number {
    return this.byId.size;
  }

  get keys(): number {
    return this.byKey.size;
  }
}

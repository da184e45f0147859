import { IDENTIFIER_FAMILIES, type IdentitySettings } from '../settings.js';

/** Identifier families that carry limits, in the order limits are checked and reported. */
export const LIMITED_FAMILIES = IDENTIFIER_FAMILIES;
const FAMILY_COUNT = LIMITED_FAMILIES.length;
/** Types outside the known families: never limited, ranked after every listed family. */
export const OTHER_FAMILY = FAMILY_COUNT;

/** Family index of an identifier type (`external:hubspot` → external). */
export function familyIndex(type: string): number {
  switch (type) {
    case 'user_id':
      return 0;
    case 'email':
      return 1;
    case 'phone':
      return 2;
    case 'anonymous_id':
      return 3;
    case 'external':
      return 4;
    default:
      return type.startsWith('external:') ? 4 : OTHER_FAMILY;
  }
}

/** Most identifiers of each family one profile may hold (index by familyIndex). */
export function familyLimits(settings: IdentitySettings): number[] {
  return [...LIMITED_FAMILIES.map((family) => settings.limits[family]), Number.POSITIVE_INFINITY];
}

/** Priority rank of each family (lower first); families missing from `priority` rank last. */
export function familyRanks(settings: IdentitySettings): number[] {
  const rank = (family: (typeof LIMITED_FAMILIES)[number]) => {
    const index = settings.priority.indexOf(family);
    return index === -1 ? settings.priority.length : index;
  };
  return [...LIMITED_FAMILIES.map(rank), settings.priority.length];
}

/**
 * The profiles one batch touches, as dense integer nodes: stored owners first, then profiles the
 * batch creates. Union-find over typed arrays with per-family identifier counts at the roots.
 * A batch of 20,000 records used to keep a Map of counts per profile and string-keyed parents;
 * building and collecting those cost more than the resolution itself.
 */
export class BatchGraph {
  readonly ids: string[] = [];
  private readonly parent: Int32Array;
  private readonly counts: Int32Array;
  private storedCount = 0;

  constructor(capacity: number) {
    this.parent = new Int32Array(capacity);
    this.counts = new Int32Array(capacity * FAMILY_COUNT);
  }

  /** Stored profiles must all be added before the first new one. */
  addStored(id: string): number {
    if (this.storedCount !== this.ids.length) throw new Error('stored profiles are added before new ones');
    this.storedCount++;
    return this.add(id);
  }

  addNew(id: string): number {
    return this.add(id);
  }

  private add(id: string): number {
    const node = this.ids.length;
    this.ids.push(id);
    this.parent[node] = node;
    return node;
  }

  isStored(node: number): boolean {
    return node < this.storedCount;
  }

  find(node: number): number {
    const parent = this.parent;
    let root = node;
    while (parent[root] !== root) root = parent[root]!;
    // Path compression keeps long in-batch chains cheap.
    while (node !== root) {
      const next = parent[node]!;
      parent[node] = root;
      node = next;
    }
    return root;
  }

  /** Identifiers of `family` held by root `node` (0 for families without limits). */
  count(node: number, family: number): number {
    return family === OTHER_FAMILY ? 0 : this.counts[node * FAMILY_COUNT + family]!;
  }

  addCount(node: number, family: number, n = 1): void {
    if (family !== OTHER_FAMILY) this.counts[node * FAMILY_COUNT + family]! += n;
  }

  /** The first family (in LIMITED_FAMILIES order) over its limit if roots `a` and `b` joined, or -1. */
  exceededOnJoin(a: number, b: number, limits: readonly number[]): number {
    for (let family = 0; family < FAMILY_COUNT; family++) {
      const total = this.counts[a * FAMILY_COUNT + family]! + this.counts[b * FAMILY_COUNT + family]!;
      if (total > limits[family]!) return family;
    }
    return -1;
  }

  /** Joins root `merged` into root `survivor`. */
  merge(survivor: number, merged: number): void {
    this.parent[merged] = survivor;
    for (let family = 0; family < FAMILY_COUNT; family++) {
      this.counts[survivor * FAMILY_COUNT + family]! += this.counts[merged * FAMILY_COUNT + family]!;
    }
  }
}

/**
 * The map's value for `key`, made with `make` and stored on first use. With `limit`, a map holding
 * that many keys starts over before it stores another: for values cheap to remake, where an LRU
 * would cost every hit.
 */
export function getOrInsert<K, V>(
  map: Map<K, V>,
  key: K,
  make: () => V,
  limit = Number.POSITIVE_INFINITY,
): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    if (map.size >= limit) map.clear();
    map.set(key, value);
  }
  return value;
}

/**
 * Values remembered per owner object and string key, made on first use. Owners are held weakly,
 * so a new owner (settings read again, another client, another rule object) starts afresh and an
 * old one's values go with it. Each owner keeps at most `maxPerOwner` keys: a full one starts over,
 * since the values are cheap to remake and an LRU would cost every hit.
 */
export class WeakKeyedMemo<Owner extends object, V> {
  private readonly byOwner = new WeakMap<Owner, Map<string, V>>();

  constructor(private readonly maxPerOwner = Number.POSITIVE_INFINITY) {}

  get(owner: Owner, key: string, make: () => V): V {
    let values = this.byOwner.get(owner);
    if (!values) {
      values = new Map();
      this.byOwner.set(owner, values);
    }
    return getOrInsert(values, key, make, this.maxPerOwner);
  }
}

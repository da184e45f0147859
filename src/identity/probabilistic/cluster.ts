/**
 * Entities from pairwise links: connected components (union-find with path halving and union by
 * size). Merges are transitive (a = b and b = c put a, b and c in one profile), and a component
 * also joins two duplicates that blocking never compared directly.
 */
export function connectedComponents(
  size: number,
  left: ArrayLike<number>,
  right: ArrayLike<number>,
): Int32Array {
  const parent = new Int32Array(size);
  const weight = new Int32Array(size).fill(1);
  for (let i = 0; i < size; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let p = 0; p < left.length; p++) {
    let a = find(left[p]!);
    let b = find(right[p]!);
    if (a === b) continue;
    if (weight[a]! < weight[b]!) [a, b] = [b, a];
    parent[b] = a;
    weight[a]! += weight[b]!;
  }
  // Cluster ids are dense and numbered in order of each cluster's first record: stable output.
  const id = new Int32Array(size).fill(-1);
  const out = new Int32Array(size);
  let next = 0;
  for (let i = 0; i < size; i++) {
    const root = find(i);
    if (id[root] === -1) id[root] = next++;
    out[i] = id[root]!;
  }
  return out;
}

/** Members of every cluster with more than one record, each list ascending. */
export function clusterMembers(clusterOf: Int32Array): number[][] {
  const byCluster = new Map<number, number[]>();
  for (let i = 0; i < clusterOf.length; i++) {
    const cluster = clusterOf[i]!;
    const members = byCluster.get(cluster);
    if (members) members.push(i);
    else byCluster.set(cluster, [i]);
  }
  return [...byCluster.values()].filter((members) => members.length > 1);
}

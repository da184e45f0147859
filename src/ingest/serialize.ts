/**
 * Resolution reads the graph, plans, then writes; two batches interleaving between the read and
 * the write could each create a profile for the same new identifier. One queue per database keeps
 * batches of one process in order (across Worker isolates the unique index on identities still
 * holds the invariant; a lost race leaves two profiles that the next record or a re-resolution joins).
 */
const queues = new WeakMap<object, Promise<unknown>>();

export function serialized<T>(key: object, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  queues.set(
    key,
    run.catch(() => undefined),
  );
  return run;
}

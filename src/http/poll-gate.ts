/**
 * A gate that requests on Node wait at until the event loop's poll phase is over: every request
 * that phase read is let through at once (one shared promise), so a hot route runs phase by phase
 * instead of one request at a time: Node's HTTP parsing for the whole burst, then the route's own
 * work for all of it, each stretch of code and data running many times while it is in the CPU's
 * caches, and the answers written back to back. For the send-time webhook this took server CPU per
 * send from 82 to 65 µs at 200,000 profiles (docs/benchmarks.md).
 *
 * The wait is the rest of the current loop turn: microseconds when idle. At most `maxPerBurst`
 * requests go through together; later ones wait for the next opening (in the same check phase,
 * once the earlier ones are answered), so the first request of a very large burst is not held
 * for all of it.
 */
export function createPollGate(maxPerBurst: number): () => Promise<void> {
  let opening: Promise<void> | undefined;
  let waiting = 0;
  return () => {
    if (!opening || waiting >= maxPerBurst) {
      waiting = 0;
      const next = new Promise<void>((resolve) =>
        setImmediate(() => {
          if (opening === next) opening = undefined;
          resolve();
        }),
      );
      opening = next;
    }
    waiting++;
    return opening;
  };
}

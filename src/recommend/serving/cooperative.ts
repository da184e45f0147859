/**
 * A long run shares its thread: on Node the embedded database answers synchronously, so a
 * precompute over a million profiles would otherwise hold the event loop (and the send-time
 * webhook with it) for minutes. Call the returned function often; it yields once per `sliceMs`.
 */
export function cooperative(sliceMs = 20): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < sliceMs) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}

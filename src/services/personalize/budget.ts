/**
 * Waits for `work` at most `ms`: past that the caller answers without it (the work runs on and is
 * dropped). Only asynchronous drivers (D1, a libSQL server) can be overtaken; the embedded
 * database answers synchronously, within the same turn, so its answers are never cut short.
 */
export async function withinBudget<T>(
  work: Promise<T>,
  ms: number,
): Promise<{ done: true; value: T } | { done: false }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ done: true as const, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

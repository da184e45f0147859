import type { Context } from 'hono';
import type { AppEnv } from '../app-deps.js';

/** Where work goes on after the answer: Workers' waitUntil; on Node the promise simply runs on. */
export function backgroundOf(c: Context<AppEnv>) {
  return (work: Promise<unknown>) => {
    try {
      c.executionCtx.waitUntil(work);
    } catch {
      // Node has no execution context.
    }
  };
}

import cron from 'node-cron';
import type { AppDeps } from '../app-deps.js';
import { distinctCrons } from './crons.js';
import { runScheduled } from './jobs.js';

/** Node's scheduler: node-cron firing the same cron strings the Workers triggers use (UTC). */
export function startNodeScheduler(deps: AppDeps): { stop(): Promise<void> } {
  const running = new Set<Promise<void>>();
  const tasks = distinctCrons().map((expression) =>
    cron.schedule(
      expression,
      () => {
        const run = runScheduled(deps, expression).finally(() => running.delete(run));
        running.add(run);
      },
      { timezone: 'UTC', noOverlap: true, name: expression },
    ),
  );
  deps.logger.info('scheduler started', { crons: distinctCrons() });
  return {
    async stop() {
      for (const task of tasks) await task.stop();
      // Let jobs that already started finish their current step rather than cutting writes short.
      await Promise.allSettled([...running]);
    },
  };
}

import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Where a worker module is, given the URL of the module that starts it: `name.ts` beside it when
 * running from source (tsx: tests, benchmarks of the engines, `npm run dev`), `name.mjs` beside
 * the built server (scripts/build-server.mjs puts every worker next to dist/server/node.mjs).
 */
export function workerModuleUrl(callerUrl: string, name: string): string {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.mjs'}`, callerUrl).href;
}

/**
 * A worker thread running the module at `moduleUrl` (an absolute file URL). A TypeScript module
 * gets a bootstrap that registers tsx first, so it starts the same way in tests and development;
 * a built one starts as it is.
 */
export function startTsWorker(moduleUrl: string, options: WorkerOptions = {}): Worker {
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL(moduleUrl), options);
  // Resolved only here: the built server runs without tsx installed.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

import { Worker, type WorkerOptions } from 'node:worker_threads';

// Workers are TypeScript like the rest of the code: the bootstrap registers tsx itself, so a worker
// starts the same way under `npm start`, the tests and the benchmarks.
const TSX_API = import.meta.resolve('tsx/esm/api');

/** A worker thread running the TypeScript module at `moduleUrl` (an absolute file URL). */
export function startTsWorker(moduleUrl: string, options: WorkerOptions = {}): Worker {
  const bootstrap = `import(${JSON.stringify(TSX_API)}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

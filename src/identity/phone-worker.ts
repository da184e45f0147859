import { parentPort } from 'node:worker_threads';
import { normalizePhone } from './normalize.js';
import type { PhoneJob, PhoneJobResult } from './phone-offload.js';

// Runs in a worker thread (see phone-offload.ts): the same normalizePhone the pipeline calls inline.
parentPort?.on('message', (job: PhoneJob) => {
  const values: string[] = new Array(job.raws.length);
  const valid = new Uint8Array(job.raws.length);
  job.raws.forEach((raw, i) => {
    const normalized = normalizePhone(raw, job.settings);
    values[i] = normalized.value;
    valid[i] = normalized.valid ? 1 : 0;
  });
  const result: PhoneJobResult = { id: job.id, values, valid };
  parentPort?.postMessage(result, [valid.buffer]);
});

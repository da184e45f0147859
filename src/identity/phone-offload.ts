import type { Worker } from 'node:worker_threads';
import { startTsWorker, workerModuleUrl } from '../lib/ts-worker.js';
import type { NormalizedIdentifier } from './normalize.js';
import type { IdentitySettings } from './settings.js';

/**
 * Phone normalization on a second core (Node only). Parsing and validating a number against
 * libphonenumber's full metadata costs ~9 µs, the largest per-record CPU cost of a bulk import;
 * while the pipeline writes one batch on the main thread, the next batch's phones are parsed here.
 * The Workers runtime has no threads and normalizes inline (its batches are small).
 */
export interface PhoneOffload {
  normalizePhones(raws: string[], settings: IdentitySettings['phone']): Promise<NormalizedIdentifier[]>;
  close(): Promise<void>;
}

export interface PhoneJob {
  id: number;
  raws: string[];
  settings: IdentitySettings['phone'];
}
export interface PhoneJobResult {
  id: number;
  values: string[];
  valid: Uint8Array;
}

const WORKER_URL = workerModuleUrl(import.meta.url, 'phone-worker');

export function createPhoneOffload(): PhoneOffload {
  let current: { worker: Worker; pending: Map<number, Waiter> } | undefined;
  let nextId = 0;

  // Started on first use: most processes never import a bulk file.
  const started = () => {
    if (current) return current;
    const worker = startTsWorker(WORKER_URL);
    // An idle worker must not keep the process alive (tests, CLIs, graceful shutdown).
    worker.unref();
    const pending = new Map<number, Waiter>();
    const fail = (error: unknown) => {
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
      if (current?.worker === worker) current = undefined;
    };
    worker.on('message', (result: PhoneJobResult) => {
      pending.get(result.id)?.resolve(result);
      pending.delete(result.id);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`phone normalization worker exited with code ${code}`)));
    current = { worker, pending };
    return current;
  };

  return {
    async normalizePhones(raws, settings) {
      const id = nextId++;
      const result = await new Promise<PhoneJobResult>((resolve, reject) => {
        const { worker, pending } = started();
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, raws, settings } satisfies PhoneJob);
      });
      return raws.map((raw, i) => ({
        type: 'phone',
        value: result.values[i]!,
        rawValue: raw,
        valid: result.valid[i] === 1,
      }));
    },
    async close() {
      const closing = current;
      current = undefined;
      if (closing) await closing.worker.terminate();
    },
  };
}

interface Waiter {
  resolve(result: PhoneJobResult): void;
  reject(error: unknown): void;
}

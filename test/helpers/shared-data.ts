import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

/**
 * The one way tests and benchmarks reach `../shared` (public data sets, vendor specs), which sits
 * beside the repository and is never copied into it. `ESP_HUB_SHARED_DIR` points elsewhere
 * (absolute, or relative to the repository root); where the files are absent, the suites that
 * need them skip with the reason in their name and everything else still runs.
 */

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The shared directory: `$ESP_HUB_SHARED_DIR`, else `../shared` next to the repository. */
export function sharedDir(): string {
  const fromEnv = process.env.ESP_HUB_SHARED_DIR?.trim();
  if (fromEnv) return isAbsolute(fromEnv) ? fromEnv : resolve(REPO_ROOT, fromEnv);
  return resolve(REPO_ROOT, '..', 'shared');
}

/** A path inside the shared directory: `sharedDataPath('data', 'febrl', 'dataset1.csv')`. */
export function sharedDataPath(...parts: string[]): string {
  return join(sharedDir(), ...parts);
}

export function sharedDataAvailable(relPath: string): boolean {
  return existsSync(sharedDataPath(relPath));
}

/** Why a suite is skipped, e.g. `../shared/data/febrl not found: set ESP_HUB_SHARED_DIR`. */
export function missingSharedDataReason(relPath: string): string {
  const shown = process.env.ESP_HUB_SHARED_DIR?.trim() ? sharedDataPath(relPath) : `../shared/${relPath}`;
  return `${shown} not found: set ESP_HUB_SHARED_DIR`;
}

/** `describe` when `relPath` exists under the shared directory, otherwise a skipped suite saying why. */
export function describeWithSharedData(relPath: string, name: string, body: () => void): void {
  if (sharedDataAvailable(relPath)) describe(name, body);
  else describe.skip(`${name} (${missingSharedDataReason(relPath)})`, body);
}

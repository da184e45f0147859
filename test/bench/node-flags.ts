import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * How `npm start` runs the server (read from package.json, so the benchmarks measure the server
 * as it is started, not a differently tuned one).
 */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  scripts: { start: string };
};
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** node's arguments in `npm start`: its flags, then the built server (dist/server/node.mjs). */
export const SERVER_START_ARGS: string[] = pkg.scripts.start.split(/\s+/).slice(1);

/** Its flags alone, for child processes that run TypeScript under tsx with the same tuning. */
export const SERVER_NODE_FLAGS: string[] = SERVER_START_ARGS.filter((word) => word.startsWith('--'));

/** What `npm start` runs first (prestart): builds dist/server from the sources. */
export function buildServer(): void {
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

import { readFileSync } from 'node:fs';

/**
 * The node flags `npm start` runs the server with (read from package.json, so the benchmarks
 * measure the server as it is started, not a differently tuned one).
 */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  scripts: { start: string };
};
export const SERVER_NODE_FLAGS: string[] = pkg.scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith('--') && word !== '--import');

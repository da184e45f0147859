import { randomBytes } from 'node:crypto';
const require_random = () => randomBytes(32).toString('base64url');
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
const dir = process.argv[2]!; const profiles = Number(process.argv[3]);
const { emailOf } = await import('/work/main/test/bench/personalize-seed.ts');
const adminKey = readFileSync(`${dir}/admin.key`, 'utf8').trim();
const port = 38000 + Math.floor(Math.random() * 1000);
const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'src/entry/node.ts'], { cwd: '/work/main', env: { ...process.env, EXP_AB: '1', PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', ESP_HUB_DATA_DIR: dir, ESP_HUB_DATABASE_URL: `file:${dir}/bench.db`, ESP_HUB_ADMIN_KEY: adminKey, ESP_HUB_SECRET_KEY: require_random(), ESP_HUB_SCHEDULER: 'off', ESP_HUB_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'inherit', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
for (;;) { try { const r = await fetch(`${base}/v1/admin/metrics/personalize`, { headers: admin }); const j: any = await r.json(); if (j.servingIndex?.state === 'ready') break; } catch {} await new Promise(r => setTimeout(r, 500)); }
const { key } = await (await fetch(`${base}/v1/admin/api-keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'ab', role: 'personalize' }) })).json() as any;
await fetch(`${base}/v1/admin/settings/recommendations`, { method: 'PUT', headers: admin, body: JSON.stringify({ webhook: { rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } } }) });
let k = 1;
const next = () => { k = (k + 7919) % profiles; return `/v1/personalize?email=${encodeURIComponent(emailOf(k))}&slots=hero,recs&n=4&send_id=bench-send`; };
const run = async (headers: Record<string,string>, s: number) => { const r = await autocannon({ url: base + next(), connections: 50, duration: s, headers, requests: [{ setupRequest: (req: any) => ({ ...req, path: next() }) }] }); return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx }; };
const auth = { authorization: `Bearer ${key}` };
await run(auth, 3); await run({ ...auth, 'x-hono': '1' }, 3);
const res: Record<string, number[]> = { direct: [], hono: [] };
for (let i = 0; i < Number(process.env.ROUNDS ?? 6); i++) {
  for (const side of (i % 2 ? ['hono', 'direct'] : ['direct', 'hono'])) {
    const r = await run(side === 'hono' ? { ...auth, 'x-hono': '1' } : auth, 4);
    res[side]!.push(r.rps); console.log(side, r.rps.toFixed(0), 'p99', r.p99, 'non2xx', r.non2xx);
  }
}
const avg = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
console.log('direct', avg(res.direct!).toFixed(0), 'hono', avg(res.hono!).toFixed(0), 'ratio', (avg(res.direct!) / avg(res.hono!)).toFixed(3));
child.kill('SIGKILL'); process.exit(0);

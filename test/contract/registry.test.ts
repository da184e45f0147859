import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectors, getConnector } from '../../connectors/registry.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const connectorsDir = path.resolve(here, '../../connectors');

describe('connector registry', () => {
  it.each(Object.keys(connectors))('"%s" has a contract test that runs the shared suite', (id) => {
    const file = path.join(here, `${id}.contract.test.ts`);
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new Error(`connector "${id}" has no test/contract/${id}.contract.test.ts`);
    }
    expect(text).toContain('runConnectorContract(');
    expect(text).toMatch(new RegExp(`connectors/${id}/index\\.js`));
  });

  it('lists every connector folder', () => {
    const folders = readdirSync(connectorsDir).filter((entry) =>
      statSync(path.join(connectorsDir, entry)).isDirectory(),
    );
    expect(folders.sort()).toEqual(Object.keys(connectors).sort());
  });

  it('finds connectors by id and nothing else', () => {
    expect(getConnector('csv')).toBe(connectors.csv);
    expect(getConnector('file')).toBe(connectors.file);
    expect(getConnector('nope')).toBeUndefined();
    expect(getConnector('constructor')).toBeUndefined();
    expect(getConnector('__proto__')).toBeUndefined();
  });

  // The vendors' official SDKs are the one exception (DESIGN.md: client.ts uses the official SDK).
  const OFFICIAL_SDKS = new Set([
    '@hubspot/api-client',
    '@mailchimp/mailchimp_marketing',
    '@sendgrid/client',
  ]);

  it('connectors import only the kit, zod, the official vendor SDKs and their own folder', () => {
    const kitDir = path.resolve(connectorsDir, '../src/connector-kit');
    const offenders: string[] = [];
    for (const folder of readdirSync(connectorsDir)) {
      const folderPath = path.join(connectorsDir, folder);
      if (!statSync(folderPath).isDirectory()) continue;
      for (const entry of readdirSync(folderPath, { recursive: true, encoding: 'utf8' })) {
        if (!entry.endsWith('.ts')) continue;
        const filePath = path.join(folderPath, entry);
        const source = readFileSync(filePath, 'utf8');
        for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
          if (specifier === undefined || specifier === 'zod') continue;
          if (
            OFFICIAL_SDKS.has(specifier) ||
            [...OFFICIAL_SDKS].some((sdk) => specifier.startsWith(`${sdk}/`))
          )
            continue;
          const target = specifier.startsWith('.')
            ? path.resolve(path.dirname(filePath), specifier)
            : specifier;
          const inOwnFolder = target.startsWith(folderPath + path.sep);
          // The Node file store is for the Node entry only; connectors must also load on Workers.
          const inKit = target.startsWith(kitDir + path.sep) && !target.includes('node-file-store');
          if (!inOwnFolder && !inKit)
            offenders.push(`${path.relative(connectorsDir, filePath)} imports ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

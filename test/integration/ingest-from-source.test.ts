import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csv } from '../../connectors/csv/index.js';
import { identities, profiles } from '../../src/db/schema/index.js';
import { ingestSourceBatch } from '../../src/ingest/from-source.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('source connector batches into the pipeline', () => {
  it('stores what the csv source reads, with the source id namespaced, and joins a re-read', async () => {
    const config = csv.configSchema.parse({
      content: 'id,email,first_name\n17,ann@example.com,Ann\n18,bob@example.com,Bob\n',
      columns: { externalId: 'id' },
    });
    const batches = [];
    for await (const batch of csv.source!.read(t.deps.connectorContext(), config, null)) batches.push(batch);
    const first = await ingestSourceBatch(
      t.deps,
      'crm-export',
      batches.flatMap((b) => b.records),
    );
    expect(first.map((r) => r.status)).toEqual(['stored', 'stored']);
    const again = await ingestSourceBatch(
      t.deps,
      'crm-export',
      batches.flatMap((b) => b.records),
    );
    expect(again.map((r) => (r as { created: boolean }).created)).toEqual([false, false]);

    const ann = (first[0] as { profileId: string }).profileId;
    const ids = await t.deps.db.select().from(identities).where(eq(identities.profileId, ann));
    expect(ids.map((i) => `${i.type}:${i.value}`).sort()).toEqual([
      'email:ann@example.com',
      'external:crm-export:17',
    ]);
    const [row] = await t.deps.db.select().from(profiles).where(eq(profiles.id, ann));
    expect(row!.traits).toMatchObject({ first_name: 'Ann' });
  });
});

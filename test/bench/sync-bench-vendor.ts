import { type FakeEsp, type FakeEspOptions, startFakeEsp } from '../fakes/esp/server.js';
import { FAKE_TOKEN, type FakeHubspot, startFakeHubspot } from '../fakes/hubspot/server.js';
import { emit, peakRssMb, roleArgs, serve } from './sync-bench-process.js';

/**
 * A fake vendor for the sync benchmark, in a process of its own so its member store and request
 * handling are neither counted in the engine's memory nor compete with it for the event loop.
 * Emits `ready` with what a connection needs, then answers `stats`, `verify`, `reset`, `close`.
 */
type Args = { kind: 'esp'; options: FakeEspOptions } | { kind: 'hubspot'; requestsPerTenSeconds: number };

function espCommands(esp: FakeEsp) {
  return {
    stats: () => ({ ...esp.counters, members: esp.memberCount(), duplicates: esp.duplicates() }),
    /** Members missing or with other fields than benchPerson(i) would have, for i < n. */
    verify: (args: unknown) => {
      const { n } = args as { n: number };
      let wrong = 0;
      for (let i = 0; i < n; i++) {
        const member = esp.member(`person${i}@example.com`);
        if (member?.mergeFields.FNAME !== `P${i}` || member.mergeFields.LNAME !== `L${i}`) wrong++;
      }
      return { wrong, members: esp.memberCount(), duplicates: esp.duplicates() };
    },
    reset: () => esp.resetCounters(),
  };
}

function hubspotCommands(hubspot: FakeHubspot) {
  return {
    stats: () => {
      const upserts = hubspot.requests.filter((request) => request.path.endsWith('/batch/upsert'));
      return {
        calls: upserts.length,
        rejected429: upserts.filter((request) => request.status === 429).length,
        contacts: hubspot.store.contacts.size,
      };
    },
    reset: () => hubspot.reset(),
  };
}

async function main(): Promise<void> {
  const args = roleArgs<Args>();
  if (args.kind === 'esp') {
    const esp = await startFakeEsp(args.options);
    serve({
      ...espCommands(esp),
      close: async () => {
        await esp.close();
        setImmediate(() => process.exit(0));
        return { peakRssMb: peakRssMb() };
      },
    });
    await emit('ready', { baseUrl: esp.baseUrl, apiKey: esp.apiKey, listId: esp.listId });
  } else {
    const hubspot = await startFakeHubspot({ requestsPerTenSeconds: args.requestsPerTenSeconds });
    serve({
      ...hubspotCommands(hubspot),
      close: async () => {
        await hubspot.close();
        setImmediate(() => process.exit(0));
        return { peakRssMb: peakRssMb() };
      },
    });
    await emit('ready', { url: hubspot.url, token: FAKE_TOKEN });
  }
}

await main();

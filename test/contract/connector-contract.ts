/**
 * The shared contract every connector runs (see DESIGN.md, "The connector contract"). A
 * connector's `<id>.contract.test.ts` calls `runConnectorContract` with a fixture; the registry
 * test fails when a registered connector has no such file.
 */
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/registry.js';
import {
  CONNECTOR_ERROR_CODES,
  type Connector,
  type ConnectorContext,
  configJsonSchema,
  type DestinationRecord,
  type FieldSpec,
  joinSecrets,
  parseConfig,
  REDACTED,
  redactConfig,
  type SourceBatch,
  secretFieldsOf,
  splitSecrets,
} from '../../src/connector-kit/index.js';

export interface ContractFixture {
  /** Distinguishes several runs of one connector (e.g. per format) in test names. */
  label?: string;
  /** Must set every secret field, so redaction is tested on real values. */
  validConfig: Record<string, unknown>;
  invalidConfig: { input: unknown; path: string };
  /** A fresh context per call (fresh temp dir, fresh fake upstream). */
  context(): ConnectorContext | Promise<ConnectorContext>;
  /** Required when the connector is a source. Must produce at least two batches. */
  source?: { expectedRecordCount: number };
  /** Required when the connector is a destination. */
  destination?: {
    records: DestinationRecord[];
    /** A record the connector cannot write (e.g. an object field value). */
    badRecord: DestinationRecord;
  };
}

export function runConnectorContract(connector: Connector, fixture: ContractFixture): void {
  const name = fixture.label ? `${connector.id} (${fixture.label})` : connector.id;

  describe(`connector contract: ${name}`, () => {
    const parsedConfig = () => {
      const result = parseConfig(connector, fixture.validConfig);
      if (!result.success)
        throw new Error(`fixture validConfig does not parse: ${JSON.stringify(result.issues)}`);
      return result.data;
    };

    it('is registered under its own id', () => {
      const keys = Object.entries(connectors)
        .filter(([, registered]) => registered === connector)
        .map(([key]) => key);
      expect(keys).toEqual([connector.id]);
    });

    it('declares positive integer limits and at least one runtime', () => {
      const { limits } = connector;
      for (const value of [limits.batchSize, limits.concurrency]) {
        expect(Number.isSafeInteger(value) && value > 0, `limit ${value}`).toBe(true);
      }
      if (limits.requestsPerWindow) {
        expect(limits.requestsPerWindow.requests).toBeGreaterThan(0);
        expect(limits.requestsPerWindow.windowMs).toBeGreaterThan(0);
      }
      expect(connector.runtimes.length).toBeGreaterThan(0);
    });

    it('accepts the fixture config', () => {
      expect(parseConfig(connector, fixture.validConfig)).toMatchObject({ success: true });
    });

    it('rejects the invalid config, naming the bad path', () => {
      const result = parseConfig(connector, fixture.invalidConfig.input);
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(result.issues.map((issue) => issue.path)).toContain(fixture.invalidConfig.path);
      for (const issue of result.issues) expect(issue.message).not.toBe('');
    });

    it('publishes a draft 2020-12 JSON Schema with secret fields writeOnly', () => {
      const schema = configJsonSchema(connector);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      const properties = (schema.properties ?? {}) as Record<string, { writeOnly?: boolean }>;
      expect(Object.keys(properties).sort()).toEqual(Object.keys(connector.configSchema.shape).sort());
      const secrets = secretFieldsOf(connector);
      for (const [key, property] of Object.entries(properties)) {
        expect(property.writeOnly === true, `writeOnly of "${key}"`).toBe(secrets.includes(key));
      }
    });

    it('redacts every secret and splits/joins secrets losslessly', () => {
      const config = parsedConfig() as Record<string, unknown>;
      const secrets = secretFieldsOf(connector);
      const unset = secrets.filter((key) => config[key] === undefined);
      expect(unset, 'the fixture validConfig must set every secret field').toEqual([]);

      const redacted = redactConfig(connector, config);
      const text = JSON.stringify(redacted);
      for (const key of secrets) {
        expect(redacted[key]).toBe(REDACTED);
        expect(text).not.toContain(String(config[key]));
      }
      for (const key of Object.keys(config).filter((k) => !secrets.includes(k))) {
        expect(redacted[key]).toEqual(config[key]);
      }

      const { publicConfig, secrets: split } = splitSecrets(connector, config);
      expect(Object.keys(split).sort()).toEqual([...secrets].sort());
      expect(JSON.stringify(publicConfig)).not.toContain(REDACTED);
      for (const key of secrets) expect(publicConfig).not.toHaveProperty(key);
      expect(joinSecrets(publicConfig, split)).toEqual(config);
    });

    it.runIf(Boolean(connector.check))('check() succeeds on the fixture', async () => {
      const result = await connector.check!(await fixture.context(), parsedConfig());
      expect(result).toMatchObject({ ok: true });
    });

    if (connector.source) defineSourceContract(connector, fixture, parsedConfig);
    if (connector.destination) defineDestinationContract(connector, fixture, parsedConfig);
  });
}

function defineSourceContract(
  connector: Connector,
  fixture: ContractFixture,
  parsedConfig: () => unknown,
): void {
  const source = connector.source!;

  const readAll = async (checkpoint: unknown) => {
    const batches: SourceBatch<unknown>[] = [];
    for await (const batch of source.read(await fixture.context(), parsedConfig(), checkpoint))
      batches.push(batch);
    return batches;
  };
  /** Checkpoints are stored as JSON between runs; that trip must not change them. */
  const storedCheckpoint = (checkpoint: unknown) =>
    source.checkpointSchema.parse(JSON.parse(JSON.stringify(checkpoint)));

  describe('source', () => {
    it('has a source fixture', () => {
      expect(fixture.source, 'a source connector needs fixture.source').toBeDefined();
    });

    it('reads every record in batches within limits, with parseable checkpoints', async () => {
      const batches = await readAll(null);
      expect(batches.length, 'the fixture must produce at least two batches').toBeGreaterThanOrEqual(2);
      for (const batch of batches) {
        expect(batch.records.length).toBeLessThanOrEqual(connector.limits.batchSize);
        expect(source.checkpointSchema.safeParse(batch.checkpoint).success).toBe(true);
        expect(() => storedCheckpoint(batch.checkpoint)).not.toThrow();
      }
      const records = batches.flatMap((batch) => batch.records);
      expect(records).toHaveLength(fixture.source!.expectedRecordCount);
      const ids = records.map((record) => record.externalId);
      expect(new Set(ids).size, 'externalIds are unique').toBe(ids.length);
    });

    it('resumes from a middle checkpoint with no loss and no duplicates', async () => {
      const batches = await readAll(null);
      const middle = Math.floor((batches.length - 1) / 2);
      const expected = batches.slice(middle + 1).flatMap((batch) => batch.records);
      expect(expected.length, 'records after the middle checkpoint').toBeGreaterThan(0);

      const resumed = await readAll(storedCheckpoint(batches[middle]!.checkpoint));
      expect(resumed.flatMap((batch) => batch.records)).toEqual(expected);
    });

    it('yields no records when resumed from the last checkpoint', async () => {
      const batches = await readAll(null);
      const resumed = await readAll(storedCheckpoint(batches.at(-1)!.checkpoint));
      expect(resumed.flatMap((batch) => batch.records)).toEqual([]);
    });
  });
}

function defineDestinationContract(
  connector: Connector,
  fixture: ContractFixture,
  parsedConfig: () => unknown,
): void {
  const destination = connector.destination!;
  const sample = () => {
    if (!fixture.destination) throw new Error('a destination connector needs fixture.destination');
    return fixture.destination;
  };

  describe('destination', () => {
    it('has a destination fixture with at least two records', () => {
      expect(fixture.destination?.records.length ?? 0).toBeGreaterThanOrEqual(2);
    });

    it('upsert returns one ok result per record, in input order', async () => {
      const { records } = sample();
      const results = await destination.upsert(await fixture.context(), parsedConfig(), records);
      expect(results.map((r) => r.profileId)).toEqual(records.map((r) => r.profileId));
      expect(results.map((r) => r.status)).toEqual(records.map(() => 'ok'));
    });

    it('a bad record fails on its own, with a typed error, without failing the others', async () => {
      const { records, badRecord } = sample();
      const batch = [records[0]!, badRecord, ...records.slice(1)];
      const results = await destination.upsert(await fixture.context(), parsedConfig(), batch);
      expect(results.map((r) => r.profileId)).toEqual(batch.map((r) => r.profileId));
      expect(results.map((r) => r.status)).toEqual(batch.map((r) => (r === badRecord ? 'failed' : 'ok')));
      const bad = results[1]!;
      if (bad.status !== 'failed') throw new Error('unreachable');
      expect(CONNECTOR_ERROR_CODES).toContain(bad.error.code);
      expect(bad.error.message).not.toBe('');
    });

    it.runIf(Boolean(destination.ensureFields))(
      'ensureFields answers one field per spec, in order',
      async () => {
        const keys = [...new Set(sample().records.flatMap((r) => Object.keys(r.fields)))];
        const specs: FieldSpec[] = keys.map((key) => ({ key, label: key, type: 'text' }));
        const ensured = await destination.ensureFields!(await fixture.context(), parsedConfig(), specs);
        expect(ensured.map((f) => f.key)).toEqual(keys);
        for (const field of ensured) expect(field.destinationKey).not.toBe('');
      },
    );

    it.runIf(Boolean(destination.remove))(
      'remove returns one result per record, in input order',
      async () => {
        const { records } = sample();
        const results = await destination.remove!(await fixture.context(), parsedConfig(), records);
        expect(results.map((r) => [r.profileId, r.status])).toEqual(records.map((r) => [r.profileId, 'ok']));
      },
    );

    it.runIf(Boolean(destination.setMembership))(
      'setMembership returns one result per record, adds then removes',
      async () => {
        const { records } = sample();
        const [first, ...rest] = records;
        const results = await destination.setMembership!(
          await fixture.context(),
          parsedConfig(),
          'vip',
          rest,
          [first!],
        );
        expect(results.map((r) => [r.profileId, r.status])).toEqual(
          [...rest, first!].map((r) => [r.profileId, 'ok']),
        );
      },
    );
  });
}

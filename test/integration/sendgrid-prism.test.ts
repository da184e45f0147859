import { afterAll, beforeAll, expect, it } from 'vitest';
import { completedJob } from '../../connectors/sendgrid/fixtures/import-status.js';
import { sendgrid } from '../../connectors/sendgrid/index.js';
import { createConnectorContext, createMemoryLogger } from '../../src/connector-kit/index.js';
import { type PrismMock, startPrism } from '../helpers/prism.js';
import { describeWithSharedData } from '../helpers/shared-data.js';

/**
 * Every request the connector sends is validated by Stoplight Prism against SendGrid's own OpenAPI
 * documents. The vendor splits its API over several files, so one Prism per file is started and a
 * test-only fetch routes each request by path. One substitution: the import-status schema has no
 * example, so Prism answers `status: "string"`; the router still sends that request to Prism (to
 * validate it) but answers with the documented completed job, so the poll loop can finish.
 */
const BASE_URL = 'http://sendgrid.mock.test';

describeWithSharedData('specs/sendgrid', 'sendgrid connector against the vendor OpenAPI (Prism)', () => {
  let contacts: PrismMock;
  let fields: PrismMock;
  let lists: PrismMock;

  beforeAll(async () => {
    [contacts, fields, lists] = await Promise.all([
      startPrism('sendgrid/tsg_mc_contacts_v3.json'),
      startPrism('sendgrid/tsg_mc_custom_fields_v3.json'),
      startPrism('sendgrid/tsg_mc_lists_v3.json'),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([contacts?.stop(), fields?.stop(), lists?.stop()]);
  });

  const routedFetch: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const target = url.pathname.startsWith('/v3/marketing/field_definitions')
      ? fields
      : url.pathname.startsWith('/v3/marketing/lists')
        ? lists
        : contacts;
    const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.text();
    const response = await fetch(`${target.url}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body,
    });
    if (
      request.method === 'GET' &&
      /^\/v3\/marketing\/contacts\/imports\//.test(url.pathname) &&
      response.ok
    ) {
      return Response.json(completedJob);
    }
    return response;
  };

  const context = () => createConnectorContext({ fetch: routedFetch, logger: createMemoryLogger() });
  const config = sendgrid.configSchema.parse({
    apiKey: 'SG.prism-key',
    baseUrl: BASE_URL,
    listIds: ['ca7a3796-e8a8-4029-9ccb-df8937940562'],
  });
  const expectNoViolations = () => {
    expect([...contacts.violations(), ...fields.violations(), ...lists.violations()]).toEqual([]);
  };

  it('check reads the contact count', async () => {
    expect(await sendgrid.check!(context(), config)).toEqual({ ok: true, details: { contactCount: 0 } });
    expectNoViolations();
  });

  it('ensureFields reads the definitions and creates what is missing', async () => {
    const ensured = await sendgrid.destination!.ensureFields!(context(), config, [
      { key: 'first_name', label: 'First name', type: 'text' },
      { key: 'num_orders', label: 'Orders', type: 'number' },
      { key: 'clv.predicted', label: 'CLV', type: 'number' },
    ]);
    expect(ensured.map((f) => [f.destinationKey, f.created])).toEqual([
      ['first_name', false],
      ['num_orders', false],
      ['clv_predicted', true],
    ]);
    expectNoViolations();
  });

  it('upsert sends a valid PUT, polls the job and answers per record', async () => {
    const results = await sendgrid.destination!.upsert(context(), config, [
      {
        profileId: 'p1',
        email: 'ada@example.com',
        fields: { first_name: 'Ada', num_orders: 3, dob: '1990-12-10' },
      },
      { profileId: 'p2', email: 'grace@example.com', fields: { last_name: 'Hopper' } },
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
    expectNoViolations();
  });

  it('setMembership finds or creates the list, adds, and removes by contact id', async () => {
    const results = await sendgrid.destination!.setMembership!(
      context(),
      config,
      'vip',
      [{ profileId: 'p1', email: 'ada@example.com', fields: {} }],
      [{ profileId: 'p2', email: 'jane_doe@example.com', fields: {} }],
    );
    expect(results.map((r) => [r.profileId, r.status])).toEqual([
      ['p1', 'ok'],
      ['p2', 'ok'],
    ]);
    expectNoViolations();
  });

  it('remove looks contacts up by email and deletes them', async () => {
    const results = await sendgrid.destination!.remove!(context(), config, [
      { profileId: 'p1', email: 'jane_doe@example.com', fields: {} },
    ]);
    expect(results).toEqual([{ profileId: 'p1', status: 'ok', destinationId: 'asdf-Jkl-zxCvBNm' }]);
    expectNoViolations();
  });
});

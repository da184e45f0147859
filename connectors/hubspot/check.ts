import { type CheckResult, type ConnectorContext, isConnectorError } from '../../src/connector-kit/index.js';
import { callHubspot, hubspotClient } from './client.js';
import type { HubspotConfig } from './config.js';

/** One contact read: cheap, and needs exactly the scope the source needs (crm.objects.contacts.read). */
export async function checkHubspot(ctx: ConnectorContext, config: HubspotConfig): Promise<CheckResult> {
  try {
    const page = await callHubspot(ctx, 'contacts', () =>
      hubspotClient(config).crm.contacts.basicApi.getPage(1),
    );
    return { ok: true, details: { sampleContacts: page.results.length } };
  } catch (error) {
    if (isConnectorError(error)) return { ok: false, error: error.toJSON() };
    throw error;
  }
}

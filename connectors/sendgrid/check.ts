import { type CheckResult, type ConnectorContext, isConnectorError } from '../../src/connector-kit/index.js';
import { createSendgridClient } from './client.js';
import type { SendgridConfig } from './config.js';
import { contactCountResponse } from './responses.js';

/**
 * GET /v3/marketing/contacts/count: cheap, and it needs the Marketing scope every write needs,
 * so a Mail-Send-only key fails here (403) rather than mid-sync. The vendor's reason is kept.
 */
export async function checkSendgrid(ctx: ConnectorContext, config: SendgridConfig): Promise<CheckResult> {
  try {
    const body = await createSendgridClient(ctx, config).call(contactCountResponse, {
      method: 'GET',
      url: '/v3/marketing/contacts/count',
    });
    return { ok: true, details: { contactCount: body.contact_count } };
  } catch (error) {
    if (isConnectorError(error)) return { ok: false, error: error.toJSON() };
    throw error;
  }
}

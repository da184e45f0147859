import {
  type CheckResult,
  type ConnectorContext,
  ConnectorError,
  isConnectorError,
} from '../../src/connector-kit/index.js';
import { createMailchimpClient, listResponse, pingResponse } from './client.js';
import type { MailchimpConfig } from './config.js';

/**
 * Ping proves the key and data center; reading the audience proves the list id. Failures carry
 * Mailchimp's own explanation (its `detail`), which is what the admin needs to fix a key.
 */
export async function checkMailchimp(ctx: ConnectorContext, config: MailchimpConfig): Promise<CheckResult> {
  const client = createMailchimpClient(ctx, config);
  try {
    await client.call('GET', '/ping', pingResponse);
    const list = await client.call('GET', client.listPath, listResponse);
    return { ok: true, details: { listId: list.id ?? config.listId, listName: list.name ?? null } };
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    if (error.status === 404) {
      const notFound = new ConnectorError(
        'invalid_config',
        `audience "${config.listId}" not found: ${error.message}`,
        {
          field: 'listId',
          status: 404,
        },
      );
      return { ok: false, error: notFound.toJSON() };
    }
    return { ok: false, error: error.toJSON() };
  }
}

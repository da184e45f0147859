import type { ConnectorContext, DestinationRecord, RecordResult } from '../../src/connector-kit/index.js';
import { createSendgridClient, type SendgridClient } from './client.js';
import { LIST_ID, type SendgridConfig } from './config.js';
import { actOnContacts, type UpsertOptions, upsertContacts } from './contacts.js';
import { acceptedJobResponse, createdListResponse, listsPageResponse } from './responses.js';

const MAX_LIST_PAGES = 100;

/**
 * A list reference is a SendGrid list id (UUID) or a list name; a name that no list has yet is
 * created, so a segment can be pushed without first creating its list by hand.
 */
export async function resolveListId(client: SendgridClient, list: string): Promise<string> {
  if (LIST_ID.test(list)) return list;
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const body = await client.call(listsPageResponse, {
      method: 'GET',
      url: '/v3/marketing/lists',
      qs: { page_size: 1000, ...(pageToken ? { page_token: pageToken } : {}) },
    });
    const found = body.result.find((l) => l.name === list);
    if (found) return found.id;
    pageToken = nextPageToken(body._metadata?.next);
    if (!pageToken) break;
  }
  const created = await client.call(createdListResponse, {
    method: 'POST',
    url: '/v3/marketing/lists',
    body: { name: list },
  });
  return created.id;
}

/** `_metadata.next` is a full URL; only its `page_token` matters. */
export function nextPageToken(next: string | undefined): string | undefined {
  if (!next) return undefined;
  try {
    return new URL(next).searchParams.get('page_token') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds go through the contacts upsert with only the email and `list_ids: [list]` (the list, not
 * the config's default lists); removes look the contacts up by email and take them off the list.
 * Results: the adds in order, then the removes in order.
 */
export async function setSendgridMembership(
  ctx: ConnectorContext,
  config: SendgridConfig,
  list: string,
  add: DestinationRecord[],
  remove: DestinationRecord[],
  options: Pick<UpsertOptions, 'poll'> = {},
): Promise<RecordResult[]> {
  const client = createSendgridClient(ctx, config);
  const listId = await resolveListId(client, list);
  const added =
    add.length > 0
      ? await upsertContacts(ctx, config, add, { ...options, listIds: [listId], emailOnly: true })
      : [];
  const removed =
    remove.length > 0
      ? await actOnContacts(client, remove, async (ids) => {
          await client.call(acceptedJobResponse, {
            method: 'DELETE',
            url: `/v3/marketing/lists/${encodeURIComponent(listId)}/contacts`,
            qs: { contact_ids: ids.join(',') },
          });
        })
      : [];
  return [...added, ...removed];
}

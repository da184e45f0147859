import { z } from 'zod';
import { type ConnectorContext, requestJson } from '../../src/connector-kit/index.js';
import { apiRoot, type MailchimpConfig } from './config.js';

/**
 * Mailchimp's API over the host's fetch, one client per connection (config in, nothing shared).
 * Not the official SDK: its default export is a process-wide singleton, it sends through
 * superagent (Node's http, `fs`), so it cannot run on Workers and would bypass `ctx.fetch`, the
 * context's timeouts and cancellation; and connectors may only import the kit and zod.
 */
export interface MailchimpClient {
  call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    schema: S,
    options?: { body?: unknown; query?: Record<string, string>; timeoutMs?: number },
  ): Promise<z.output<S>>;
  /** Path prefix of the configured audience: `/lists/<listId>`. */
  listPath: string;
}

/** Answers with no body (204) parse as `undefined`. */
export const noContent = z.unknown();

export function createMailchimpClient(ctx: ConnectorContext, config: MailchimpConfig): MailchimpClient {
  const root = apiRoot(config);
  // Mailchimp takes any user name with the key as the password.
  const authorization = `Basic ${btoa(`esp-hub:${config.apiKey}`)}`;
  return {
    listPath: `/lists/${encodeURIComponent(config.listId)}`,
    call(method, path, schema, options = {}) {
      const url = new URL(`${root}${path}`);
      for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
      return requestJson({
        ctx,
        url,
        method,
        headers: { authorization },
        body: options.body,
        schema,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    },
  };
}

const memberSummary = z.object({ email_address: z.string().optional(), id: z.string().optional() });

/** `POST /lists/{list_id}` (batch subscribe): only what per-record results need. */
export const batchSubscribeResponse = z.object({
  new_members: z.array(memberSummary).default([]),
  updated_members: z.array(memberSummary).default([]),
  errors: z
    .array(
      z.object({
        email_address: z.string().optional(),
        error: z.string().optional(),
        error_code: z.string().optional(),
        field: z.string().optional(),
        field_message: z.string().optional(),
      }),
    )
    .default([]),
});
export type BatchSubscribeResponse = z.output<typeof batchSubscribeResponse>;

export const mergeFieldsResponse = z.object({
  merge_fields: z
    .array(z.object({ tag: z.string(), name: z.string().default(''), type: z.string().optional() }))
    .default([]),
  total_items: z.number().int().nonnegative().default(0),
});

export const mergeFieldResponse = z.object({ tag: z.string().optional(), merge_id: z.number().optional() });

export const segmentsResponse = z.object({
  segments: z
    .array(z.object({ id: z.number().int(), name: z.string(), type: z.string().optional() }))
    .default([]),
  total_items: z.number().int().nonnegative().default(0),
});

export const segmentResponse = z.object({ id: z.number().int(), name: z.string().optional() });

/** `POST /lists/{list_id}/segments/{segment_id}`: errors name the addresses they concern. */
export const segmentMembersResponse = z.object({
  errors: z
    .array(z.object({ email_addresses: z.array(z.string()).default([]), error: z.string().optional() }))
    .default([]),
});
export type SegmentMembersResponse = z.output<typeof segmentMembersResponse>;

export const pingResponse = z.object({ health_status: z.string().optional() });
export const listResponse = z.object({ id: z.string().optional(), name: z.string().optional() });

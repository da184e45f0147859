import { Client } from '@sendgrid/client';
import type { z } from 'zod';
import {
  type ConnectorContext,
  ConnectorError,
  DEFAULT_TIMEOUT_MS,
  errorForStatus,
} from '../../src/connector-kit/index.js';
import type { SendgridConfig } from './config.js';

export interface SendgridRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path from the API root, `/v3/…`. */
  url: string;
  qs?: Record<string, string | number>;
  body?: unknown;
}

export interface SendgridClient {
  /** Sends the request and returns the 2xx body validated by `schema`; failures are `ConnectorError`s. */
  call<S extends z.ZodType>(schema: S, request: SendgridRequest): Promise<z.output<S>>;
}

/**
 * One `@sendgrid/client` instance per call site (never the package's default singleton, which
 * would share the API key across tenants). Its axios transport is pointed at `ctx.fetch` through
 * axios's fetch adapter, so tests inject upstreams, `ctx.signal` cancels, and Workers need no Node
 * HTTP stack.
 */
export function createSendgridClient(ctx: ConnectorContext, config: SendgridConfig): SendgridClient {
  const sdk = new Client();
  sdk.setApiKey(config.apiKey);
  // After setApiKey, which resets the base URL to the region's host.
  if (config.baseUrl) sdk.setDefaultRequest('baseUrl', config.baseUrl);
  // Keys the SDK's request type does not list but passes through to axios untouched.
  sdk.setDefaultRequest({
    adapter: 'fetch',
    env: { fetch: ctx.fetch },
    timeout: DEFAULT_TIMEOUT_MS,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  } as never);

  return {
    async call(schema, request) {
      const label = `${request.method} ${request.url}`;
      let data: unknown;
      try {
        const [, body] = await sdk.request({
          method: request.method,
          url: request.url,
          ...(request.qs ? { qs: request.qs } : {}),
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        data = body;
      } catch (error) {
        throw toConnectorError(error, label, ctx);
      }
      const parsed = schema.safeParse(data === '' ? undefined : data);
      if (parsed.success) return parsed.data;
      // Paths and messages only: values may be personal data.
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      throw new ConnectorError('bad_response', `${label} answered with an unexpected shape: ${issues}`);
    },
  };
}

interface SdkResponseError {
  code: number;
  response: { headers?: unknown; body?: unknown };
}

function isSdkResponseError(error: unknown): error is SdkResponseError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'number' &&
    typeof (error as { response?: unknown }).response === 'object'
  );
}

/** Maps what the SDK throws onto the kit's taxonomy, reusing the kit's status and Retry-After rules. */
export function toConnectorError(error: unknown, label: string, ctx: ConnectorContext): unknown {
  if (ctx.signal?.aborted) return ctx.signal.reason;
  if (error instanceof ConnectorError) return error;
  if (isSdkResponseError(error)) {
    const { body } = error.response;
    const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
    const response = new Response(null, {
      status: error.code,
      headers: plainHeaders(error.response.headers),
    });
    return errorForStatus(response, text, label, ctx.now());
  }
  const message = error instanceof Error ? error.message : String(error);
  const timedOut = /timeout/i.test(message);
  return new ConnectorError('upstream', `${label} ${timedOut ? 'timed out' : `failed: ${message}`}`, {
    cause: error,
  });
}

/** axios hands back an AxiosHeaders object; Response wants plain string pairs. */
function plainHeaders(headers: unknown): Record<string, string> {
  if (typeof headers !== 'object' || headers === null) return {};
  const source =
    typeof (headers as { toJSON?: unknown }).toJSON === 'function'
      ? (headers as { toJSON(): unknown }).toJSON()
      : headers;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number') out[key] = String(value);
  }
  return out;
}

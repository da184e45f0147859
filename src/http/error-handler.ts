import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../app-deps.js';
import { errorFields } from '../lib/logger.js';
import { AppError, type ErrorCode, errorEnvelope, STATUS } from './errors.js';

/** Hono's own HTTP exceptions (bad JSON, body limit) mapped onto our codes. */
const HTTP_EXCEPTION_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  429: 'rate_limited',
};

/** The one place an error becomes a response: the envelope, the status from STATUS, no stack. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  if (error instanceof AppError) {
    return c.json(errorEnvelope(error.code, error.message, requestId, error.details), error.status);
  }
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status];
    if (code) {
      const message =
        code === 'bad_request' && /json/i.test(error.message)
          ? 'request body is not valid JSON'
          : error.message;
      return c.json(errorEnvelope(code, message || code, requestId), STATUS[code]);
    }
  }
  c.get('deps')?.logger.error('unhandled error', {
    requestId,
    method: c.req.method,
    path: c.req.path,
    ...errorFields(error),
  });
  return c.json(
    errorEnvelope('internal', 'internal error; quote the request id when reporting it', requestId),
    STATUS.internal,
  );
}

export function handleNotFound(c: Context<AppEnv>): Response {
  return c.json(
    errorEnvelope('not_found', `no route for ${c.req.method} ${c.req.path}`, c.get('requestId') ?? 'unknown'),
    STATUS.not_found,
  );
}

import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-deps.js';
import { AppError, issuesToFields } from './errors.js';

const TARGET_PREFIX: Record<string, string | undefined> = {
  json: undefined,
  query: 'query',
  param: 'path',
  header: 'header',
};

/** Every router validates the same way: a failure lists the path of each bad field. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError(
          'validation_failed',
          'request validation failed',
          issuesToFields(result.error.issues, TARGET_PREFIX[result.target]),
        );
      }
    },
  });
}

export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      requestId: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

export const errorResponses = (...statuses: Array<400 | 401 | 403 | 404 | 409 | 410 | 413 | 503>) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status],
        content: { 'application/json': { schema: ErrorResponseSchema } },
      },
    ]),
  );

const ERROR_DESCRIPTIONS = {
  400: 'Malformed request or a field failed validation (details list each path)',
  401: 'Missing, invalid or revoked API key',
  403: "The key's role does not allow this",
  404: 'Not found',
  409: 'Conflicts with the current state',
  410: 'The resource was erased and will not come back',
  413: 'Body larger than the limit',
  503: 'Not ready',
} as const;

/** Admin routes all use these. */
export const ADMIN_ERRORS = errorResponses(400, 401, 403);
export const bearerSecurity = [{ bearerAuth: [] }];

/** A JSON response entry for a route's `responses`. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/auth.js';
import { AppError, issuesToFields } from '../http/errors.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter } from '../http/router.js';
import {
  type AllSettings,
  loadSettings,
  putSettings,
  SETTINGS_SCHEMAS,
  type SettingsKey,
} from '../services/settings.js';
import { auditActor } from './admin-connections.js';

const KEYS = Object.keys(SETTINGS_SCHEMAS) as [SettingsKey, ...SettingsKey[]];
const base = { tags: ['settings'], security: bearerSecurity };

export const settingsRoutes = createRouter()
  .openapi(
    createRoute({
      ...base,
      method: 'get',
      path: '/v1/admin/settings',
      summary: 'Identity rules, trait precedence and engagement weights (defaults filled in)',
      middleware: requirePermission('admin:read'),
      responses: {
        200: {
          description: 'Settings',
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => c.json((await loadSettings(c.get('deps'))) as Record<string, unknown>, 200),
  )
  .openapi(
    createRoute({
      ...base,
      method: 'put',
      path: '/v1/admin/settings/{key}',
      summary: 'Replace one settings document (omitted fields take their defaults)',
      middleware: requirePermission('admin:write'),
      request: {
        params: z.object({ key: z.enum(KEYS) }),
        body: {
          required: true,
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
      },
      responses: {
        200: {
          description: 'Stored',
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
        ...ADMIN_ERRORS,
      },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const parsed = SETTINGS_SCHEMAS[key].safeParse(c.req.valid('json'));
      if (!parsed.success) {
        throw new AppError(
          'validation_failed',
          `invalid ${key} settings`,
          issuesToFields(parsed.error.issues),
        );
      }
      for (const pattern of key === 'identity'
        ? (parsed.data as AllSettings['identity']).blocked.patterns
        : []) {
        try {
          new RegExp(pattern);
        } catch {
          throw new AppError('validation_failed', `invalid ${key} settings`, [
            { path: 'blocked.patterns', message: `not a valid regular expression: ${pattern}` },
          ]);
        }
      }
      const stored = await putSettings(
        c.get('deps'),
        auditActor(c),
        key,
        parsed.data as AllSettings[typeof key],
      );
      return c.json(stored as Record<string, unknown>, 200);
    },
  );

import { createRoute, z } from '@hono/zod-openapi';
import { connectors } from '../../connectors/registry.js';
import { capabilitiesOf, configJsonSchema } from '../connector-kit/index.js';
import { requirePermission } from '../http/auth.js';
import { ADMIN_ERRORS, bearerSecurity, createRouter } from '../http/router.js';

const ConnectorInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    capabilities: z.array(z.enum(['check', 'source', 'destination', 'webhook'])),
    runtimes: z.array(z.enum(['node', 'worker'])),
    availableHere: z.boolean(),
    limits: z.record(z.string(), z.unknown()),
    configSchema: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'JSON Schema (2020-12) of the config, for forms' }),
  })
  .openapi('ConnectorInfo');

export const connectorRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/connectors',
    tags: ['connectors'],
    security: bearerSecurity,
    summary: 'The connector registry: what can be connected and how to configure it',
    middleware: requirePermission('admin:read'),
    responses: {
      200: {
        description: 'Connectors',
        content: { 'application/json': { schema: z.object({ items: z.array(ConnectorInfoSchema) }) } },
      },
      ...ADMIN_ERRORS,
    },
  }),
  (c) => {
    const runtime = c.get('deps').runtime;
    const items = Object.values(connectors).map((connector) => ({
      id: connector.id,
      name: connector.displayName,
      description: connector.description,
      capabilities: capabilitiesOf(connector),
      runtimes: [...connector.runtimes],
      availableHere: connector.runtimes.includes(runtime),
      limits: { ...connector.limits },
      configSchema: configJsonSchema(connector) as Record<string, unknown>,
    }));
    return c.json({ items }, 200);
  },
);

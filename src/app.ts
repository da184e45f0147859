import { swaggerUI } from '@hono/swagger-ui';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from './app-deps.js';
import { handleError, handleNotFound } from './http/error-handler.js';
import { AppError } from './http/errors.js';
import { createRouter } from './http/router.js';
import { apiKeyRoutes } from './routes/admin-api-keys.js';
import { auditRoutes } from './routes/admin-audit.js';
import { connectionRoutes } from './routes/admin-connections.js';
import { connectorRoutes } from './routes/admin-connectors.js';
import { deletionRoutes } from './routes/admin-deletions.js';
import { identityRoutes } from './routes/admin-identity.js';
import { identityJobRoutes } from './routes/admin-identity-jobs.js';
import { importRoutes } from './routes/admin-imports.js';
import { modelRoutes } from './routes/admin-models.js';
import { personalizeAdminRoutes } from './routes/admin-personalize.js';
import { segmentAdminRoutes } from './routes/admin-segments.js';
import { settingsRoutes } from './routes/admin-settings.js';
import { syncRoutes } from './routes/admin-syncs.js';
import { catalogRoutes } from './routes/catalog.js';
import { healthRoutes } from './routes/health.js';
import { personalizeRoutes } from './routes/personalize.js';
import { profileRoutes } from './routes/profiles.js';
import { segmentRoutes } from './routes/segment.js';
import { webhookRoutes } from './routes/webhooks.js';

export const API_VERSION = '0.1.0';

/** Builds the whole HTTP app around the given runtime dependencies. No I/O happens here. */
export function createApp(deps: AppDeps) {
  const app = createRouter();

  // The send-time webhook goes first, ahead of the middleware below: it sets its own request id
  // and headers, and on its path that middleware alone cost a third of a bare route's throughput.
  app.route('/', personalizeRoutes(deps));
  // A caller's X-Request-Id is kept when it is sane, so ESP and proxy logs line up with ours.
  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));
  if (deps.settings.corsOrigins.length > 0) {
    app.use(
      '*',
      cors({
        origin: deps.settings.corsOrigins,
        allowHeaders: ['Authorization', 'Content-Type', 'X-Api-Key', 'X-Request-Id'],
      }),
    );
  }
  // Only methods with a body: on Node, checking a GET's body would build a full request object for nothing.
  app.on(
    ['POST', 'PUT', 'PATCH', 'DELETE'],
    '*',
    bodyLimit({
      maxSize: deps.settings.maxBodyBytes,
      onError: () => {
        throw new AppError(
          'payload_too_large',
          `request body is larger than ${deps.settings.maxBodyBytes} bytes`,
        );
      },
    }),
  );

  app.route('/', healthRoutes);
  app.route('/', connectorRoutes);
  app.route('/', connectionRoutes);
  app.route('/', apiKeyRoutes);
  app.route('/', auditRoutes);
  app.route('/', importRoutes);
  app.route('/', catalogRoutes);
  app.route('/', profileRoutes);
  app.route('/', identityRoutes);
  app.route('/', identityJobRoutes);
  app.route('/', settingsRoutes);
  app.route('/', segmentRoutes);
  app.route('/', segmentAdminRoutes);
  app.route('/', modelRoutes);
  app.route('/', personalizeAdminRoutes);
  app.route('/', syncRoutes);
  app.route('/', webhookRoutes);
  app.route('/', deletionRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An ESP Hub API key (`ehk_…`); also accepted as `X-Api-Key`',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'ESP Hub API',
      version: API_VERSION,
      description: 'Profiles, segments and personalization between CRMs and email service providers.',
    },
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'ESP Hub API reference' }));

  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;

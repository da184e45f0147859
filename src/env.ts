import { z } from 'zod';
import { parseSecretKey } from './lib/secret-box.js';

/**
 * Every environment variable the service reads. Parsed once at the entry point; a missing or bad
 * variable stops the start with a message that names it.
 */
const base = {
  ESP_HUB_SECRET_KEY: z
    .string()
    .refine((value) => parseSecretKey(value) !== undefined, {
      message: 'must be 32 random bytes as base64/base64url (43-44 chars) or hex (64 chars)',
    })
    .optional(),
  ESP_HUB_ADMIN_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  ESP_HUB_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  ESP_HUB_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  ESP_HUB_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ message: 'each origin must be a URL such as https://admin.example.com' }))),
  /** A running sync run silent this long was orphaned by a crash; the next trigger resumes it. */
  ESP_HUB_STALE_RUN_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(2 * 60_000),
  /** Inbound webhook event ids are kept this long for deduplication, then pruned. */
  ESP_HUB_WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /**
   * The service's public origin (`https://hub.example.com`) when it runs behind a proxy that
   * terminates TLS or rewrites the host: signatures over the full URL (HubSpot v3) are checked
   * against this origin, not the one the request arrived on.
   */
  ESP_HUB_PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://hub.example.com' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
};

export const nodeEnvSchema = z.object({
  ...base,
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().min(1).default('0.0.0.0'),
  ESP_HUB_DATA_DIR: z.string().min(1).default('./data'),
  /** libSQL URL; default is the embedded file `<data dir>/esp-hub.db`. */
  ESP_HUB_DATABASE_URL: z
    .string()
    .regex(/^(file:|libsql:|https?:|wss?:)/, 'must be a libSQL URL (file:, libsql:, http(s):, ws(s):)')
    .optional(),
  ESP_HUB_DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
  ESP_HUB_SCHEDULER: z.enum(['on', 'off']).default('on'),
  /**
   * How long after ingest queued product activity (views, cart adds, orders) the personal lists are
   * rescored in the background: the activity of that interval shares one rescore per profile.
   */
  ESP_HUB_RECS_REFRESH_DELAY_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  /**
   * The send-time webhook's profiles held in memory (embedded database only): about 600 MB per
   * million profiles, loaded at start. `off` reads every send from the database.
   */
  ESP_HUB_SERVING_INDEX: z.enum(['on', 'off']).default('on'),
  /**
   * Threads that score a full recommendation run's pages after the fit (default: one per core);
   * 0 scores on the main thread.
   */
  ESP_HUB_RECS_THREADS: z.coerce.number().int().min(0).max(64).optional(),
});
export type NodeEnv = z.infer<typeof nodeEnvSchema>;

/** On Workers the secret key cannot be generated into a file, so it is required. */
export const workerEnvSchema = z.object({
  ...base,
  ESP_HUB_SECRET_KEY: base.ESP_HUB_SECRET_KEY.unwrap().describe(
    'set with `wrangler secret put ESP_HUB_SECRET_KEY`',
  ),
  /**
   * Wall-clock time one invocation spends on sync runs before pausing them at a page boundary (the
   * next cron tick resumes them): keeps a tick well inside Workers' CPU limit (30 s by default).
   */
  ESP_HUB_SYNC_TIME_BUDGET_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(15 * 60_000)
    .default(20_000),
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Parses, or throws an EnvError whose message lists each bad variable and why. */
export function parseEnv<T extends z.ZodType>(schema: T, raw: Record<string, unknown>): z.infer<T> {
  // Empty strings mean "unset" (a blank line in .env or an empty secret), not an invalid value.
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const message =
      issue.code === 'invalid_type' && cleaned[name] === undefined ? 'is required' : issue.message;
    return `  ${name}: ${message}`;
  });
  throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
}

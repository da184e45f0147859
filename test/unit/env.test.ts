import { describe, expect, it } from 'vitest';
import { EnvError, nodeEnvSchema, parseEnv, workerEnvSchema } from '../../src/env.js';

const KEY = 'A'.repeat(43);

describe('environment', () => {
  it('applies defaults for an empty environment on Node', () => {
    const env = parseEnv(nodeEnvSchema, {});
    expect(env).toMatchObject({
      PORT: 8787,
      ESP_HUB_DATA_DIR: './data',
      ESP_HUB_SCHEDULER: 'on',
      ESP_HUB_CORS_ORIGINS: [],
    });
  });

  it('takes a public URL for signed webhooks behind a proxy, without its trailing slash', () => {
    expect(
      parseEnv(nodeEnvSchema, { ESP_HUB_PUBLIC_URL: 'https://hub.example.com/esp/' }).ESP_HUB_PUBLIC_URL,
    ).toBe('https://hub.example.com/esp');
    expect(() => parseEnv(nodeEnvSchema, { ESP_HUB_PUBLIC_URL: 'hub.example.com' })).toThrow(
      /ESP_HUB_PUBLIC_URL: must be an http\(s\) URL/,
    );
  });

  it('names each bad variable and the problem', () => {
    let error: unknown;
    try {
      parseEnv(nodeEnvSchema, {
        PORT: 'eighty',
        ESP_HUB_SECRET_KEY: 'short',
        ESP_HUB_DATABASE_URL: 'mysql://x',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/ESP_HUB_SECRET_KEY: must be 32 random bytes/);
    expect(message).toMatch(/ESP_HUB_DATABASE_URL: must be a libSQL URL/);
  });

  it('takes a number of scoring threads, 0 for none, unset for one per core', () => {
    expect(parseEnv(nodeEnvSchema, {}).ESP_HUB_RECS_THREADS).toBeUndefined();
    expect(parseEnv(nodeEnvSchema, { ESP_HUB_RECS_THREADS: '0' }).ESP_HUB_RECS_THREADS).toBe(0);
    expect(parseEnv(nodeEnvSchema, { ESP_HUB_RECS_THREADS: '3' }).ESP_HUB_RECS_THREADS).toBe(3);
    expect(() => parseEnv(nodeEnvSchema, { ESP_HUB_RECS_THREADS: 'two' })).toThrow(/ESP_HUB_RECS_THREADS: /);
    expect(() => parseEnv(nodeEnvSchema, { ESP_HUB_RECS_THREADS: '-1' })).toThrow(/ESP_HUB_RECS_THREADS: /);
  });

  it('requires the secret key on Workers, by name', () => {
    expect(() => parseEnv(workerEnvSchema, {})).toThrow(/ESP_HUB_SECRET_KEY: is required/);
    expect(parseEnv(workerEnvSchema, { ESP_HUB_SECRET_KEY: KEY }).ESP_HUB_SECRET_KEY).toBe(KEY);
  });

  it('treats empty strings as unset and splits CORS origins', () => {
    const env = parseEnv(nodeEnvSchema, {
      PORT: '',
      ESP_HUB_CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(env.PORT).toBe(8787);
    expect(env.ESP_HUB_CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(() => parseEnv(nodeEnvSchema, { ESP_HUB_CORS_ORIGINS: 'not a url' })).toThrow(
      /ESP_HUB_CORS_ORIGINS/,
    );
  });
});

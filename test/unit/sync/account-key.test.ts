import { describe, expect, it } from 'vitest';
import { accountKeyOf } from '../../../src/sync/rate-budget.js';

describe('vendor account of a connection', () => {
  it('is the same for connections with the same credentials, whatever their ids', async () => {
    const a = await accountKeyOf('mailchimp', { apiKey: 'k-us21' }, 'conn_a');
    const b = await accountKeyOf('mailchimp', { apiKey: 'k-us21' }, 'conn_b');
    expect(a).toBe(b);
    expect(a).not.toContain('k-us21');
  });

  it('differs by credentials and by connector, and falls back to the connection without secrets', async () => {
    const base = await accountKeyOf('mailchimp', { apiKey: 'k-us21' }, 'conn_a');
    expect(await accountKeyOf('mailchimp', { apiKey: 'other-us21' }, 'conn_a')).not.toBe(base);
    expect(await accountKeyOf('sendgrid', { apiKey: 'k-us21' }, 'conn_a')).not.toBe(base);
    expect(await accountKeyOf('file', {}, 'conn_a')).toBe('file:conn_a');
  });
});

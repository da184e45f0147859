import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.js';
import { createShopApp } from '../unit/personalize/fixtures.js';

/** Slot templates, the preview and the recompute through the admin API. */
let t: TestApp;
beforeEach(async () => {
  t = await createShopApp({ people: 6, recompute: false });
});
afterEach(async () => {
  await t.close();
});

async function profileIdOf(email: string): Promise<string> {
  const response = await t.call('GET', `/v1/profiles?email=${encodeURIComponent(email)}`);
  if (response.status !== 200)
    throw new Error(`lookup answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

describe('personalization admin API', () => {
  it('recomputes on demand, then previews what the webhook would answer for a profile', async () => {
    const recomputed = await t.call('POST', '/v1/admin/recommendations/recompute?wait=true');
    expect(recomputed.status).toBe(200);
    expect(await recomputed.json()).toMatchObject({ done: true, counts: { profiles: 20 } });
    const id = await profileIdOf('shoes2@example.com');
    const preview = await t.call(
      'GET',
      `/v1/admin/personalize/preview?profile=${id}&slots=hero,recs&format=json&send_id=p`,
    );
    expect(preview.status).toBe(200);
    const body = (await preview.json()) as {
      contentType: string;
      body: string;
      answer: { slots: { recs: { level: string } } };
    };
    expect(body.contentType).toBe('application/json; charset=utf-8');
    expect(body.answer.slots.recs.level).toBe('personal');
    // Exactly what the webhook sends for the same profile and send.
    const key = await t.keyFor('personalize');
    const webhook = await t.app.request(
      `/v1/personalize?profile_id=${id}&slots=hero,recs&send_id=p&key=${key}`,
    );
    expect(await webhook.text()).toBe(body.body);
    const html = await t.call('GET', `/v1/admin/personalize/preview?profile=${id}&slots=recs`);
    expect(((await html.json()) as { body: string }).body).toContain('<table');
    // The preview is not a send: the webhook counted one answer.
    const metrics = await t.call('GET', '/v1/admin/metrics/personalize');
    expect(await metrics.json()).toMatchObject({ requests: 1 });
  });

  it('serves the default template until one is stored, renders the stored one, and reverts on delete', async () => {
    await t.call('POST', '/v1/admin/recommendations/recompute?wait=true');
    // Products and templates are kept in memory for memoryTtlSeconds; 0 here, so edits show at once.
    await t.call('PUT', '/v1/admin/settings/recommendations', { body: { webhook: { memoryTtlSeconds: 0 } } });
    const initial = await t.call('GET', '/v1/admin/personalize/templates/recs/text');
    expect(await initial.json()).toMatchObject({
      slot: 'recs',
      format: 'text',
      isDefault: true,
      updatedAt: null,
    });

    const template =
      '{% for item in items %}{{ forloop.index }}. {{ item.title | upcase }} {{ item.price | money: item.currency }}\n{% endfor %}';
    const put = await t.call('PUT', '/v1/admin/personalize/templates/recs/text', { body: { template } });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ template, isDefault: false, updatedAt: expect.any(String) });

    const key = await t.keyFor('personalize');
    const text = await t.app.request(`/v1/personalize?email=shoes2@example.com&format=text&n=2&key=${key}`);
    expect(await text.text()).toMatch(/^1\. [A-Z]+ \d+ €\d+\.\d\d\n2\. [A-Z]+ \d+ €\d+\.\d\d\n$/);

    const html = '<b>{{ items[0].title }}</b>';
    await t.call('PUT', '/v1/admin/personalize/templates/hero/html', { body: { template: html } });
    // Output is escaped in HTML templates: a product title cannot inject markup.
    const hero = await t.app.request(`/v1/personalize?email=quiet@example.com&slots=hero&key=${key}`);
    const heroId = ((await hero.json()) as { slots: { hero: { items: Array<{ id: string }> } } }).slots.hero
      .items[0]!.id;
    await t.call('PUT', '/v1/catalog/products', {
      body: {
        products: [
          {
            id: heroId,
            title: '<script>x</script>',
            category: heroId.split('-')[0],
            price: 10,
            currency: 'EUR',
          },
        ],
      },
    });
    const rendered = await t.app.request(
      `/v1/personalize?email=quiet@example.com&slots=hero&format=html&key=${key}`,
    );
    expect(await rendered.text()).toBe('<b>&lt;script&gt;x&lt;/script&gt;</b>');

    const deleted = await t.call('DELETE', '/v1/admin/personalize/templates/recs/text');
    expect(await deleted.json()).toMatchObject({ isDefault: true });
    const again = await t.app.request(`/v1/personalize?email=shoes2@example.com&format=text&n=2&key=${key}`);
    expect(await again.text()).toMatch(/^Picked for you:/);
  });

  it('refuses a template that does not parse with a 400 naming the line', async () => {
    const response = await t.call('PUT', '/v1/admin/personalize/templates/recs/html', {
      body: { template: '<ul>\n{% for item in items %}\n<li>{{ item.title }</li>\n' },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; message: string; details: Array<{ path: string; message: string }> };
    };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details[0]!.path).toBe('template');
    expect(body.error.details[0]!.message).toMatch(/^line 3, column \d+: /);
    const unknownFilter = await t.call('PUT', '/v1/admin/personalize/templates/recs/html', {
      body: { template: 'ok\n{{ items | nonsense }}' },
    });
    expect(unknownFilter.status).toBe(400);
    expect(((await unknownFilter.json()) as { error: { message: string } }).error.message).toContain(
      'line 2',
    );
    // Nothing was stored.
    const current = await t.call('GET', '/v1/admin/personalize/templates/recs/html');
    expect(await current.json()).toMatchObject({ isDefault: true });
  });

  it('keeps the admin API to admin keys', async () => {
    const key = await t.keyFor('personalize');
    expect((await t.call('GET', '/v1/admin/metrics/personalize', { key })).status).toBe(403);
    expect(
      (await t.call('PUT', '/v1/admin/personalize/templates/recs/html', { key, body: { template: 'x' } }))
        .status,
    ).toBe(403);
    expect((await t.call('GET', '/v1/admin/personalize/templates/nope/html')).status).toBe(400);
  });
});

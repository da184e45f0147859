import { afterAll, describe, expect, it } from 'vitest';
import { normalizePhone } from '../../../src/identity/normalize.js';
import { createPhoneOffload } from '../../../src/identity/phone-offload.js';
import { identitySettingsSchema } from '../../../src/identity/settings.js';

describe('phone normalization on a worker thread', () => {
  const offload = createPhoneOffload();
  afterAll(() => offload.close());
  const settings = identitySettingsSchema.parse({ phone: { defaultRegion: 'GB' } }).phone;

  it('gives exactly what the inline normalizer gives, valid and invalid alike', async () => {
    const raws = ['+1 415 555 0123', '020 7946 0018', '07700 900123', '12', 'call me', ' +44 20 7946 0958 '];
    const offloaded = await offload.normalizePhones(raws, settings);
    expect(offloaded).toEqual(raws.map((raw) => normalizePhone(raw, settings)));
    expect(offloaded[1]).toMatchObject({ value: '+442079460018', valid: true });
    expect(offloaded[3]).toMatchObject({ valid: false });
  });

  it('keeps concurrent jobs apart', async () => {
    const jobs = Array.from({ length: 5 }, (_, j) =>
      Array.from({ length: 200 }, (_, i) => `+1415555${String(1000 + j * 200 + i).padStart(4, '0')}`),
    );
    const results = await Promise.all(jobs.map((raws) => offload.normalizePhones(raws, settings)));
    results.forEach((result, j) => {
      expect(result.map((phone) => phone.rawValue)).toEqual(jobs[j]);
    });
  });

  it('starts again after close', async () => {
    await offload.close();
    const [phone] = await offload.normalizePhones(['+14155550123'], settings);
    expect(phone).toMatchObject({ value: '+14155550123', valid: true });
  });
});

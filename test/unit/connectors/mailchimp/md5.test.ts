import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5Hex, subscriberHash } from '../../../../connectors/mailchimp/md5.js';

describe('md5Hex', () => {
  it('matches the RFC 1321 test suite', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5Hex('message digest')).toBe('f96b697d7cb7938d525a2f31aaf161d0');
    expect(md5Hex('1234567890'.repeat(8))).toBe('57edf4a22be3c955ac49da2e2107b67a');
  });

  it('agrees with node:crypto across padding boundaries and non-ASCII text', () => {
    const inputs = [
      'é',
      'Zoë@exämple.com',
      '日本語',
      ...Array.from({ length: 140 }, (_, n) => 'x'.repeat(n)),
    ];
    for (const input of inputs) {
      expect(md5Hex(input), JSON.stringify(input)).toBe(
        createHash('md5').update(input, 'utf8').digest('hex'),
      );
    }
  });
});

describe('subscriberHash', () => {
  it('is the MD5 of the lowercased address (Mailchimp documentation example)', () => {
    expect(subscriberHash('Urist.McVankab@freddiesjokes.com')).toBe('62eeb292278cc15f5817cb78f7790b08');
    expect(subscriberHash(' URIST.MCVANKAB@FREDDIESJOKES.COM ')).toBe('62eeb292278cc15f5817cb78f7790b08');
  });
});

import { createHmac } from 'node:crypto';
import { signatureHeaders } from './webhook-signature';

describe('webhook signature', () => {
  it('is v1= and the HMAC-SHA256 of "<timestamp>.<body>", timestamp in whole seconds', () => {
    const headers = signatureHeaders('s3cret', 1_767_000_000.9, '{"kind":"completed"}');
    expect(headers['roost-timestamp']).toBe('1767000000');
    expect(headers['roost-signature']).toBe(`v1=${createHmac('sha256', 's3cret').update('1767000000.{"kind":"completed"}').digest('hex')}`);
  });

  it('changes with the secret, the timestamp and the body', () => {
    const base = signatureHeaders('a', 1, 'x')['roost-signature'];
    expect(signatureHeaders('b', 1, 'x')['roost-signature']).not.toBe(base);
    expect(signatureHeaders('a', 2, 'x')['roost-signature']).not.toBe(base);
    expect(signatureHeaders('a', 1, 'y')['roost-signature']).not.toBe(base);
  });
});

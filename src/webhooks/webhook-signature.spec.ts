import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook, webhookSecretKey } from './webhook-signature';

describe('webhook signatures (Standard Webhooks)', () => {
  it('matches the specification’s published example', () => {
    // the example of the Standard Webhooks specification (and of its reference libraries)
    const headers = signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), '{"test": 2432232314}');
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('is verified by the standardwebhooks library, and a changed body is not', () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: 'case.assigned', timestamp: new Date().toISOString(), data: { applicationId: 'x' } });
    const headers = signWebhook(secret, 'msg_1', new Date(), body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('x', 'y'), { ...headers })).toThrow();
  });

  it('makes secrets of whsec_ and 32 random bytes, whose bytes are the key', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toEqual(b);
    const key = webhookSecretKey(a);
    expect(key).toHaveLength(32);
    const headers = signWebhook(a, 'msg_2', new Date(1_700_000_000_000), 'body');
    expect(headers['webhook-signature']).toBe(`v1,${createHmac('sha256', key).update('msg_2.1700000000.body').digest('base64')}`);
  });

  it('refuses secrets that are not whsec_ and 24 to 64 bytes', () => {
    expect(() => webhookSecretKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow();
    expect(() => webhookSecretKey(`whsec_${Buffer.alloc(16).toString('base64')}`)).toThrow();
    expect(() => webhookSecretKey(`whsec_${Buffer.alloc(65).toString('base64')}`)).toThrow();
    expect(webhookSecretKey(`whsec_${Buffer.alloc(24).toString('base64')}`)).toHaveLength(24);
  });
});

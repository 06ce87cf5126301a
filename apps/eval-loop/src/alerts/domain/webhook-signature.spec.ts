import { describe, expect, it } from '@jest/globals';
import { signWebhook, verifyWebhook, webhookRetryDelayMs } from './webhook-signature.js';

describe('webhook signatures', () => {
  const body = JSON.stringify({ alert_id: 'a', state: 'FIRING' });

  it('should verify its own signature', () => {
    const header = signWebhook('s3cret', body, 1_800_000_000);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook('s3cret', body, header, 1_800_000_010)).toBe(true);
  });

  it('should refuse another secret, a changed body and an old timestamp', () => {
    const header = signWebhook('s3cret', body, 1_800_000_000);
    expect(verifyWebhook('other', body, header, 1_800_000_000)).toBe(false);
    expect(verifyWebhook('s3cret', body.replace('FIRING', 'RESOLVED'), header, 1_800_000_000)).toBe(false);
    expect(verifyWebhook('s3cret', body, header, 1_800_001_000)).toBe(false);
    expect(verifyWebhook('s3cret', body, 'garbage', 1_800_000_000)).toBe(false);
  });

  it('should back off exponentially with a cap', () => {
    expect([1, 2, 3, 20].map(webhookRetryDelayMs)).toEqual([1000, 2000, 4000, 600_000]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import { MAX_CONCURRENT_VERIFICATIONS, VerificationSlots } from './verification-slots.js';

describe('VerificationSlots', () => {
  it('should answer 429 when more verifications than allowed run at once, and free the slot after', async () => {
    const slots = new VerificationSlots();
    const releases: Array<() => void> = [];
    const running = Array.from({ length: MAX_CONCURRENT_VERIFICATIONS }, async () =>
      slots.run(async () => new Promise<void>((resolve) => releases.push(resolve))),
    );
    await expect(slots.run(async () => Promise.resolve('too many'))).rejects.toBeInstanceOf(HttpException);
    await expect(slots.run(async () => Promise.resolve('too many'))).rejects.toMatchObject({ status: 429 });
    releases.forEach((release) => release());
    await Promise.all(running);
    await expect(slots.run(async () => Promise.resolve('free again'))).resolves.toBe('free again');
  });
});

import { describe, expect, it } from '@jest/globals';
import { loadPayloads, TARGET_PAYLOAD_BYTES } from './payload.js';

describe('loadPayloads', () => {
  it('should encode a realistic AgentEvent of about the target size with the contracts codec', async () => {
    const { AgentEventMessage } = await import('@auraison/contracts');
    const payloads = await loadPayloads();
    expect(payloads.fallbackReason).toBeUndefined();
    expect(payloads.message.length).toBeGreaterThanOrEqual(TARGET_PAYLOAD_BYTES);
    expect(payloads.message.length).toBeLessThan(TARGET_PAYLOAD_BYTES + 8);
    const decoded = AgentEventMessage.decode(payloads.message);
    expect(AgentEventMessage.validate(decoded)).toEqual([]);
    expect(decoded.toolCalls.length).toBeGreaterThan(0);
  });
});

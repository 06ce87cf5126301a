import { describe, expect, it } from '@jest/globals';
import { callKey, callsOf } from './tool-call.js';

describe('callsOf', () => {
  const event = {
    seq: 7,
    eventId: 'e-7',
    tenantId: 't',
    occurredAt: '2026-12-04T10:11:12.345000Z',
    event: {
      session_id: 's',
      job_id: '',
      agent_role: 'notebook',
      tool_calls: [
        {
          tool: 'Bash',
          input: { command: 'ls' },
          output: 'a',
          duration_ms: 3,
          is_error: true,
          started_at: '2026-12-04T10:11:00.000Z',
        },
        { tool: 'Read', output: '', duration_ms: 0 },
      ],
    },
  };

  it('should flatten the calls of an event with their position and defaults', () => {
    expect(callsOf(event)).toEqual([
      expect.objectContaining({
        seq: 7,
        index: 0,
        tool: 'Bash',
        input: { command: 'ls' },
        isError: true,
        jobId: null,
        sessionId: 's',
        startedAt: '2026-12-04T10:11:00.000Z',
      }),
      expect.objectContaining({
        index: 1,
        tool: 'Read',
        input: {},
        isError: false,
        permissionDenied: false,
        startedAt: null,
      }),
    ]);
    expect(callKey(callsOf(event)[1]!)).toEqual(['2026-12-04T10:11:12.345000Z', 7, 1]);
  });

  it('should give no calls when the event is an execution', () => {
    expect(callsOf({ ...event, event: { status: 'running' } })).toEqual([]);
  });
});

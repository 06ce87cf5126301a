import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { AgentEventMessage } from '@auraison/contracts';
import { agentEventFromClaudeOutput, ClaudeOutputError, type TimedLine } from '../src/index.js';

const TENANT = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const ctx = {
  tenantId: TENANT,
  agentRole: 'notebook',
  jobId: 'job-42',
  exitCode: 0,
  endedAt: new Date('2026-12-04T10:00:00Z'),
};

describe('agentEventFromClaudeOutput: stream-json', () => {
  const event = agentEventFromClaudeOutput(fixture('notebook-session.stream.jsonl'), ctx);

  it('should pair every tool_use with its tool_result, in order', () => {
    expect(event.toolCalls.map((c) => [c.tool, c.toolUseId])).toEqual([
      ['Bash', 'toolu_01'],
      ['Read', 'toolu_02'],
      ['Bash', 'toolu_03'],
    ]);
    expect(event.toolCalls[0]).toMatchObject({
      input: { command: 'kubectl get rayjobs -n mp-acme', description: 'List Ray jobs' },
      output: 'NAME      JOB STATUS   DEPLOYMENT STATUS\ntrain-1   FAILED       Complete',
    });
    expect(event.toolCalls[0]!.isError).toBeUndefined();
    expect(event.toolCalls[1]).toMatchObject({ output: 'File does not exist.', isError: true });
  });

  it('should mark permission denials', () => {
    expect(event.toolCalls[2]).toMatchObject({ permissionDenied: true, isError: true });
    expect(event.toolCalls.filter((c) => c.permissionDenied)).toHaveLength(1);
  });

  it("should take the result's token totals, cache tokens included", () => {
    expect(event).toMatchObject({
      tokensIn: 1850,
      tokensOut: 140,
      cacheReadTokens: 15900,
      cacheWriteTokens: 500,
    });
  });

  it('should carry session, model, subtype, duration and the caller context', () => {
    expect(event).toMatchObject({
      eventId: 'claude:5f0c2a9e-3c1e-4d8a-9b0e-2f6f3d1a7c11:9d8e7f6a-1111-4222-8333-444455556666',
      sessionId: '5f0c2a9e-3c1e-4d8a-9b0e-2f6f3d1a7c11',
      model: 'claude-sonnet-4-5',
      resultSubtype: 'success',
      durationMs: 18234,
      tenantId: TENANT,
      agentRole: 'notebook',
      jobId: 'job-42',
      exitCode: 0,
    });
  });

  it('should produce a valid AgentEvent', () => {
    expect(AgentEventMessage.validate(AgentEventMessage.decode(AgentEventMessage.encode(event)))).toEqual([]);
  });

  it('should count usage once per message.id when the result is missing (killed process)', () => {
    const lines = fixture('notebook-session.stream.jsonl')
      .split('\n')
      .filter((l) => !l.includes('"type":"result"'));
    const partial = agentEventFromClaudeOutput(lines.join('\n'), ctx);
    // msg_01A appears on two lines with the same usage: counted once.
    expect(partial.tokensIn).toBe(1200 + 300 + 200 + 150);
    expect(partial.tokensOut).toBe(40 + 25 + 15 + 60);
    expect(partial.cacheReadTokens).toBe(3000 + 4200 + 4300 + 4400);
    expect(partial.eventId).toBe('claude:5f0c2a9e-3c1e-4d8a-9b0e-2f6f3d1a7c11:msg_01D');
  });

  it('should time tool calls from the lines arrival times', () => {
    const t0 = Date.parse('2026-12-04T09:59:00Z');
    const timed: TimedLine[] = fixture('notebook-session.stream.jsonl')
      .split('\n')
      .map((line, i) => ({ line, at: new Date(t0 + i * 1000) }));
    const e = agentEventFromClaudeOutput(timed, ctx);
    // toolu_01: tool_use on line 3 (index 2), tool_result on line 5 (index 4).
    expect(e.toolCalls[0]!.durationMs).toBe(2000);
    expect(e.toolCalls[0]!.startedAt).toEqual(new Date(t0 + 2000));
  });

  it('should tolerate garbage lines and unknown message types', () => {
    const noisy = `not json\n{"type":"stream_event","event":{}}\n${fixture('notebook-session.stream.jsonl')}\n{"type":"tool_progress"}\n{"trunc`;
    expect(agentEventFromClaudeOutput(noisy, ctx).toolCalls).toHaveLength(3);
  });
});

describe('agentEventFromClaudeOutput: json', () => {
  it('should read the single result object with its denials', () => {
    const e = agentEventFromClaudeOutput(fixture('notebook-session.result.json'), { ...ctx, exitCode: 1 });
    expect(e).toMatchObject({
      sessionId: '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
      model: 'claude-opus-4-1',
      tokensIn: 21000,
      tokensOut: 3100,
      cacheReadTokens: 88000,
      cacheWriteTokens: 900,
      resultSubtype: 'error_max_turns',
      exitCode: 1,
    });
    expect(e.toolCalls).toEqual([
      {
        tool: 'WebFetch',
        input: { url: 'https://example.com' },
        output: '',
        durationMs: 0,
        toolUseId: 'toolu_99',
        isError: true,
        permissionDenied: true,
      },
    ]);
  });

  it('should refuse output without a session id, saying what it expected', () => {
    expect(() => agentEventFromClaudeOutput('hello', ctx)).toThrow(ClaudeOutputError);
    expect(() => agentEventFromClaudeOutput('hello', ctx)).toThrow(/--output-format json or stream-json/);
  });
});

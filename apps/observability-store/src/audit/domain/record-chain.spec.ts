import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  canonicalRecord,
  chainHash,
  GENESIS_HASH,
  microsecondTimestamp,
  type ChainFields,
} from './record-chain.js';

const row: ChainFields = {
  tenantId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab',
  seq: 1,
  kind: 'agent',
  eventId: 'sess-1:msg_1',
  occurredAt: new Date('2026-12-04T10:11:12.345Z'),
  agentRole: 'notebook',
  jobId: 'job "42"',
  sessionId: null,
  traceId: null,
  exitCode: 0,
  status: null,
  tools: ['Bash', 'mcp__nav2__*'],
  body: '{"event_id":"sess-1:msg_1"}',
};

describe('record chain', () => {
  it('should write the row as canonical JSON with sorted keys, nulls and microseconds', () => {
    const text = canonicalRecord(row);
    expect(text).toBe(
      '{"agent_role":"notebook","event":{"event_id":"sess-1:msg_1"},"event_id":"sess-1:msg_1","exit_code":0,' +
        '"job_id":"job \\"42\\"","kind":"agent","occurred_at":"2026-12-04T10:11:12.345000Z","seq":1,' +
        '"session_id":null,"status":null,"tenant_id":"6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab",' +
        '"tools":["Bash","mcp__nav2__*"],"trace_id":null}',
    );
    expect(Object.keys(JSON.parse(text) as object)).toEqual(Object.keys(JSON.parse(text) as object).sort());
  });

  it('should hash SHA-256 of the previous hash followed by the canonical row', () => {
    const expected = createHash('sha256').update(GENESIS_HASH).update(canonicalRecord(row)).digest();
    expect(chainHash(GENESIS_HASH, row).equals(expected)).toBe(true);
  });

  it.each<[string, Partial<ChainFields>]>([
    ['the body', { body: '{"event_id":"sess-1:msg_2"}' }],
    ['the seq', { seq: 2 }],
    ['the time by a microsecond', { occurredAt: new Date('2026-12-04T10:11:12.346Z') }],
    ['a filter column', { jobId: 'job-43' }],
    ['a null into a value', { sessionId: '' }],
    ['the tools', { tools: ['Bash'] }],
    ['the tenant', { tenantId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ac' }],
  ])('should change the hash when %s changes', (_what, change) => {
    expect(chainHash(GENESIS_HASH, { ...row, ...change }).equals(chainHash(GENESIS_HASH, row))).toBe(false);
  });

  it('should depend on the previous hash so a row cannot move to another place in the chain', () => {
    const other = Buffer.alloc(32, 1);
    expect(chainHash(other, row).equals(chainHash(GENESIS_HASH, row))).toBe(false);
  });

  it('should print timestamps like PostgreSQL with six fraction digits', () => {
    expect(microsecondTimestamp(new Date('2027-01-01T00:00:00Z'))).toBe('2027-01-01T00:00:00.000000Z');
  });
});

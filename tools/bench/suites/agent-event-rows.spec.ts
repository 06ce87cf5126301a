import { describe, expect, it } from '@jest/globals';
import { loadPayloads } from '../payload.js';
import {
  AGENT_EVENT_COLUMNS,
  agentEventRows,
  copyText,
  escapeCopyText,
  multiRowInsertSql,
  type AgentEventRow,
} from './agent-event-rows.js';

describe('escapeCopyText', () => {
  it('should escape backslash, tab, newline and carriage return', () => {
    expect(escapeCopyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
  });

  it('should return plain text unchanged', () => {
    expect(escapeCopyText('{"tool":"Bash"}')).toBe('{"tool":"Bash"}');
  });
});

describe('copyText', () => {
  it('should write one tab-separated, newline-terminated line per row', () => {
    const row: AgentEventRow = [
      'e1',
      '2026-12-04T10:00:00.000Z',
      't',
      'notebook',
      'j',
      's',
      1,
      2,
      0,
      '{"o":"x\\ny"}',
    ];
    expect(copyText([row, row]).split('\n')).toHaveLength(3);
    expect(copyText([row])).toBe(
      'e1\t2026-12-04T10:00:00.000Z\tt\tnotebook\tj\ts\t1\t2\t0\t{"o":"x\\\\ny"}\n',
    );
  });
});

describe('multiRowInsertSql', () => {
  it('should number one placeholder per column and row and ignore conflicts on event_id', () => {
    const sql = multiRowInsertSql('t', 2);
    expect(sql).toContain('($1,$2,$3,$4,$5,$6,$7,$8,$9,$10),($11,');
    expect(sql).toContain(`$${2 * AGENT_EVENT_COLUMNS.length})`);
    expect(sql.endsWith('ON CONFLICT (event_id) DO NOTHING')).toBe(true);
  });
});

describe('agentEventRows', () => {
  it('should give every row a unique event id and valid JSON tool calls', async () => {
    const { event } = await loadPayloads();
    const rows = agentEventRows(event, 1000);
    expect(new Set(rows.map((r) => r[0])).size).toBe(1000);
    expect(JSON.parse(rows[0]![9])).toHaveLength(event.toolCalls.length);
  });
});

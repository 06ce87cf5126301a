// Immutability and tamper evidence: the runtime role cannot change the history, the trigger refuses
// changes whoever asks, and when a superuser changes a row anyway the verifier names it. The hash the
// service computes in Node and the one the verifier computes in SQL must agree for any text.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STREAMS } from '@auraison/contracts';
import { agentEvent, executionEvent } from '@auraison/testing';
import pg from 'pg';
import { CheckpointPublisher } from '../src/audit/application/checkpoint-publisher.service.js';
import { canonicalRecord, chainHash, type ChainFields } from '../src/audit/domain/record-chain.js';
import { CANONICAL_RECORD_SQL, ChainRepository } from '../src/audit/persistence/chain.repository.js';
import { RUNTIME_ROLE } from '../src/database.js';
import { startHarness, type Harness } from './support/harness.js';

interface Row {
  tenant_id: string;
  seq: string;
  kind: string;
  event_id: string;
  occurred_at: Date;
  agent_role: string | null;
  job_id: string | null;
  session_id: string | null;
  trace_id: string | null;
  exit_code: number | null;
  status: string | null;
  tools: string[] | null;
  body: string;
  prev_hash: Buffer;
  row_hash: Buffer;
  partition: string;
  canonical_sql: string;
}

const fields = (r: Row): ChainFields => ({
  tenantId: r.tenant_id,
  seq: Number(r.seq),
  kind: r.kind,
  eventId: r.event_id,
  occurredAt: r.occurred_at,
  agentRole: r.agent_role,
  jobId: r.job_id,
  sessionId: r.session_id,
  traceId: r.trace_id,
  exitCode: r.exit_code,
  status: r.status,
  tools: r.tools,
  body: r.body,
});

describe('immutability and chain verification (real PostgreSQL and NATS)', () => {
  let h: Harness;
  let writer: pg.Pool;

  beforeAll(async () => {
    h = await startHarness();
    // What the service connects as: the login user switched to the runtime role.
    writer = new pg.Pool({
      connectionString: h.service.database.url,
      max: 1,
      options: `-c role=${RUNTIME_ROLE}`,
    });
  });

  afterAll(async () => {
    await writer?.end();
    await h?.close();
  });

  /** A tenant with `n` stored events (agent and execution, alternating). */
  async function tenantWithHistory(n: number): Promise<string> {
    const tenant = await h.addTenant();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const e = i % 2 === 0 ? agentEvent({ tenantId: tenant }) : executionEvent({ tenantId: tenant });
      ids.push(e.eventId);
      if (i % 2 === 0) await h.publishAgent(e as ReturnType<typeof agentEvent>);
      else await h.publishExecution(e as ReturnType<typeof executionEvent>);
    }
    await h.waitStored(ids);
    return tenant;
  }

  async function rows(tenant: string): Promise<Row[]> {
    const { rows: found } = await h.admin.query<Row>(
      `SELECT e.*, e.tableoid::regclass::text AS partition, ${CANONICAL_RECORD_SQL} AS canonical_sql
         FROM observability.events e WHERE tenant_id = $1 ORDER BY seq`,
      [tenant],
    );
    return found;
  }

  async function verify(tenant: string) {
    const res = await h.service.http
      .get(`/api/v1/audit/verify?tenant_id=${tenant}`)
      .set(await h.auth(tenant, 'operator'));
    expect(res.status).toBe(200);
    return res.body as Record<string, unknown>;
  }

  /** Runs `sql` as a superuser with the append-only trigger of the row's partition switched off. */
  async function tamper(row: Row, sql: string, params: unknown[]): Promise<void> {
    const client = await h.admin.connect();
    try {
      await client.query(`ALTER TABLE ${row.partition} DISABLE TRIGGER events_append_only`);
      await client.query(sql, params);
      await client.query(`ALTER TABLE ${row.partition} ENABLE ALWAYS TRIGGER events_append_only`);
    } finally {
      client.release();
    }
  }

  it('should hash identically in Node and in SQL and verify intact when events carry awkward text', async () => {
    const tenant = await h.addTenant();
    const awkward =
      'quote " back \\ ctl \u0001\u001f \b\f\n\r\t del \u007f ünï 🚀 nul \u0000 lone \ud800 end';
    const events = [
      agentEvent({
        tenantId: tenant,
        jobId: 'job "quoted" \\ ünï 🚀',
        sessionId: `sess ${randomUUID()} ✓`,
        toolCalls: [
          {
            tool: 'Bash',
            input: { command: awkward, nested: { [awkward]: [awkward, 1e21, -0, 0.1] } },
            output: awkward,
            durationMs: 1,
          },
          { tool: 'mcp__nav2__navigate_to_pose', input: { x: 1.5 }, output: '', durationMs: 2 },
        ],
        labels: { [awkward.slice(0, 20)]: awkward },
      }),
      agentEvent({ tenantId: tenant, toolCalls: [], exitCode: -1 }),
      executionEvent({ tenantId: tenant, gpuSeconds: 0.1 + 0.2, reason: awkward }),
    ];
    await h.publishAgent(events[0] as ReturnType<typeof agentEvent>);
    await h.publishAgent(events[1] as ReturnType<typeof agentEvent>);
    await h.publishExecution(events[2] as ReturnType<typeof executionEvent>);
    await h.waitStored(events.map((e) => e.eventId));
    const stored = await rows(tenant);
    expect(stored).toHaveLength(3);
    for (const r of stored) {
      expect(r.canonical_sql).toBe(canonicalRecord(fields(r)));
      expect(chainHash(r.prev_hash, fields(r)).equals(r.row_hash)).toBe(true);
    }
    const report = await verify(tenant);
    expect(report).toMatchObject({
      tenant_id: tenant,
      intact: true,
      rows_verified: 3,
      first_broken_link: null,
    });
    expect(report.head).toEqual({ seq: 3, row_hash: stored[2]!.row_hash.toString('hex') });
  });

  it('should refuse UPDATE, DELETE and TRUNCATE of the history when the runtime role tries them', async () => {
    const tenant = await tenantWithHistory(2);
    for (const sql of [
      `UPDATE observability.events SET body = '{}' WHERE tenant_id = '${tenant}'`,
      `DELETE FROM observability.events WHERE tenant_id = '${tenant}'`,
      `TRUNCATE observability.events`,
      `UPDATE observability.inbox SET consumer = 'x'`,
      `DELETE FROM observability.inbox`,
      `DELETE FROM observability.eval_summaries`,
      `CREATE TABLE observability.sneaky (id int)`,
    ])
      await expect(writer.query(sql)).rejects.toThrow(/permission denied|append-only/);
    // ...while it may append and read, which is all the service needs.
    const { rows: read } = await writer.query(
      `SELECT count(*)::int AS n FROM observability.events WHERE tenant_id = $1`,
      [tenant],
    );
    expect(read[0].n).toBe(2);
    expect(await h.count(tenant)).toBe(2);
  });

  it('should refuse UPDATE, DELETE and TRUNCATE of the history when a superuser tries them', async () => {
    const tenant = await tenantWithHistory(2);
    const [first] = await rows(tenant);
    for (const sql of [
      `UPDATE observability.events SET exit_code = 1 WHERE tenant_id = '${tenant}'`,
      `DELETE FROM observability.events WHERE tenant_id = '${tenant}'`,
      `TRUNCATE observability.events`,
      `TRUNCATE ${first!.partition}`,
      `TRUNCATE observability.events_default`,
      `DELETE FROM observability.inbox`,
      `TRUNCATE observability.inbox`,
    ])
      await expect(h.admin.query(sql)).rejects.toThrow(/append-only/);
    // Replica mode skips ordinary triggers; these are ENABLE ALWAYS.
    const client = await h.admin.connect();
    try {
      await client.query(`SET session_replication_role = replica`);
      await expect(
        client.query(`DELETE FROM observability.events WHERE tenant_id = $1`, [tenant]),
      ).rejects.toThrow(/append-only/);
    } finally {
      await client.query(`RESET session_replication_role`);
      client.release();
    }
    expect(await h.count(tenant)).toBe(2);
  });

  it('should name the changed row with expected and stored hash when a superuser alters an event', async () => {
    const tenant = await tenantWithHistory(6);
    const target = (await rows(tenant))[3]!;
    const forged = target.body.replace(/"tokens_in":\d+|"gpu_seconds":[\d.]+/, (m) =>
      m.replace(/[\d.]+$/, '1'),
    );
    expect(forged).not.toBe(target.body);
    await tamper(target, `UPDATE ${target.partition} SET body = $1 WHERE tenant_id = $2 AND seq = 4`, [
      forged,
      tenant,
    ]);
    const report = await verify(tenant);
    expect(report.intact).toBe(false);
    expect(report.rows_verified).toBe(3);
    expect(report.first_broken_link).toEqual({
      seq: 4,
      event_id: target.event_id,
      reason: expect.stringMatching(/does not match its row_hash/),
      expected_hash: chainHash(target.prev_hash, { ...fields(target), body: forged }).toString('hex'),
      stored_hash: target.row_hash.toString('hex'),
    });
    const metrics = (await h.service.http.get('/metrics')).text;
    expect(metrics).toMatch(/observability_chain_verifications_total\{[^}]*result="broken"[^}]*\} [1-9]/);
  });

  it('should name the changed row when a superuser alters only a filter column', async () => {
    const tenant = await tenantWithHistory(4);
    const target = (await rows(tenant))[1]!;
    await tamper(
      target,
      `UPDATE ${target.partition} SET job_id = 'someone-else' WHERE tenant_id = $1 AND seq = 2`,
      [tenant],
    );
    const report = await verify(tenant);
    expect(report.first_broken_link).toMatchObject({ seq: 2, event_id: target.event_id });
  });

  it('should name the next row when a superuser rewrites a row together with its hash', async () => {
    const tenant = await tenantWithHistory(5);
    const [, , target, next] = await rows(tenant);
    const forged = { ...fields(target!), exitCode: 42 };
    const rehashed = chainHash(target!.prev_hash, forged);
    await tamper(
      target!,
      `UPDATE ${target!.partition} SET exit_code = 42, row_hash = $1 WHERE tenant_id = $2 AND seq = 3`,
      [rehashed, tenant],
    );
    const report = await verify(tenant);
    expect(report.first_broken_link).toEqual({
      seq: 4,
      event_id: next!.event_id,
      reason: expect.stringMatching(/prev_hash is not the previous row's row_hash/),
      expected_hash: rehashed.toString('hex'),
      stored_hash: next!.prev_hash.toString('hex'),
    });
  });

  it('should name the missing row when a superuser deletes one', async () => {
    const tenant = await tenantWithHistory(4);
    const target = (await rows(tenant))[1]!;
    await tamper(target, `DELETE FROM ${target.partition} WHERE tenant_id = $1 AND seq = 2`, [tenant]);
    const report = await verify(tenant);
    expect(report.first_broken_link).toMatchObject({
      seq: 2,
      reason: expect.stringMatching(/row 2 is missing/),
    });
  });

  it('should publish each moved chain head on mp.audit.checkpoints and check it when verifying', async () => {
    const tenant = await tenantWithHistory(3);
    const published = await h.service.app.get(CheckpointPublisher).publishNow();
    expect(published).toBeGreaterThanOrEqual(1);
    const stream = h.ns.stream(STREAMS.audit.name);
    const info = await h.jsm.streams.info(stream);
    const checkpoints: Array<{ tenant_id: string; seq: number; row_hash: string; at: string }> = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++)
      checkpoints.push(
        JSON.parse(Buffer.from((await h.jsm.streams.getMessage(stream, { seq }))!.data).toString()) as {
          tenant_id: string;
          seq: number;
          row_hash: string;
          at: string;
        },
      );
    const head = (await rows(tenant))[2]!;
    expect(checkpoints).toContainEqual({
      tenant_id: tenant,
      seq: 3,
      row_hash: head.row_hash.toString('hex'),
      at: expect.any(String),
    });
    expect(await h.service.app.get(CheckpointPublisher).publishNow()).toBe(0);
    const report = await verify(tenant);
    expect(report).toMatchObject({
      intact: true,
      checkpoint: { seq: 3, row_hash: head.row_hash.toString('hex'), matches: true },
    });
  });

  it('should keep ingesting while checkpoints are being published and publish the moved head next round', async () => {
    const tenant = await tenantWithHistory(1);
    const repository = h.service.app.get(ChainRepository);
    const later = agentEvent({ tenantId: tenant });
    // A slow NATS during a checkpoint round: the tenant's events are stored meanwhile.
    const published = await repository.publishPending(1000, async (pending) => {
      expect(pending).toContainEqual(expect.objectContaining({ tenantId: tenant, seq: 1 }));
      await h.publishAgent(later);
      await h.waitStored([later.eventId], 15_000);
    });
    expect(published).toBeGreaterThanOrEqual(1);
    const { rows: marked } = await h.admin.query<{ seq: string; published_seq: string }>(
      `SELECT seq, published_seq FROM observability.chain_heads WHERE tenant_id = $1`,
      [tenant],
    );
    expect(marked[0]).toEqual({ seq: '2', published_seq: '1' });
    expect(await h.service.app.get(CheckpointPublisher).publishNow()).toBeGreaterThanOrEqual(1);
    expect(await verify(tenant)).toMatchObject({ intact: true, checkpoint: { seq: 2, matches: true } });
  });

  it('should refuse verification when the caller lacks audit:verify', async () => {
    const tenant = await h.addTenant();
    for (const role of ['viewer', 'member', 'service'] as const) {
      const res = await h.service.http.get('/api/v1/audit/verify').set(await h.auth(tenant, role));
      expect({ role, status: res.status }).toEqual({ role, status: 403 });
    }
  });
});

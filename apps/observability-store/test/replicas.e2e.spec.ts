// Two replicas share the durable consumers and the database, as in production: batches of the same
// tenants are ingested concurrently by both, and every tenant's chain still comes out as one line
// (seq 1..n, each row linked to the previous one), with every event stored once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import { AgentEventMessage, ExecutionEventMessage, SUBJECTS } from '@auraison/contracts';
import { agentEvent, executionEvent } from '@auraison/testing';
import { jetstream, type PubAck } from '@nats-io/jetstream';
import { observabilityStoreService } from '../src/service.js';
import { eventually, startHarness, type Harness } from './support/harness.js';

const PER_TENANT = 1500;

describe('two replicas (real PostgreSQL and NATS)', () => {
  let h: Harness;
  let replica: BootedService;

  beforeAll(async () => {
    h = await startHarness({ MP_INGEST_BATCH_SIZE: '100' });
    replica = await bootTestService(observabilityStoreService, {
      replicaOf: h.service,
      env: { ...h.issuer.env, MP_INGEST_BATCH_SIZE: '100', MP_AUDIT_CHECKPOINT_SECONDS: '0' },
    });
  });

  afterAll(async () => {
    await replica?.close();
    await h?.close();
  });

  it('should keep each tenant chain one unbroken line when both replicas ingest its events at once', async () => {
    const tenants = [await h.addTenant(), await h.addTenant()];
    const js = jetstream(h.nc);
    const acks: Array<Promise<PubAck>> = [];
    for (let i = 0; i < PER_TENANT; i++)
      for (const tenantId of tenants) {
        // Agent and execution events of one tenant come through two consumers per replica.
        const [type, subject, event] =
          i % 3 === 0
            ? ([ExecutionEventMessage, SUBJECTS.executionEvents, executionEvent({ tenantId })] as const)
            : ([AgentEventMessage, SUBJECTS.agentEvents, agentEvent({ tenantId })] as const);
        acks.push(
          js.publish(h.ns.subject(subject), (type.encode as (e: typeof event) => Uint8Array)(event), {
            msgID: event.eventId,
          }),
        );
      }
    await Promise.all(acks);
    await eventually(
      async () => (await h.count(tenants[0])) + (await h.count(tenants[1])) === 2 * PER_TENANT,
      60_000,
      'every event stored',
    );
    // Both replicas did part of the work.
    for (const app of [h.service, replica]) {
      const metrics = (await app.http.get('/metrics')).text;
      expect(metrics).toMatch(/observability_events_ingested_total\{[^}]*result="stored"[^}]*\} [1-9]/);
    }
    for (const tenant of tenants) {
      const { rows } = await h.admin.query<{ n: string; ids: string; seqs: string; max: string }>(
        `SELECT count(*) AS n, count(DISTINCT event_id) AS ids, count(DISTINCT seq) AS seqs, max(seq) AS max
           FROM observability.events WHERE tenant_id = $1`,
        [tenant],
      );
      expect(rows[0]).toEqual({
        n: `${PER_TENANT}`,
        ids: `${PER_TENANT}`,
        seqs: `${PER_TENANT}`,
        max: `${PER_TENANT}`,
      });
      const verify = await replica.http.get('/api/v1/audit/verify').set(await h.auth(tenant, 'tenant_admin'));
      expect(verify.body).toMatchObject({ intact: true, rows_verified: PER_TENANT });
    }
  }, 90_000);
});

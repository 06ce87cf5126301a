// An observability-store booted on a database and NATS namespace of its own, with what its e2e tests
// need around it: a token issuer, tenants announced on mp.tenant.events, a publisher into its streams,
// a superuser connection to its database, the dead letters it wrote, and polling with deadlines.
import { randomUUID } from 'node:crypto';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import {
  AgentEventMessage,
  ExecutionEventMessage,
  EvaluationSummaryMessage,
  STREAMS,
  SUBJECTS,
  TenantEventMessage,
  type AgentEvent,
  type EvaluationSummary,
  type ExecutionEvent,
} from '@auraison/contracts';
import { DLQ_HEADERS, JetStreamPublisher, Namespace } from '@auraison/messaging';
import type { Env } from '@auraison/config';
import { natsUrl, startTestIssuer, tenantEvent, type TestIssuer, type TestRole } from '@auraison/testing';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import type { ObservabilityStoreConfig } from '../../src/config.js';
import { observabilityStoreService } from '../../src/service.js';

export interface DeadLetter {
  reason: string;
  kind: string;
  msgId: string | undefined;
  stream: string;
  data: Uint8Array;
}

export interface Harness {
  service: BootedService<ObservabilityStoreConfig>;
  issuer: TestIssuer;
  publisher: JetStreamPublisher;
  ns: Namespace;
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** A superuser pool on the service's database (the service itself runs as observability_writer). */
  admin: pg.Pool;
  /** Announces a tenant on mp.tenant.events and waits until the service knows it. */
  addTenant(tenantId?: string): Promise<string>;
  /** `Authorization: Bearer <token>` for a caller of `role` in `tenantId`. */
  auth(tenantId: string, role: TestRole): Promise<{ Authorization: string }>;
  publishAgent(event: AgentEvent): Promise<void>;
  publishExecution(event: ExecutionEvent): Promise<void>;
  publishEvaluation(event: EvaluationSummary): Promise<void>;
  /** Rows of the history (optionally of one tenant). */
  count(tenantId?: string): Promise<number>;
  /** Waits until every event id is in the history. */
  waitStored(eventIds: readonly string[], timeoutMs?: number): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
  close(): Promise<void>;
}

export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `adminUrl`: where the superuser pool connects when DATABASE_URL is overridden (e.g. the service
 * goes through a proxy to a database the test created).
 */
export async function startHarness(env: Env = {}, options: { adminUrl?: string } = {}): Promise<Harness> {
  const issuer = await startTestIssuer();
  const service = await bootTestService(observabilityStoreService, {
    env: { MP_AUDIT_CHECKPOINT_SECONDS: '0', ...issuer.env, ...env },
  });
  const publisher = service.app.get(JetStreamPublisher);
  const ns = service.app.get(Namespace);
  const nc = await connect({ servers: natsUrl(), name: 'observability-test' });
  const jsm = await jetstreamManager(nc);
  const admin = new pg.Pool({ connectionString: options.adminUrl ?? service.database.url, max: 3 });
  let revision = 0;
  const h: Harness = {
    service,
    issuer,
    publisher,
    ns,
    nc,
    jsm,
    admin,
    addTenant: async (tenantId = randomUUID()) => {
      revision += 1;
      await publisher.publish(
        TenantEventMessage,
        SUBJECTS.tenantEvents,
        tenantEvent({ tenantId, slug: `t-${tenantId.slice(0, 8)}`, revision }),
      );
      await eventually(
        async () =>
          (await admin.query(`SELECT 1 FROM observability.tenants WHERE tenant_id = $1`, [tenantId]))
            .rowCount === 1,
        15_000,
        `tenant ${tenantId} in the projection`,
      );
      return tenantId;
    },
    auth: async (tenantId, role) => ({
      Authorization: `Bearer ${await issuer.token({ tenantId, roles: [role] })}`,
    }),
    publishAgent: async (event) => {
      await publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, event);
    },
    publishExecution: async (event) => {
      await publisher.publish(ExecutionEventMessage, SUBJECTS.executionEvents, event);
    },
    publishEvaluation: async (event) => {
      await publisher.publish(EvaluationSummaryMessage, SUBJECTS.evalSummaries, event);
    },
    count: async (tenantId) => {
      const { rows } = await admin.query<{ n: string }>(
        tenantId
          ? `SELECT count(*) AS n FROM observability.events WHERE tenant_id = $1`
          : `SELECT count(*) AS n FROM observability.events`,
        tenantId ? [tenantId] : [],
      );
      return Number(rows[0]!.n);
    },
    waitStored: async (eventIds, timeoutMs = 15_000) => {
      await eventually(
        async () => {
          const { rows } = await admin.query<{ n: string }>(
            `SELECT count(DISTINCT event_id) AS n FROM observability.events WHERE event_id = ANY($1)`,
            [eventIds],
          );
          return Number(rows[0]!.n) === new Set(eventIds).size;
        },
        timeoutMs,
        `${eventIds.length} event(s) stored`,
      );
    },
    deadLetters: async () => {
      const stream = ns.stream(STREAMS.dlq.name);
      const info = await jsm.streams.info(stream);
      const out: DeadLetter[] = [];
      if (info.state.messages === 0) return out;
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
        if (!m) continue;
        out.push({
          reason: m.header.get(DLQ_HEADERS.reason),
          kind: m.header.get(DLQ_HEADERS.reasonKind),
          msgId: m.header.get(DLQ_HEADERS.msgId) || undefined,
          stream: m.header.get(DLQ_HEADERS.stream),
          data: m.data,
        });
      }
      return out;
    },
    close: async () => {
      await admin.end();
      await nc.close();
      await service.close();
      await issuer.close();
    },
  };
  return h;
}

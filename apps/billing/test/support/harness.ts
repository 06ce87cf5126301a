// Boots billing on its own database and NATS namespace with a test token issuer, and gives specs what
// they need around it: tenants (published as TenantEvents, as the registry would), tokens for any role,
// usage events published the production way, polling with deadlines, and readers of the DLQ and of
// mp.alerts.
import { randomUUID } from 'node:crypto';
import { bootTestService, type BootedService } from '@auraison/app-testing';
import {
  AgentEventMessage,
  AlertMessage,
  ExecutionEventMessage,
  STREAMS,
  SUBJECTS,
  TenantEventMessage,
  type AgentEvent,
  type Alert,
  type ExecutionEvent,
} from '@auraison/contracts';
import type { Env } from '@auraison/config';
import { JetStreamPublisher, type PublishResult } from '@auraison/messaging';
import { startTestIssuer, tenantEvent, type TestIssuer, type TestRole } from '@auraison/testing';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import type { BillingConfig } from '../../src/config.js';
import { billingService } from '../../src/service.js';

export interface Billing {
  service: BootedService<BillingConfig>;
  issuer: TestIssuer;
  publisher: JetStreamPublisher;
  db: DataSource;
  nc: NatsConnection;
  jsm: JetStreamManager;
  close(): Promise<void>;
}

export async function bootBilling(env: Env = {}, logDestination?: NodeJS.WritableStream): Promise<Billing> {
  const issuer = await startTestIssuer();
  const service = await bootTestService(billingService, {
    env: { ...issuer.env, ...env },
    ...(logDestination ? { logDestination } : {}),
  });
  const nc = await connect({ servers: service.config.NATS_URL });
  return {
    service,
    issuer,
    publisher: service.app.get(JetStreamPublisher),
    db: service.app.get(DataSource),
    nc,
    jsm: await jetstreamManager(nc),
    close: async () => {
      await nc.close();
      await service.close();
      await issuer.close();
    },
  };
}

/** Polls `probe` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TenantOptions {
  tenantId?: string;
  slug?: string;
  anchorDay?: number;
}

/** Announces a tenant on mp.tenant.events and waits until billing's projection holds it. */
export async function addTenant(b: Billing, options: TenantOptions = {}): Promise<string> {
  const tenantId = options.tenantId ?? randomUUID();
  await b.publisher.publish(
    TenantEventMessage,
    SUBJECTS.tenantEvents,
    tenantEvent({
      tenantId,
      slug: options.slug ?? `t-${tenantId.slice(0, 8)}`,
      revision: 1,
      quota: {
        gpuHoursPerPeriod: 100,
        tokenBudgetPerPeriod: 1_000_000_000,
        maxJobsInFlight: 4,
        defaultMaxJobDurationS: 3600,
        periodAnchorDay: options.anchorDay ?? 1,
      },
    }),
  );
  await eventually(
    async () => {
      const rows = await b.db.query(`SELECT 1 FROM billing.tenants WHERE tenant_id = $1`, [tenantId]);
      return rows.length > 0 ? true : undefined;
    },
    15_000,
    `tenant ${tenantId} in the projection`,
  );
  return tenantId;
}

/** `Authorization: Bearer ...` of a caller with `role` in `tenantId`. */
export async function auth(
  b: Billing,
  tenantId: string,
  role: TestRole,
  subject?: string,
): Promise<{ Authorization: string }> {
  const token = await b.issuer.token({ tenantId, roles: [role], ...(subject ? { subject } : {}) });
  return { Authorization: `Bearer ${token}` };
}

export async function publishAgent(b: Billing, e: AgentEvent, msgId?: string): Promise<PublishResult> {
  if (msgId === undefined) return b.publisher.publish(AgentEventMessage, SUBJECTS.agentEvents, e);
  return b.publisher.publishRaw(SUBJECTS.agentEvents, AgentEventMessage.encode(e), undefined, { msgId });
}

export async function publishExecution(
  b: Billing,
  e: ExecutionEvent,
  msgId?: string,
): Promise<PublishResult> {
  if (msgId === undefined) return b.publisher.publish(ExecutionEventMessage, SUBJECTS.executionEvents, e);
  return b.publisher.publishRaw(SUBJECTS.executionEvents, ExecutionEventMessage.encode(e), undefined, {
    msgId,
  });
}

/** Waits until `count` usage lines match `where` (SQL over billing.usage_lines, params $1...). */
export async function waitForLines(
  b: Billing,
  count: number,
  where = 'true',
  params: unknown[] = [],
  timeoutMs = 15_000,
): Promise<void> {
  await eventually(
    async () => {
      const [{ n }] = await b.db.query<[{ n: number }]>(
        `SELECT count(*)::int AS n FROM billing.usage_lines WHERE ${where}`,
        params,
      );
      return n >= count ? true : undefined;
    },
    timeoutMs,
    `${count} usage lines where ${where}`,
  );
}

export interface StoredMessage {
  subject: string;
  headers: Record<string, string>;
  data: Uint8Array;
}

/** Every message of a stream of the service's namespace (declared name, e.g. MP_DLQ). */
export async function streamMessages(b: Billing, declared: string): Promise<StoredMessage[]> {
  const name = `${b.service.namespace.toUpperCase()}_${declared}`;
  const info = await b.jsm.streams.info(name);
  const out: StoredMessage[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await b.jsm.streams.getMessage(name, { seq }).catch(() => null);
    if (!m) continue;
    const headers: Record<string, string> = {};
    for (const [k, v] of m.header ?? []) headers[k] = v[0] ?? '';
    out.push({ subject: m.subject, headers, data: m.data });
  }
  return out;
}

/** Dead letters with their reason, keyed by the original Nats-Msg-Id. */
export async function deadLetters(b: Billing): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const m of await streamMessages(b, STREAMS.dlq.name))
    out.set(m.headers['Mp-Dlq-Msg-Id'] ?? '', m.headers['Mp-Dlq-Reason'] ?? '');
  return out;
}

/** Alerts on mp.alerts. */
export async function alerts(b: Billing): Promise<Alert[]> {
  return (await streamMessages(b, STREAMS.alerts.name)).map((m) => AlertMessage.decode(m.data));
}

// eval_loop.deliveries: the outbox of everything eval-loop announces. NATS messages (summaries and
// alerts) are written in the transaction of the change they announce and published by one replica at a
// time in id order; webhook calls are claimed row by row (SKIP LOCKED) by any replica, each rule's in
// order (a call waits while an earlier one of its rule is pending, so a receiver never sees a RESOLVED
// before its FIRING). A row is delivered once its target acknowledged it, or abandoned after its last
// attempt.
import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';

// Only one replica publishes NATS deliveries at a time, so they leave in the order they were written.
const NATS_RELAY_LOCK = `hashtext('auraison:eval-loop:nats-relay')`;

export interface NewNatsDelivery {
  eventId: string;
  /** Subject as declared in @auraison/contracts (the namespace is applied when publishing). */
  subject: string;
  messageType: string;
  payload: Uint8Array;
}

export interface NewWebhookDelivery {
  eventId: string;
  ruleId: string;
  body: string;
}

export interface NatsDelivery extends NewNatsDelivery {
  id: number;
}

export interface WebhookDelivery extends NewWebhookDelivery {
  id: number;
  /** Attempts made before this one. */
  attempts: number;
}

export type WebhookResult = { ok: true } | { ok: false; error: string; retryAt?: Date };

@Injectable()
export class DeliveryRepository {
  constructor(private readonly tx: TransactionRunner) {}

  async addNats(db: Queryable, deliveries: readonly NewNatsDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await db.query(
      `INSERT INTO eval_loop.deliveries (event_id, target, subject, message_type, payload)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[])
       ON CONFLICT (event_id, target) DO NOTHING`,
      [
        deliveries.map((d) => d.eventId),
        deliveries.map(() => 'nats'),
        deliveries.map((d) => d.subject),
        deliveries.map((d) => d.messageType),
        deliveries.map((d) => Buffer.from(d.payload)),
      ],
    );
  }

  async addWebhooks(db: Queryable, deliveries: readonly NewWebhookDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await db.query(
      `INSERT INTO eval_loop.deliveries (event_id, target, rule_id, body)
       SELECT e, 'webhook', r, b FROM unnest($1::text[], $2::uuid[], $3::text[]) AS x(e, r, b)
       ON CONFLICT (event_id, target) DO NOTHING`,
      [deliveries.map((d) => d.eventId), deliveries.map((d) => d.ruleId), deliveries.map((d) => d.body)],
    );
  }

  /**
   * Takes the NATS relay lock (skipping when another replica holds it), hands up to `limit` pending
   * NATS deliveries to `publish` in id order and marks those it published, in one transaction.
   */
  async relayNats(
    limit: number,
    publish: (deliveries: NatsDelivery[]) => Promise<{ published: number[]; error?: Error }>,
  ): Promise<{ claimed: number; published: number; error?: Error }> {
    return this.tx.run(async (db) => {
      const [lock] = await db.query<Array<{ locked: boolean }>>(
        `SELECT pg_try_advisory_xact_lock(${NATS_RELAY_LOCK}) AS locked`,
      );
      if (!lock?.locked) return { claimed: 0, published: 0 };
      const rows = await db.query<
        Array<{ id: string; event_id: string; subject: string; message_type: string; payload: Buffer }>
      >(
        `SELECT id, event_id, subject, message_type, payload FROM eval_loop.deliveries
          WHERE target = 'nats' AND delivered_at IS NULL AND abandoned_at IS NULL ORDER BY id LIMIT $1`,
        [limit],
      );
      if (rows.length === 0) return { claimed: 0, published: 0 };
      const outcome = await publish(
        rows.map((r) => ({
          id: Number(r.id),
          eventId: r.event_id,
          subject: r.subject,
          messageType: r.message_type,
          payload: new Uint8Array(r.payload),
        })),
      );
      if (outcome.published.length > 0)
        await db.query(
          `UPDATE eval_loop.deliveries SET delivered_at = now(), attempts = attempts + 1, last_error = NULL
            WHERE id = ANY($1::bigint[])`,
          [outcome.published],
        );
      return { claimed: rows.length, published: outcome.published.length, error: outcome.error };
    });
  }

  /**
   * Claims up to `limit` due webhook deliveries (rows other replicas hold are skipped), hands them to
   * `deliver` and records each result, in one transaction: a crash before COMMIT only means the calls
   * are made again (receivers deduplicate on X-Auraison-Event-Id).
   */
  async relayWebhooks(
    limit: number,
    deliver: (deliveries: WebhookDelivery[]) => Promise<Map<number, WebhookResult>>,
  ): Promise<{ claimed: number; delivered: number }> {
    return this.tx.run(async (db) => {
      const rows = await db.query<
        Array<{ id: string; event_id: string; rule_id: string; body: string; attempts: number }>
      >(
        `SELECT d.id, d.event_id, d.rule_id, d.body, d.attempts FROM eval_loop.deliveries d
          WHERE d.target = 'webhook' AND d.delivered_at IS NULL AND d.abandoned_at IS NULL AND d.next_attempt_at <= now()
            AND NOT EXISTS (SELECT 1 FROM eval_loop.deliveries e
                             WHERE e.target = 'webhook' AND e.rule_id = d.rule_id AND e.id < d.id
                               AND e.delivered_at IS NULL AND e.abandoned_at IS NULL)
          ORDER BY d.next_attempt_at, d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return { claimed: 0, delivered: 0 };
      const results = await deliver(
        rows.map((r) => ({
          id: Number(r.id),
          eventId: r.event_id,
          ruleId: r.rule_id,
          body: r.body,
          attempts: r.attempts,
        })),
      );
      let delivered = 0;
      for (const [id, result] of results) {
        if (result.ok) {
          delivered++;
          await db.query(
            `UPDATE eval_loop.deliveries SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`,
            [id],
          );
        } else if (result.retryAt) {
          await db.query(
            `UPDATE eval_loop.deliveries SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1`,
            [id, result.error.slice(0, 1000), result.retryAt],
          );
        } else {
          await db.query(
            `UPDATE eval_loop.deliveries SET attempts = attempts + 1, last_error = $2, abandoned_at = now() WHERE id = $1`,
            [id, result.error.slice(0, 1000)],
          );
        }
      }
      return { claimed: rows.length, delivered };
    });
  }

  /** Deliveries not yet made, by target (a gauge). */
  async pending(): Promise<Record<'nats' | 'webhook', number>> {
    const rows = await this.tx.queryable.query<Array<{ target: 'nats' | 'webhook'; n: number }>>(
      `SELECT target, count(*)::int AS n FROM eval_loop.deliveries
        WHERE delivered_at IS NULL AND abandoned_at IS NULL GROUP BY target`,
    );
    const out = { nats: 0, webhook: 0 };
    for (const r of rows) out[r.target] = r.n;
    return out;
  }

  /** The earliest time a pending webhook delivery is due (to sleep until then). */
  async nextWebhookDue(): Promise<Date | undefined> {
    const [row] = await this.tx.queryable.query<Array<{ due: Date | null }>>(
      `SELECT min(next_attempt_at) AS due FROM eval_loop.deliveries
        WHERE target = 'webhook' AND delivered_at IS NULL AND abandoned_at IS NULL`,
    );
    return row?.due ?? undefined;
  }
}

// tenant_registry.outbox: TenantEvents written in the same transaction as the change they announce,
// published by the OutboxRelay in id order and then marked published.
import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';

const TABLE = 'tenant_registry.outbox';
// Only one relay (one replica) publishes at a time, so events leave in id order.
const RELAY_LOCK = `hashtext('auraison:tenant-registry:outbox-relay')`;

export interface NewOutboxMessage {
  eventId: string;
  subject: string;
  messageType: string;
  payload: Uint8Array;
  headers: Record<string, string>;
}

export interface OutboxMessage extends NewOutboxMessage {
  id: number;
}

interface OutboxRow {
  id: string;
  event_id: string;
  subject: string;
  message_type: string;
  payload: Buffer;
  headers: Record<string, string>;
}

/** What a batch handler reports: the ids it published, and the error that stopped it, if any. */
export interface BatchOutcome {
  published: number[];
  error?: Error;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  async append(tx: Queryable, message: NewOutboxMessage): Promise<void> {
    await tx.query(
      `INSERT INTO ${TABLE} (event_id, subject, message_type, payload, headers) VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [
        message.eventId,
        message.subject,
        message.messageType,
        Buffer.from(message.payload),
        JSON.stringify(message.headers),
      ],
    );
  }

  /**
   * Takes the relay lock (skipping the round when another replica holds it), hands up to `limit`
   * unpublished messages to `handle` in id order, and marks the ones it published, all in one
   * transaction. Returns how many were handed over (0 when there were none or the lock was taken).
   */
  async processBatch(
    limit: number,
    handle: (messages: OutboxMessage[]) => Promise<BatchOutcome>,
  ): Promise<{ claimed: number; published: number; error?: Error }> {
    return this.transactions.run(async (tx) => {
      const [lock] = await tx.query<Array<{ locked: boolean }>>(
        `SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}) AS locked`,
      );
      if (!lock?.locked) return { claimed: 0, published: 0 };
      const rows = await tx.query<OutboxRow[]>(
        `SELECT id, event_id, subject, message_type, payload, headers FROM ${TABLE}
         WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [limit],
      );
      if (rows.length === 0) return { claimed: 0, published: 0 };
      const outcome = await handle(
        rows.map((r) => ({
          id: Number(r.id),
          eventId: r.event_id,
          subject: r.subject,
          messageType: r.message_type,
          payload: new Uint8Array(r.payload),
          headers: r.headers,
        })),
      );
      if (outcome.published.length > 0)
        await tx.query(`UPDATE ${TABLE} SET published_at = now() WHERE id = ANY($1::bigint[])`, [
          outcome.published,
        ]);
      return { claimed: rows.length, published: outcome.published.length, error: outcome.error };
    });
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.transactions.queryable.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM ${TABLE} WHERE published_at IS NULL`,
    );
    return row?.n ?? 0;
  }
}

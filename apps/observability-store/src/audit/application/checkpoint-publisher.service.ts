// Publishes every chain head that moved on mp.audit.checkpoints (stream MP_AUDIT) every
// MP_AUDIT_CHECKPOINT_SECONDS, so the heads can be anchored outside the database: a superuser who
// rewrites history must also rewrite every copy of the checkpoints. One replica publishes per round
// (an advisory lock); Nats-Msg-Id `<tenant>:<seq>` makes a repeated publish harmless.
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CONTENT_TYPE_HEADER, CONTENT_TYPE_JSON, SUBJECTS } from '@auraison/contracts';
import { JetStreamPublisher } from '@auraison/messaging';
import { LOGGER, type Logger } from '@auraison/observability';
import { ChainRepository, type PendingCheckpoint } from '../persistence/chain.repository.js';
import { AuditMetrics } from './audit-metrics.js';

export const CHECKPOINT_INTERVAL_MS = Symbol('CHECKPOINT_INTERVAL_MS');

const HEADS_PER_ROUND = 1000;

/** The JSON of one checkpoint message. */
export interface CheckpointMessage {
  tenant_id: string;
  seq: number;
  /** SHA-256 of the row, hex. */
  row_hash: string;
  at: string;
}

@Injectable()
export class CheckpointPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly chain: ChainRepository,
    private readonly publisher: JetStreamPublisher,
    private readonly metrics: AuditMetrics,
    @Inject(CHECKPOINT_INTERVAL_MS) private readonly intervalMs: number,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running = this.publishNow().catch((err: unknown) => {
        this.metrics.checkpoints.inc({ result: 'failed' });
        this.logger.warn(
          { err: (err as Error).message },
          'audit checkpoints not published; next round retries',
        );
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Publishes the heads that moved since they were last published; returns how many. */
  async publishNow(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.chain.publishPending(HEADS_PER_ROUND, async (pending) =>
        this.publish(pending),
      );
      if (published === undefined) return total; // another replica is publishing
      total += published;
      if (published < HEADS_PER_ROUND) return total;
    }
  }

  private async publish(pending: readonly PendingCheckpoint[]): Promise<void> {
    const at = new Date().toISOString();
    await Promise.all(
      pending.map(async (p) => {
        const message: CheckpointMessage = {
          tenant_id: p.tenantId,
          seq: p.seq,
          row_hash: p.rowHash.toString('hex'),
          at,
        };
        await this.publisher.publishRaw(
          SUBJECTS.auditCheckpoints,
          Buffer.from(JSON.stringify(message)),
          { [CONTENT_TYPE_HEADER]: CONTENT_TYPE_JSON },
          { msgId: `${p.tenantId}:${p.seq}` },
        );
      }),
    );
    this.metrics.checkpoints.inc({ result: 'published' }, pending.length);
  }
}

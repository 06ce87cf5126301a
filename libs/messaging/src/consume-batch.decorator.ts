// Binds a provider method to a durable consumer. The method receives decoded batches and knows
// nothing of NATS; MessagingModule finds it at bootstrap, provisions the consumer and runs it.
import { SetMetadata } from '@nestjs/common';
import type { ConsumerDeclaration } from '@auraison/contracts';
import type { BatchConsumerSettings } from './batch-consumer.js';
import type { MessageOf } from './plane-messages.js';
import type { BatchResult, ConsumedMessage } from './types.js';

export const CONSUME_BATCH_METADATA = 'auraison:messaging:consume-batch';

export interface ConsumeBatchMetadata {
  readonly consumer: ConsumerDeclaration;
  readonly settings: BatchConsumerSettings;
}

type BatchMethod<C extends ConsumerDeclaration> = (
  batch: ConsumedMessage<MessageOf<C>>[],
) => Promise<void | BatchResult>;

/**
 * `@ConsumeBatch(CONSUMERS.billingAgentEvents, { batchSize: 500 })` on
 * `async ingest(batch: ConsumedMessage<AgentEvent>[]): Promise<void>`: one call per batch, in one
 * transaction, resolving after COMMIT (see BatchHandler).
 */
export function ConsumeBatch<C extends ConsumerDeclaration>(
  consumer: C,
  settings: BatchConsumerSettings = {},
) {
  const metadata: ConsumeBatchMetadata = { consumer, settings };
  return <M extends BatchMethod<C>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    SetMetadata(CONSUME_BATCH_METADATA, metadata)(target, key, descriptor);
  };
}

// Publishes one outbox message through the messaging library: protobuf, Nats-Msg-Id = event id (a
// crash between publishing and marking published republishes the same id, which JetStream drops).
import { Injectable } from '@nestjs/common';
import { MESSAGE_TYPES } from '@auraison/contracts';
import { JetStreamPublisher } from '@auraison/messaging';
import { parseTraceparent, TRACEPARENT_HEADER } from '@auraison/observability';
import type { OutboxMessage } from './outbox.repository.js';

/** Sends outbox messages to NATS (faked in unit tests). */
export interface OutboxPublisher {
  publish(message: OutboxMessage): Promise<void>;
}
export const OUTBOX_PUBLISHER = Symbol('OUTBOX_PUBLISHER');

/** One attempt's budget: short, so the relay backs off (and shuts down) promptly when NATS is down. */
const PUBLISH_DEADLINE_MS = 5000;

@Injectable()
export class JetStreamOutboxPublisher implements OutboxPublisher {
  constructor(private readonly publisher: JetStreamPublisher) {}

  async publish(message: OutboxMessage): Promise<void> {
    const type = MESSAGE_TYPES[message.messageType];
    if (!type) throw new Error(`outbox message ${message.id} has unknown type ${message.messageType}`);
    const trace = parseTraceparent(message.headers[TRACEPARENT_HEADER]);
    await this.publisher.publish(type, message.subject, type.decode(message.payload), {
      deadlineMs: PUBLISH_DEADLINE_MS,
      ...(trace ? { trace } : {}),
    });
  }
}

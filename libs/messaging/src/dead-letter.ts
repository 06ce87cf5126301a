// Dead letters (DESIGN §4): the original bytes and headers on `mp.dlq.<STREAM>`, plus why and where
// the message came from. Nats-Msg-Id = `<stream>:<seq>`, so a dead letter published twice (a retry
// after a lost PubAck, two replicas racing on a redelivery) is stored once.
import { dlqSubject } from '@auraison/contracts';
import { JetStreamApiError, type JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { errorMessage } from './errors.js';
import type { JetStreamPublisher, PublishResult } from './jetstream-publisher.js';
import { DLQ_HEADERS, headerValue, MSG_ID_HEADER, toMsgHdrs } from './message-headers.js';
import type { DlqReasonKind } from './messaging-metrics.js';

/** JetStream API error code: message size exceeds the stream's max_msg_size. */
const MESSAGE_TOO_LARGE = 10054;

export interface DeadLetterSource {
  /** Stream name as declared (`MP_AGENT_EVENTS`): selects `mp.dlq.MP_AGENT_EVENTS`. */
  declaredStream: string;
  /** Stream name on the server (namespaced). */
  stream: string;
  /** Durable consumer that gave up. */
  consumer: string;
}

/** The headers of a dead letter: the original ones (minus JetStream's own) plus the reason. */
export function deadLetterHeaders(
  msg: JsMsg,
  source: DeadLetterSource,
  kind: DlqReasonKind,
  reason: string,
): MsgHdrs {
  const h = toMsgHdrs();
  let originalMsgId: string | undefined;
  for (const [key, values] of msg.headers ?? []) {
    // Nats-* headers steer JetStream (expected sequence, rollup, TTL...) and would be applied to the DLQ.
    if (/^nats-/i.test(key)) {
      if (key.toLowerCase() === MSG_ID_HEADER.toLowerCase()) originalMsgId = values[0];
      continue;
    }
    for (const v of values) h.append(key, v);
  }
  h.set(DLQ_HEADERS.reason, headerValue(reason));
  h.set(DLQ_HEADERS.reasonKind, kind);
  h.set(DLQ_HEADERS.stream, source.stream);
  h.set(DLQ_HEADERS.consumer, source.consumer);
  h.set(DLQ_HEADERS.subject, msg.subject);
  h.set(DLQ_HEADERS.streamSequence, String(msg.seq));
  h.set(DLQ_HEADERS.deliveryCount, String(msg.info.deliveryCount));
  h.set(DLQ_HEADERS.at, new Date().toISOString());
  if (originalMsgId) h.set(DLQ_HEADERS.msgId, headerValue(originalMsgId));
  return h;
}

/**
 * Publishes the dead letter and resolves after its PubAck; throws when it could not be stored (the
 * caller then keeps the original). A payload the DLQ stream refuses (too large) is recorded without
 * its bytes rather than looping forever.
 */
export async function publishDeadLetter(
  publisher: JetStreamPublisher,
  msg: JsMsg,
  source: DeadLetterSource,
  kind: DlqReasonKind,
  reason: string,
  deadlineMs: number,
): Promise<PublishResult> {
  const subject = dlqSubject(source.declaredStream);
  const msgId = `${source.stream}:${msg.seq}`;
  const headers = deadLetterHeaders(msg, source, kind, reason);
  try {
    return await publisher.publishRaw(subject, msg.data, headers, { msgId, deadlineMs });
  } catch (err) {
    const cause = err instanceof Error ? err.cause : undefined;
    if (!(cause instanceof JetStreamApiError) || cause.code !== MESSAGE_TOO_LARGE) throw err;
    headers.set(
      'Mp-Dlq-Payload-Omitted',
      headerValue(`${msg.data.length} bytes refused by the DLQ stream: ${errorMessage(cause)}`),
    );
    return publisher.publishRaw(subject, new Uint8Array(0), headers, { msgId, deadlineMs });
  }
}

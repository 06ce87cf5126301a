// Header names the library writes and helpers to move headers between nats.js and plain records.
import { headers as natsHeaders, Match, type MsgHdrs } from '@nats-io/transport-node';

export const MSG_ID_HEADER = 'Nats-Msg-Id';

/** Dead-letter headers: why, and where the original message lives. */
export const DLQ_HEADERS = {
  reason: 'Mp-Dlq-Reason',
  reasonKind: 'Mp-Dlq-Reason-Kind',
  stream: 'Mp-Dlq-Stream',
  consumer: 'Mp-Dlq-Consumer',
  subject: 'Mp-Dlq-Subject',
  streamSequence: 'Mp-Dlq-Stream-Seq',
  deliveryCount: 'Mp-Dlq-Delivery-Count',
  at: 'Mp-Dlq-At',
  /** The original Nats-Msg-Id (the dead letter's own id is `<stream>:<seq>`). */
  msgId: 'Mp-Dlq-Msg-Id',
} as const;

const MAX_HEADER_VALUE = 2048;

/** A header value NATS accepts: one line, bounded. */
export function headerValue(value: string): string {
  const line = value.replace(/[\r\n]+/g, ' ').trim();
  return line.length > MAX_HEADER_VALUE ? `${line.slice(0, MAX_HEADER_VALUE - 3)}...` : line;
}

/** First value of each header, keys as sent. */
export function headersToRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [key, values] of h) if (values.length > 0) out[key] = values[0]!;
  return out;
}

/** A header looked up regardless of case (HTTP-style names from other languages vary). */
export function getHeader(h: MsgHdrs | undefined, name: string): string | undefined {
  if (!h) return undefined;
  return h.has(name, Match.IgnoreCase) ? h.get(name, Match.IgnoreCase) : undefined;
}

/** nats.js headers from a record (or a copy of other headers). */
export function toMsgHdrs(source?: Readonly<Record<string, string>> | MsgHdrs): MsgHdrs {
  const h = natsHeaders();
  if (!source) return h;
  if (isMsgHdrs(source)) {
    for (const [key, values] of source) for (const v of values) h.append(key, v);
  } else {
    for (const [key, value] of Object.entries(source)) h.set(key, headerValue(value));
  }
  return h;
}

function isMsgHdrs(v: object): v is MsgHdrs {
  return typeof (v as MsgHdrs).values === 'function' && typeof (v as MsgHdrs).append === 'function';
}

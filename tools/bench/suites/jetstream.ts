// Raw JetStream: one nats.js client publishing pipelined to a fresh file-storage stream, then draining
// it through durable pull consumers (ack per message, and AckAll every 100th). Each run uses its own
// stream and subject under this run's random prefix, deleted afterwards.
import {
  AckPolicy,
  jetstream,
  jetstreamManager,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { BenchContext, BenchSuite } from '../context.js';
import type { BenchResult } from '../report.js';

/** Publishes in flight at once: the client awaits a whole window of PubAcks before the next one. */
const PUBLISH_WINDOW = 1000;
const CONSUME_BATCH = 1000;
const MAX_ACK_PENDING = 1000;
const ACK_ALL_EVERY = 100;

interface RunFigures {
  publish: number;
  publishMsgId: number;
  consumeAck: number;
  consumeAckAll: number;
}

function perSecond(count: number, startMs: number): number {
  return count / ((performance.now() - startMs) / 1000);
}

async function publishAll(
  js: JetStreamClient,
  subject: string,
  payload: Uint8Array,
  count: number,
  msgIdPrefix?: string,
): Promise<number> {
  const start = performance.now();
  for (let sent = 0; sent < count;) {
    const n = Math.min(PUBLISH_WINDOW, count - sent);
    const acks: Array<Promise<PubAck>> = [];
    for (let i = 0; i < n; i++) {
      acks.push(
        js.publish(
          subject,
          payload,
          msgIdPrefix === undefined ? undefined : { msgID: `${msgIdPrefix}${sent + i}` },
        ),
      );
    }
    await Promise.all(acks);
    sent += n;
  }
  return perSecond(count, start);
}

async function consumeAll(
  nc: NatsConnection,
  js: JetStreamClient,
  stream: string,
  durable: string,
  count: number,
  ackEvery: number,
): Promise<number> {
  const consumer = await js.consumers.get(stream, durable);
  const start = performance.now();
  const messages = await consumer.consume({ max_messages: CONSUME_BATCH });
  let seen = 0;
  for await (const m of messages) {
    seen++;
    if (seen % ackEvery === 0 || seen === count) m.ack();
    if (seen === count) break;
  }
  messages.stop();
  // The acks are fire-and-forget: the run ends when the server has them.
  await nc.flush();
  return perSecond(count, start);
}

// A figure counts only if every message was stored / acknowledged: the server applies acks
// asynchronously, so poll briefly.
async function expectAllAcked(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  count: number,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const info = await jsm.consumers.info(stream, durable);
    if (info.ack_floor.stream_seq >= count && info.num_pending === 0) return;
    if (attempt >= 40) {
      throw new Error(
        `${stream}/${durable}: ack floor ${info.ack_floor.stream_seq} of ${count}, ` +
          `${info.num_ack_pending} unacked, ${info.num_pending} undelivered`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function expectStored(jsm: JetStreamManager, stream: string, count: number): Promise<void> {
  const info = await jsm.streams.info(stream);
  if (info.state.messages !== count)
    throw new Error(`${stream}: stored ${info.state.messages} of ${count} messages`);
}

export const jetstreamSuite: BenchSuite = {
  id: 'jetstream',
  title: 'Raw JetStream publish and durable pull consume',
  section: 'Raw baselines',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const count = ctx.size(100_000, 10_000);
    const runs = ctx.runs(5);
    const nc = await connect({ servers: ctx.natsUrl, name: `mp-bench-${ctx.runId}` });
    ctx.defer(async () => {
      await nc.close();
    });
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const live = new Set<string>();
    ctx.defer(async () => {
      for (const name of live) await jsm.streams.delete(name).catch(() => false);
    });
    const createStream = async (name: string, subject: string): Promise<void> => {
      live.add(name);
      await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File, num_replicas: 1 });
    };
    const deleteStream = async (name: string): Promise<void> => {
      await jsm.streams.delete(name);
      live.delete(name);
    };
    const payload = ctx.payloads.message;

    const figures = await ctx.repeat(
      `JetStream publish/consume ${count} msgs`,
      runs,
      async (run): Promise<RunFigures> => {
        const stream = `BENCH_${ctx.runId}_${run}`;
        const subject = `bench.${ctx.runId}.${run}.events`;
        await createStream(stream, `bench.${ctx.runId}.${run}.>`);
        const publish = await publishAll(js, subject, payload, count);
        await expectStored(jsm, stream, count);

        // Same publish with Nats-Msg-Id (dedup), as the plane's publishers do, into a second stream.
        const idStream = `${stream}_ID`;
        await createStream(idStream, `bench.${ctx.runId}.${run}id.>`);
        const publishMsgId = await publishAll(
          js,
          `bench.${ctx.runId}.${run}id.events`,
          payload,
          count,
          `${run}-`,
        );
        await expectStored(jsm, idStream, count);
        await deleteStream(idStream);

        const durable = { max_ack_pending: MAX_ACK_PENDING };
        await jsm.consumers.add(stream, {
          ...durable,
          durable_name: 'bench-ack',
          ack_policy: AckPolicy.Explicit,
        });
        await jsm.consumers.add(stream, {
          ...durable,
          durable_name: 'bench-ack-all',
          ack_policy: AckPolicy.All,
        });
        const consumeAck = await consumeAll(nc, js, stream, 'bench-ack', count, 1);
        await expectAllAcked(jsm, stream, 'bench-ack', count);
        const consumeAckAll = await consumeAll(nc, js, stream, 'bench-ack-all', count, ACK_ALL_EVERY);
        await expectAllAcked(jsm, stream, 'bench-ack-all', count);
        await deleteStream(stream);
        return { publish, publishMsgId, consumeAck, consumeAckAll };
      },
      (f) =>
        `publish ${Math.round(f.publish)}/s, with msg id ${Math.round(f.publishMsgId)}/s, ` +
        `consume ack ${Math.round(f.consumeAck)}/s, AckAll ${Math.round(f.consumeAckAll)}/s`,
    );

    const msg = `${count} msgs of ${ctx.payloads.description}`;
    const file = 'file storage, 1 replica';
    return [
      {
        id: 'js-publish',
        title: 'JetStream async publish',
        unit: 'msg/s',
        samples: figures.map((f) => f.publish),
        conditions: `one nats.js connection, windows of ${PUBLISH_WINDOW} publishes awaiting their PubAcks; ${msg}; ${file}`,
      },
      {
        id: 'js-publish-msgid',
        title: 'JetStream async publish with Nats-Msg-Id',
        unit: 'msg/s',
        samples: figures.map((f) => f.publishMsgId),
        conditions: `as above, each message with a unique Nats-Msg-Id (dedup window 2 min)`,
      },
      {
        id: 'js-consume-ack',
        title: 'JetStream durable pull consume, ack each',
        unit: 'msg/s',
        samples: figures.map((f) => f.consumeAck),
        conditions: `consume() batches of ${CONSUME_BATCH}, AckExplicit, ack per message, max_ack_pending ${MAX_ACK_PENDING}; ${msg}`,
      },
      {
        id: 'js-consume-ackall',
        title: `JetStream durable pull consume, AckAll every ${ACK_ALL_EVERY}th`,
        unit: 'msg/s',
        samples: figures.map((f) => f.consumeAckAll),
        conditions: `as above with AckAll, acking every ${ACK_ALL_EVERY}th message`,
      },
    ];
  },
};

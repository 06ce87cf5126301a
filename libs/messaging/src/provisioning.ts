// Idempotent provisioning of streams and durable pull consumers from the declarations in
// @auraison/contracts (DESIGN §4): run at every start-up by every replica, a no-op when NATS already
// matches, an update when a declaration changed, a clear error when a change needs an operator.
import type { StreamDeclaration } from '@auraison/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { Namespace } from './namespace.js';

export type ProvisionAction = 'created' | 'updated' | 'unchanged';

export interface ProvisionResult {
  /** Stream name, or `<stream>/<durable>` for a consumer. */
  readonly name: string;
  readonly action: ProvisionAction;
  /** Fields that differed, for an update. */
  readonly changed?: readonly string[];
}

export interface StreamProvisionOptions {
  /** Replicas of each stream (1 on a single server; 3 on a JetStream cluster). */
  replicas?: number;
}

/** The JetStream configuration a declaration asks for (names already namespaced). */
export function streamConfigOf(
  declaration: StreamDeclaration,
  ns: Namespace = new Namespace(),
  options: StreamProvisionOptions = {},
): StreamConfig {
  const d = ns.streamDeclaration(declaration);
  return {
    name: d.name,
    subjects: [...d.subjects],
    description: d.description,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(d.maxAgeSeconds * 1000),
    duplicate_window: nanos(d.duplicateWindowSeconds * 1000),
    max_msg_size: d.maxMessageBytes,
    num_replicas: options.replicas ?? 1,
  } as StreamConfig;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** Creates or updates each declared stream; running it twice changes nothing. */
export async function provisionStreams(
  jsm: JetStreamManager,
  declarations: readonly StreamDeclaration[],
  ns: Namespace = new Namespace(),
  options: StreamProvisionOptions = {},
): Promise<ProvisionResult[]> {
  const results: ProvisionResult[] = [];
  for (const declaration of declarations) results.push(await provisionStream(jsm, declaration, ns, options));
  return results;
}

/** Creates or updates one declared stream. */
export async function provisionStream(
  jsm: JetStreamManager,
  declaration: StreamDeclaration,
  ns: Namespace = new Namespace(),
  options: StreamProvisionOptions = {},
): Promise<ProvisionResult> {
  const want = streamConfigOf(declaration, ns, options);
  const info = async () =>
    jsm.streams.info(want.name).catch((err: unknown) => {
      if (isNotFound(err, JetStreamApiCodes.StreamNotFound)) return undefined;
      throw err;
    });
  let existing = await info();
  if (!existing) {
    try {
      await jsm.streams.add(want);
      return { name: want.name, action: 'created' };
    } catch (err) {
      // Another replica may have created it between our info and add: then compare with theirs.
      existing = await info();
      if (!existing) throw err;
    }
  }
  const have = existing.config;
  if (have.storage !== want.storage || have.retention !== want.retention)
    throw new Error(
      `stream ${want.name} has storage ${have.storage} / retention ${have.retention}, declared ` +
        `${want.storage} / ${want.retention}: JetStream cannot change these in place; migrate the stream`,
    );
  const changed: string[] = [];
  if (!sameSet(have.subjects ?? [], want.subjects)) changed.push('subjects');
  if ((have.description ?? '') !== (want.description ?? '')) changed.push('description');
  if (have.max_age !== want.max_age) changed.push('max_age');
  if (have.duplicate_window !== want.duplicate_window) changed.push('duplicate_window');
  if (have.max_msg_size !== want.max_msg_size) changed.push('max_msg_size');
  if (have.discard !== want.discard) changed.push('discard');
  if ((have.num_replicas || 1) !== want.num_replicas) changed.push('num_replicas');
  if (changed.length === 0) return { name: want.name, action: 'unchanged' };
  await jsm.streams.update(want.name, {
    subjects: want.subjects,
    description: want.description,
    max_age: want.max_age,
    duplicate_window: want.duplicate_window,
    max_msg_size: want.max_msg_size,
    discard: want.discard,
    num_replicas: want.num_replicas,
  });
  return { name: want.name, action: 'updated', changed };
}

/** A durable pull consumer of a declared stream. */
export interface ConsumerSpec {
  /** The stream as declared (the namespace is applied here). */
  stream: StreamDeclaration;
  durable: string;
  /** Only this subject of the stream, as declared (default: the whole stream). */
  filterSubject?: string;
  /** How long a delivered message may stay unacknowledged before redelivery. */
  ackWaitMs: number;
  /** Cap on delivered-but-unacknowledged messages across every replica sharing the durable. */
  maxAckPending: number;
  description?: string;
}

/**
 * The consumer configuration. `max_deliver` is unlimited on purpose: when the server's limit is hit
 * it stops delivering the message without telling the consumer (a silent drop), so the delivery limit
 * is enforced by BatchConsumer, which dead-letters the message with the reason instead.
 */
export function consumerConfigOf(spec: ConsumerSpec, ns: Namespace = new Namespace()): ConsumerConfig {
  return {
    durable_name: spec.durable,
    description: spec.description ?? `${spec.durable} on ${spec.stream.name}`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
    max_deliver: -1,
    ...(spec.filterSubject ? { filter_subject: ns.subject(spec.filterSubject) } : {}),
  };
}

/** Creates or updates a durable pull consumer; running it twice changes nothing. */
export async function provisionConsumer(
  jsm: JetStreamManager,
  spec: ConsumerSpec,
  ns: Namespace = new Namespace(),
): Promise<ProvisionResult> {
  const stream = ns.stream(spec.stream.name);
  const want = consumerConfigOf(spec, ns);
  const name = `${stream}/${spec.durable}`;
  const existing = await jsm.consumers.info(stream, spec.durable).catch((err: unknown) => {
    if (isNotFound(err, JetStreamApiCodes.ConsumerNotFound)) return undefined;
    throw err;
  });
  if (!existing) {
    await jsm.consumers.add(stream, want);
    return { name, action: 'created' };
  }
  const have = existing.config;
  const fixed: string[] = [];
  if (have.ack_policy !== want.ack_policy) fixed.push('ack_policy');
  if (have.deliver_policy !== want.deliver_policy) fixed.push('deliver_policy');
  if ((have.filter_subject ?? '') !== (want.filter_subject ?? '')) fixed.push('filter_subject');
  if (have.deliver_subject) fixed.push('deliver_subject (it is a push consumer)');
  if (fixed.length > 0)
    throw new Error(
      `consumer ${name} differs from its declaration in ${fixed.join(', ')}, which cannot be changed ` +
        `in place: delete the consumer (it restarts from the stream's first message) or rename the durable`,
    );
  const changed: string[] = [];
  if (have.ack_wait !== want.ack_wait) changed.push('ack_wait');
  if (have.max_ack_pending !== want.max_ack_pending) changed.push('max_ack_pending');
  if ((have.max_deliver ?? -1) !== want.max_deliver) changed.push('max_deliver');
  if ((have.description ?? '') !== (want.description ?? '')) changed.push('description');
  if (changed.length === 0) return { name, action: 'unchanged' };
  await jsm.consumers.update(stream, spec.durable, {
    ack_wait: want.ack_wait,
    max_ack_pending: want.max_ack_pending,
    max_deliver: want.max_deliver,
    description: want.description,
  });
  return { name, action: 'updated', changed };
}

function isNotFound(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

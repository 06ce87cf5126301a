// A NATS namespace of its own for each test file: subjects under `<ns>.`, streams prefixed
// `<NS>_`, removed afterwards, so concurrent runs on the machine's one NATS never meet.
import { randomBytes } from 'node:crypto';
import type { JetStreamManager } from '@nats-io/jetstream';

export function natsUrl(): string {
  return process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
}

/** A fresh namespace: `t` + 8 hex characters (valid as MP_NATS_NAMESPACE). */
export function uniqueNamespace(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

/** Deletes every stream of the namespace (names starting with `<NS>_`). */
export async function deleteNamespace(jsm: JetStreamManager, namespace: string): Promise<void> {
  if (!namespace) throw new Error('refusing to delete the production (empty) namespace');
  const prefix = `${namespace.toUpperCase()}_`;
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(prefix)) await jsm.streams.delete(name);
  }
}

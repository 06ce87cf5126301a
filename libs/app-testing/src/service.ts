// Boots a whole service the way production does (validated config, migrations, Nest on Fastify, the
// transports it serves beside HTTP such as gRPC) against a database of its own and a NATS namespace of
// its own, for end-to-end tests. A second replica can share the first one's database and namespace.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { BaseServiceConfig, Env } from '@auraison/config';
import { createLogger, type ReadinessReport } from '@auraison/observability';
import { applyMigrations } from '@auraison/persistence';
import { createServiceApp, type ServiceApp, type ServiceDefinition } from '@auraison/runtime';
import supertest from 'supertest';
import {
  createTestDatabase,
  deleteNamespace,
  natsUrl,
  uniqueNamespace,
  type TestDatabase,
} from '@auraison/testing';

export interface BootedService<C extends BaseServiceConfig = BaseServiceConfig> extends ServiceApp<C> {
  readonly database: TestDatabase;
  readonly namespace: string;
  /** supertest bound to the app's HTTP server. */
  readonly http: ReturnType<typeof supertest>;
  /** Where a transport served beside HTTP listens (`host:port`), e.g. `address('grpc')`. */
  address(transport: string): string;
  /** Polls /readyz until it answers 200 (or fails with the last report after `timeoutMs`). */
  waitReady(timeoutMs?: number): Promise<ReadinessReport>;
  /**
   * Closes the app, drops its database and deletes its NATS streams (a replica booted with `replicaOf`
   * only closes itself: the first instance owns the database and the namespace).
   */
  close(): Promise<void>;
}

export interface BootOptions {
  /** Variables layered over the generated test environment ('' unsets one). */
  env?: Env;
  /** Skip migrations (to test what happens without them). */
  skipMigrations?: boolean;
  /** Where the service's JSON log lines go (e.g. to assert that no secret is ever logged). */
  logDestination?: NodeJS.WritableStream;
  /**
   * Boot another replica of an already booted service: same database (no migrations run) and same NATS
   * namespace, so both share durable consumers, queue groups and rows, as replicas do in production.
   */
  replicaOf?: BootedService;
}

export async function bootTestService<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
  options: BootOptions = {},
): Promise<BootedService<C>> {
  const owner = options.replicaOf;
  const database = owner
    ? owner.database
    : await createTestDatabase(`mp_${definition.name.replace(/-/g, '_')}`);
  const namespace = owner ? owner.namespace : uniqueNamespace();
  const env: Env = {
    DATABASE_URL: database.url,
    NATS_URL: natsUrl(),
    MP_NATS_NAMESPACE: namespace,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    // Services with a gRPC door (GRPC_PORT) get a free port too; others ignore the variable.
    GRPC_PORT: '0',
    LOG_LEVEL: process.env.MP_TEST_LOG_LEVEL ?? 'warn',
    ...options.env,
  };
  let booted: ServiceApp<C> | undefined;
  const cleanup = async (): Promise<void> => {
    await booted?.app.close();
    if (owner) return;
    await database.drop();
    const nc = await connect({ servers: natsUrl() });
    try {
      await deleteNamespace(await jetstreamManager(nc), namespace);
    } finally {
      await nc.close();
    }
  };
  try {
    const config = definition.loadConfig(env);
    if (!options.skipMigrations && !owner && definition.database)
      await applyMigrations(definition.database(config));
    const logger = createLogger({
      service: definition.name,
      level: config.LOG_LEVEL,
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });
    booted = await createServiceApp(definition, env, { logger });
    await booted.app.init();
    await booted.app.startAllMicroservices();
    await booted.app.getHttpAdapter().getInstance().ready();
  } catch (e) {
    await cleanup().catch(() => undefined);
    throw e;
  }
  const { app, endpoints } = booted;
  const http = supertest(app.getHttpServer());
  return {
    ...booted,
    database,
    namespace,
    http,
    address: (transport) => {
      const endpoint = endpoints.find((e) => e.transport === transport);
      if (!endpoint) throw new Error(`${definition.name} serves no ${transport} transport`);
      return endpoint.address;
    },
    waitReady: async (timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: ReadinessReport | undefined;
      while (Date.now() < deadline) {
        const res = await http.get('/readyz');
        last = res.body as ReadinessReport;
        if (res.status === 200) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${definition.name} not ready after ${timeoutMs} ms: ${JSON.stringify(last)}`);
    },
    close: cleanup,
  };
}

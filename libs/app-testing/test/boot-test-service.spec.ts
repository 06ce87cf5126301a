import { describe, expect, it } from '@jest/globals';
import { Module, type DynamicModule } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { baseServiceEnv, loadConfig, type BaseServiceConfig } from '@auraison/config';
import { MessagingModule } from '@auraison/messaging';
import { ObservabilityModule, type Logger } from '@auraison/observability';
import { PersistenceModule, type ServiceDatabaseOptions } from '@auraison/persistence';
import type { ServiceDefinition } from '@auraison/runtime';
import { adminDatabaseUrl, natsUrl } from '@auraison/testing';
import { createConnection, createServer } from 'node:net';
import { Transport } from '@nestjs/microservices';
import pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { bootTestService } from '../src/index.js';

class CreateThings1700000000000 implements MigrationInterface {
  name = 'CreateThings1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE things.things (id int PRIMARY KEY)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE things.things`);
  }
}

const database = (config: BaseServiceConfig): ServiceDatabaseOptions => ({
  service: 'things',
  url: config.DATABASE_URL,
  schema: 'things',
  migrations: [CreateThings1700000000000],
});

@Module({})
class ThingsModule {
  static forRoot(config: BaseServiceConfig, logger: Logger): DynamicModule {
    return {
      module: ThingsModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'things', logger }),
        PersistenceModule.forRoot(database(config)),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          namespace: config.MP_NATS_NAMESPACE,
          serviceName: 'things',
          streams: ['alerts'],
        }),
      ],
    };
  }
}

const things: ServiceDefinition<BaseServiceConfig> = {
  name: 'things',
  loadConfig: (env) => loadConfig('things', baseServiceEnv({ httpPort: 3998 }), env),
  database,
  rootModule: (config, logger) => ThingsModule.forRoot(config, logger),
};

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

async function namespaceStreams(namespace: string): Promise<string[]> {
  const nc = await connect({ servers: natsUrl() });
  try {
    const names: string[] = [];
    for await (const n of (await jetstreamManager(nc)).streams.names())
      if (n.startsWith(`${namespace.toUpperCase()}_`)) names.push(n);
    return names.sort();
  } finally {
    await nc.close();
  }
}

describe('bootTestService (real PostgreSQL and NATS)', () => {
  it('should boot a migrated service in its own database and namespace, and remove both on close', async () => {
    const service = await bootTestService(things);
    const report = await service.waitReady();
    expect(report.checks.database).toEqual({ ok: true });
    const ns = service.namespace.toUpperCase();
    expect(await namespaceStreams(service.namespace)).toEqual([`${ns}_MP_ALERTS`, `${ns}_MP_DLQ`]);
    expect(await databaseExists(service.database.name)).toBe(true);

    await service.close();
    expect(await databaseExists(service.database.name)).toBe(false);
    expect(await namespaceStreams(service.namespace)).toEqual([]);
  });

  it('should report pending migrations as not ready when migrations were skipped', async () => {
    const service = await bootTestService(things, { skipMigrations: true });
    try {
      const res = await service.http.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.checks.database.detail).toMatch(/pending migrations \(CreateThings1700000000000\)/);
    } finally {
      await service.close();
    }
  });

  it('should start the transports a service serves beside HTTP and give their address', async () => {
    const withTcp: ServiceDefinition<BaseServiceConfig> = {
      ...things,
      microservices: async (app) => {
        const port = await new Promise<number>((resolve) => {
          const s = createServer().listen(0, '127.0.0.1', () => {
            const p = (s.address() as { port: number }).port;
            s.close(() => resolve(p));
          });
        });
        app.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
        return [{ transport: 'tcp', address: `127.0.0.1:${port}` }];
      },
    };
    const service = await bootTestService(withTcp);
    try {
      const [host, port] = service.address('tcp').split(':');
      const connected = await new Promise<boolean>((resolve) => {
        const socket = createConnection({ host, port: Number(port) }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      expect(connected).toBe(true);
      expect(() => service.address('grpc')).toThrow(/serves no grpc transport/);
    } finally {
      await service.close();
    }
  });

  it('should boot a replica on the same database and namespace that leaves both to the first on close', async () => {
    const first = await bootTestService(things);
    const replica = await bootTestService(things, { replicaOf: first });
    try {
      expect(replica.database.name).toBe(first.database.name);
      expect(replica.namespace).toBe(first.namespace);
      expect((await replica.waitReady()).ready).toBe(true);
      await replica.close();
      expect(await databaseExists(first.database.name)).toBe(true);
      expect(await namespaceStreams(first.namespace)).toHaveLength(2);
    } finally {
      await first.close();
    }
    expect(await databaseExists(first.database.name)).toBe(false);
  });

  it('should clean up and rethrow when the service cannot be configured', async () => {
    await expect(bootTestService(things, { env: { NATS_URL: 'not a url at all' } })).rejects.toThrow(
      /NATS_URL/,
    );
  });
});

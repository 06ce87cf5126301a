// A PostgreSQL database of its own for each test file, so tests, a running plane and CI on the same
// server never see each other's rows (TOOLCHAIN 23).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** An admin connection URL on which tests may CREATE DATABASE (npm test exports DATABASE_URL). */
export function adminDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface TestDatabase {
  /** Database name, e.g. `mp_test_3f9a1b2c`. */
  readonly name: string;
  /** Connection URL of the new database. */
  readonly url: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(prefix = 'mp_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await withAdmin(async (c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: withDatabase(adminDatabaseUrl(), name),
    drop: async () => {
      await withAdmin(async (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

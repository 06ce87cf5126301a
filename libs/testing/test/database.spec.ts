import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { adminDatabaseUrl, createTestDatabase } from '../src/index.js';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase (real PostgreSQL)', () => {
  it('should create a usable database of its own and drop it even with a connection open', async () => {
    const db = await createTestDatabase('mp_selftest');
    expect(db.name).toMatch(/^mp_selftest_[0-9a-f]{10}$/);
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined); // DROP ... WITH (FORCE) terminates this connection
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    expect(rows[0]!.db).toBe(db.name);
    await db.drop();
    await client.end().catch(() => undefined);
    expect(await databaseExists(db.name)).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@auraison/testing';
import pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  applyMigrations,
  createServiceDataSource,
  pendingMigrations,
  revertLastMigration,
  runMigrationCommand,
  type ServiceDatabaseOptions,
} from '../src/index.js';

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE widgets (id bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE widgets`);
  }
}

class AddWidgetName1700000000001 implements MigrationInterface {
  name = 'AddWidgetName1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE widgets ADD COLUMN name text`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE widgets DROP COLUMN name`);
  }
}

describe('migrations (real PostgreSQL)', () => {
  let db: TestDatabase;
  let options: ServiceDatabaseOptions;

  beforeAll(async () => {
    db = await createTestDatabase();
    options = {
      service: 'widgets',
      url: db.url,
      schema: 'widgets',
      migrations: [CreateWidgets1700000000000],
    };
  });

  afterAll(async () => {
    await db.drop();
  });

  async function columns(): Promise<string[]> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'widgets' AND table_name = 'widgets' ORDER BY column_name`,
      );
      return rows.map((r) => r.column_name);
    } finally {
      await client.end();
    }
  }

  it('should create the schema and apply migrations into it when the database is empty', async () => {
    expect(await applyMigrations(options)).toEqual(['CreateWidgets1700000000000']);
    expect(await columns()).toEqual(['event_id', 'id']);
  });

  it('should apply nothing when run again', async () => {
    expect(await applyMigrations(options)).toEqual([]);
  });

  it('should report pending migrations when the build knows more than the schema has', async () => {
    const newer = { ...options, migrations: [CreateWidgets1700000000000, AddWidgetName1700000000001] };
    const ds = createServiceDataSource(newer);
    await ds.initialize();
    try {
      expect(await pendingMigrations(ds)).toEqual(['AddWidgetName1700000000001']);
    } finally {
      await ds.destroy();
    }
    expect(await runMigrationCommand(newer, ['--check'])).toBe(1);
    expect(await runMigrationCommand(newer, [])).toBe(0);
    expect(await runMigrationCommand(newer, ['--check'])).toBe(0);
    expect(await columns()).toEqual(['event_id', 'id', 'name']);
  });

  it('should revert the last migration', async () => {
    const newer = { ...options, migrations: [CreateWidgets1700000000000, AddWidgetName1700000000001] };
    await revertLastMigration(newer);
    expect(await columns()).toEqual(['event_id', 'id']);
  });

  it('should resolve unqualified table names to the service schema', async () => {
    const ds = createServiceDataSource(options);
    await ds.initialize();
    try {
      await ds.query(`INSERT INTO widgets (event_id) VALUES ('e1')`);
      const rows = await ds.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM widgets.widgets`);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await ds.destroy();
    }
  });

  it('should refuse a schema name that could inject SQL', () => {
    expect(() => createServiceDataSource({ ...options, schema: 'x"; DROP TABLE y; --' })).toThrow(
      /invalid schema name/,
    );
  });
});

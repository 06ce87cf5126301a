// Raw node-postgres access for the hot paths (batch ingest, chain verification, history queries):
// named prepared statements and explicit transactions on TypeORM's own pool, so every query runs on the
// same connections (and as the same runtime role) as the rest of the service.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { DataSource } from 'typeorm';

/** Anything that runs SQL: the pool (auto-commit) or a client inside a transaction. */
export interface Sql {
  query<R extends object = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /** A named prepared statement: parsed and planned once per connection. */
  prepared<R extends object = Record<string, unknown>>(
    name: string,
    text: string,
    values: readonly unknown[],
  ): Promise<R[]>;
  /**
   * A prepared statement named after its text: for queries built from a few variants (filters), whose
   * planning over every monthly partition would otherwise cost more than running them.
   */
  cached<R extends object = Record<string, unknown>>(text: string, values: readonly unknown[]): Promise<R[]>;
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `obs_q_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  return name;
}

function sqlOf(target: pg.Pool | pg.PoolClient): Sql {
  return {
    query: async <R extends object>(text: string, values?: readonly unknown[]) =>
      (await target.query<R>(text, values as unknown[] | undefined)).rows,
    prepared: async <R extends object>(name: string, text: string, values: readonly unknown[]) =>
      (await target.query<R>({ name, text, values: values as unknown[] })).rows,
    cached: async <R extends object>(text: string, values: readonly unknown[]) =>
      (await target.query<R>({ name: statementName(text), text, values: values as unknown[] })).rows,
  };
}

export class PgDatabase {
  /** Auto-commit queries. */
  readonly sql: Sql;

  constructor(private readonly pool: pg.Pool) {
    this.sql = sqlOf(pool);
  }

  /** TypeORM's pg.Pool (its PostgresDriver keeps it as `master`). */
  static fromDataSource(ds: DataSource): PgDatabase {
    const pool = (ds.driver as unknown as { master?: pg.Pool }).master;
    if (!pool) throw new Error('the DataSource has no PostgreSQL pool (not initialized?)');
    return new PgDatabase(pool);
  }

  /** Runs `work` in one transaction on one connection; COMMIT when it resolves, ROLLBACK when it throws. */
  async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.run('BEGIN', work);
  }

  /** Runs several reads on one snapshot (REPEATABLE READ, READ ONLY): they agree with each other. */
  async snapshot<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.run('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work);
  }

  private async run<T>(begin: string, work: (sql: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      try {
        const result = await work(sqlOf(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: unknown) => {
          // The connection itself failed: do not give it back to the pool.
          broken = e instanceof Error ? e : new Error(String(e));
        });
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }
}

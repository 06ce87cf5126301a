// Raw SQL through TypeORM's connection pool: auto-commit queries, and transactions whose follow-ups
// (broadcasting an invalidation, updating caches) run only after COMMIT. The same small shape as the
// tenant registry's runner; a shared one in libs/persistence would serve both.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Anything that runs SQL: the pool (auto-commit) or a transaction. */
export interface Queryable {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** A running transaction. */
export interface Tx extends Queryable {
  /** Runs `fn` after COMMIT (never after a rollback). */
  afterCommit(fn: () => void | Promise<void>): void;
}

// TypeORM answers UPDATE and DELETE with [rows, rowCount] and everything else with rows: always rows.
function rowsOf<T>(result: unknown): T {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T;
  return result as T;
}

@Injectable()
export class TransactionRunner {
  readonly queryable: Queryable;

  constructor(private readonly db: DataSource) {
    this.queryable = { query: async <T>(sql: string, p?: unknown[]) => rowsOf<T>(await db.query(sql, p)) };
  }

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const hooks: Array<() => void | Promise<void>> = [];
    const result = await this.db.transaction(async (manager) =>
      work({
        query: async <R>(sql: string, p?: unknown[]) => rowsOf<R>(await manager.query(sql, p)),
        afterCommit: (fn) => hooks.push(fn),
      }),
    );
    for (const hook of hooks) await hook();
    return result;
  }
}

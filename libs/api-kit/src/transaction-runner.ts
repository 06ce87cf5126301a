// One database transaction around a use case: the change and the TenantEvent announcing it commit
// together (transactional outbox). Work that must only happen after COMMIT (waking the outbox relay,
// reconciling Kubernetes) is registered with `afterCommit` and runs once the transaction is durable.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Anything that runs SQL: the DataSource (auto-commit) or a transaction. */
export interface Queryable {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** A running transaction. */
export interface Tx extends Queryable {
  /**
   * Runs `fn` after COMMIT (never after a rollback), in registration order; `run` resolves once every
   * hook has finished (an async hook is awaited) and rejects with the first hook that throws.
   */
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

function queryable(target: { query(sql: string, parameters?: unknown[]): Promise<unknown> }): Queryable {
  return {
    query: async <T>(sql: string, parameters?: unknown[]) => rowsOf<T>(await target.query(sql, parameters)),
  };
}

@Injectable()
export class TransactionRunner {
  /** Auto-commit queries (reads, single statements). */
  readonly queryable: Queryable;

  constructor(private readonly db: DataSource) {
    this.queryable = queryable(db);
  }

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const hooks: Array<() => void | Promise<void>> = [];
    const result = await this.db.transaction(async (manager) =>
      work({ ...queryable(manager), afterCommit: (fn) => hooks.push(fn) }),
    );
    for (const hook of hooks) await hook();
    return result;
  }
}

// The price_book table (append-only versions) and the lock that orders price changes with pricing.
//
// Pricing (ingest, the unpriced-usage job, re-pricing) holds the price-book lock SHARED for its whole
// transaction and reads the book after taking it; a price change holds it EXCLUSIVE. So a change waits
// for the transactions pricing with the old book to commit, and every transaction that starts pricing
// after the change commits sees it: no line is priced with a book older than one already committed.
import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Queryable } from '@auraison/api-kit';
import type { ModelRates, PriceVersion, RateKind } from '../domain/price-book.js';

/** pg_advisory_xact_lock key of the price book ("mpbi"). */
const PRICE_BOOK_LOCK = 0x6d706269;

interface PriceRow {
  version: string;
  kind: RateKind;
  key: string;
  effective_from: Date;
  input_micros: string | null;
  output_micros: string | null;
  cache_read_micros: string | null;
  cache_write_micros: string | null;
  gpu_hour_micros: string | null;
  withdrawn: boolean;
  created_at: Date;
  created_by: string;
  reason: string;
}

const COLUMNS = `version, kind, key, effective_from, input_micros, output_micros, cache_read_micros,
  cache_write_micros, gpu_hour_micros, withdrawn, created_at, created_by, reason`;

function toVersion(r: PriceRow): PriceVersion {
  const model: ModelRates | undefined =
    r.kind === 'model' && !r.withdrawn
      ? {
          input: BigInt(r.input_micros!),
          output: BigInt(r.output_micros!),
          cacheRead: BigInt(r.cache_read_micros!),
          cacheWrite: BigInt(r.cache_write_micros!),
        }
      : undefined;
  return {
    version: Number(r.version),
    kind: r.kind,
    key: r.key,
    effectiveFrom: r.effective_from,
    ...(model ? { model } : {}),
    ...(r.kind === 'gpu' && !r.withdrawn ? { gpuHour: BigInt(r.gpu_hour_micros!) } : {}),
    withdrawn: r.withdrawn,
    createdAt: r.created_at,
    createdBy: r.created_by,
    reason: r.reason,
  };
}

export interface NewPriceVersion {
  kind: RateKind;
  key: string;
  effectiveFrom: Date;
  model?: ModelRates;
  gpuHour?: bigint;
  withdrawn: boolean;
  createdBy: string;
  reason: string;
}

@Injectable()
export class PriceBookRepository {
  private readonly db: Queryable;

  constructor(transactions: TransactionRunner) {
    this.db = transactions.queryable;
  }

  /** Taken by every transaction that prices usage (see the top of this file). */
  async lockForPricing(tx: Queryable): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock_shared($1)`, [PRICE_BOOK_LOCK]);
  }

  /** Taken by a price change: waits for pricing transactions in flight. */
  async lockForChange(tx: Queryable): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [PRICE_BOOK_LOCK]);
  }

  async currentVersion(db: Queryable = this.db): Promise<number> {
    const rows = await db.query<Array<{ v: string | null }>>(
      `SELECT max(version) AS v FROM billing.price_book`,
    );
    return Number(rows[0]?.v ?? 0);
  }

  /** Every version (the book is small: one row per rate change). */
  async all(db: Queryable = this.db): Promise<PriceVersion[]> {
    const rows = await db.query<PriceRow[]>(`SELECT ${COLUMNS} FROM billing.price_book ORDER BY version`);
    return rows.map(toVersion);
  }

  async insert(tx: Queryable, v: NewPriceVersion): Promise<PriceVersion> {
    const rows = await tx.query<PriceRow[]>(
      `INSERT INTO billing.price_book (kind, key, effective_from, input_micros, output_micros,
         cache_read_micros, cache_write_micros, gpu_hour_micros, withdrawn, created_by, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING ${COLUMNS}`,
      [
        v.kind,
        v.key,
        v.effectiveFrom.toISOString(),
        v.model?.input.toString() ?? null,
        v.model?.output.toString() ?? null,
        v.model?.cacheRead.toString() ?? null,
        v.model?.cacheWrite.toString() ?? null,
        v.gpuHour?.toString() ?? null,
        v.withdrawn,
        v.createdBy,
        v.reason,
      ],
    );
    return toVersion(rows[0]!);
  }

  /** Versions newest first, optionally of one kind and key, after `beforeVersion` (keyset paging). */
  async history(filter: {
    kind?: RateKind;
    key?: string;
    beforeVersion?: number;
    limit: number;
  }): Promise<PriceVersion[]> {
    const rows = await this.db.query<PriceRow[]>(
      `SELECT ${COLUMNS} FROM billing.price_book
        WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR key = $2)
          AND ($3::bigint IS NULL OR version < $3)
        ORDER BY version DESC LIMIT $4`,
      [filter.kind ?? null, filter.key ?? null, filter.beforeVersion ?? null, filter.limit],
    );
    return rows.map(toVersion);
  }
}

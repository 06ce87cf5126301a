import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Failed token exchanges per bucket (`prefix:<p>`, `ip:<addr>`) in fixed windows, in PostgreSQL so the
 * limit holds across replicas.
 */
@Injectable()
export class AuthFailureRepository {
  constructor(private readonly db: DataSource) {}

  /** The highest failure count among `buckets` in the window starting at `windowStart`. */
  async maxFailures(buckets: string[], windowStart: Date): Promise<number> {
    const rows = await this.db.query<Array<{ n: number | null }>>(
      `SELECT max(failures)::int AS n FROM tenant_registry.auth_failures WHERE bucket = ANY($1) AND window_start = $2`,
      [buckets, windowStart],
    );
    return rows[0]?.n ?? 0;
  }

  async record(buckets: string[], windowStart: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO tenant_registry.auth_failures (bucket, window_start, failures)
       SELECT b, $2, 1 FROM unnest($1::text[]) AS b
       ON CONFLICT (bucket, window_start) DO UPDATE SET failures = auth_failures.failures + 1`,
      [buckets, windowStart],
    );
  }

  async deleteBefore(cutoff: Date): Promise<void> {
    await this.db.query(`DELETE FROM tenant_registry.auth_failures WHERE window_start < $1`, [cutoff]);
  }
}

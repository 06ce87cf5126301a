import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Failed token exchanges per bucket (`prefix:<p>`, `ip:<addr>`) in fixed windows, in PostgreSQL so the
 * limit holds across replicas.
 */
@Injectable()
export class AuthFailureRepository {
  constructor(private readonly db: DataSource) {}

  /** Failure counts of `buckets` in the window starting at `windowStart` (absent buckets: 0). */
  async counts(buckets: string[], windowStart: Date): Promise<Map<string, number>> {
    const rows = await this.db.query<Array<{ bucket: string; failures: number }>>(
      `SELECT bucket, failures FROM tenant_registry.auth_failures WHERE bucket = ANY($1) AND window_start = $2`,
      [buckets, windowStart],
    );
    return new Map(rows.map((r) => [r.bucket, r.failures]));
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

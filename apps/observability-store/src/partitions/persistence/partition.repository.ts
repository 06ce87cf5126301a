import { Injectable } from '@nestjs/common';
import { PgDatabase } from '../../common/persistence/pg-database.js';

@Injectable()
export class PartitionRepository {
  constructor(private readonly db: PgDatabase) {}

  /** Creates the partition of the month starting on `firstDay` (YYYY-MM-01); false when it exists. */
  async ensureMonth(firstDay: string): Promise<boolean> {
    const [row] = await this.db.sql.query<{ created: boolean }>(
      `SELECT observability.ensure_month_partition($1::date) AS created`,
      [firstDay],
    );
    return row?.created === true;
  }
}

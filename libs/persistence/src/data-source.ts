// One TypeORM DataSource per service, confined to the service's own PostgreSQL schema (DESIGN §2:
// services never read each other's tables). Schema changes only through checked-in migrations.
import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';

/** A class implementing TypeORM's MigrationInterface (listed as classes, not globs: TOOLCHAIN 5). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type MigrationClass = Function;

export interface ServiceDatabaseOptions {
  /** Service name, used as application_name so `pg_stat_activity` shows who holds a connection. */
  service: string;
  /** PostgreSQL URL. */
  url: string;
  /** The service's schema, e.g. `billing`. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  migrations: MigrationClass[];
  /** Connection pool size (default 10). */
  poolSize?: number;
  /** Log every SQL statement (debugging only). */
  logQueries?: boolean;
}

export const MIGRATIONS_TABLE = 'migrations';

const SCHEMA_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
}

export function serviceDataSourceOptions(options: ServiceDatabaseOptions): PostgresDataSourceOptions {
  assertSchemaName(options.schema);
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    applicationName: options.service,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Failed queries surface as exceptions, logged (redacted) by the service; TypeORM's own error
    // logging would print SQL parameters to the console, outside that redaction.
    logging: options.logQueries ? 'all' : false,
    poolSize: options.poolSize ?? 10,
    // Unqualified names in raw SQL resolve to the service's schema first.
    extra: { options: `-c search_path=${options.schema},public`, connectionTimeoutMillis: 5000 },
  };
}

export function createServiceDataSource(options: ServiceDatabaseOptions): DataSource {
  return new DataSource(serviceDataSourceOptions(options));
}

// Applying, checking and reverting a service's migrations. Run by an explicit command (`npm run
// migrate`, a Kubernetes Job), never by every replica at start-up (DESIGN §5).
import type { DataSource } from 'typeorm';
import {
  assertSchemaName,
  createServiceDataSource,
  MIGRATIONS_TABLE,
  type ServiceDatabaseOptions,
} from './data-source.js';

export interface MigrationLog {
  info(message: string): void;
}

/** Creates the schema if needed and applies every pending migration; returns the names applied. */
export async function applyMigrations(
  options: ServiceDatabaseOptions,
  log?: MigrationLog,
): Promise<string[]> {
  assertSchemaName(options.schema);
  const ds = createServiceDataSource(options);
  await ds.initialize();
  try {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    const applied = await ds.runMigrations({ transaction: 'each' });
    for (const m of applied) log?.info(`${options.service}: applied migration ${m.name}`);
    if (applied.length === 0) log?.info(`${options.service}: schema "${options.schema}" is up to date`);
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

/** Reverts the most recent migration. */
export async function revertLastMigration(
  options: ServiceDatabaseOptions,
  log?: MigrationLog,
): Promise<void> {
  const ds = createServiceDataSource(options);
  await ds.initialize();
  try {
    await ds.undoLastMigration({ transaction: 'each' });
    log?.info(`${options.service}: reverted the last migration`);
  } finally {
    await ds.destroy();
  }
}

/** Names of the migrations the DataSource knows that are not recorded as applied in its schema. */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const schema = (ds.options as { schema?: string }).schema ?? 'public';
  const known = ds.migrations.map((m) => m.name ?? m.constructor.name);
  const [{ exists }] = await ds.query<[{ exists: boolean }]>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [
    `"${schema}"."${MIGRATIONS_TABLE}"`,
  ]);
  if (!exists) return known;
  const rows = await ds.query<Array<{ name: string }>>(`SELECT name FROM "${schema}"."${MIGRATIONS_TABLE}"`);
  const done = new Set(rows.map((r) => r.name));
  return known.filter((name) => !done.has(name));
}

/**
 * The body of each app's `migrate` command: `node dist/migrate.js` applies, `--check` exits 1 when
 * migrations are pending, `--revert` undoes the last one.
 */
export async function runMigrationCommand(
  options: ServiceDatabaseOptions,
  argv: string[] = process.argv.slice(2),
): Promise<number> {
  const log: MigrationLog = { info: (m) => console.log(m) };
  if (argv.includes('--revert')) {
    await revertLastMigration(options, log);
    return 0;
  }
  if (argv.includes('--check')) {
    const ds = createServiceDataSource(options);
    await ds.initialize();
    try {
      const pending = await pendingMigrations(ds);
      if (pending.length > 0) {
        console.error(
          `${options.service}: pending migrations: ${pending.join(', ')}; run \`npm run migrate\``,
        );
        return 1;
      }
      console.log(`${options.service}: no pending migrations`);
      return 0;
    } finally {
      await ds.destroy();
    }
  }
  await applyMigrations(options, log);
  return 0;
}

import { ConfigError, type BaseServiceConfig } from '@auraison/config';
import { runMigrationCommand } from '@auraison/persistence';
import type { ServiceDefinition } from './service-definition.js';

/** The body of every app's migrate.ts (`node dist/migrate.js [--check|--revert]`). */
export async function runServiceMigrations<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
): Promise<void> {
  try {
    const config = definition.loadConfig(process.env);
    if (!definition.database) throw new Error(`${definition.name} owns no database: nothing to migrate`);
    process.exitCode = await runMigrationCommand(definition.database(config));
  } catch (e) {
    console.error(
      e instanceof ConfigError
        ? e.message
        : `${definition.name} migration failed: ${(e as Error).stack ?? String(e)}`,
    );
    process.exitCode = 1;
  }
}

import type { DynamicModule } from '@nestjs/common';
import type { BaseServiceConfig, Env } from '@auraison/config';
import type { Logger } from '@auraison/observability';
import type { ServiceDatabaseOptions } from '@auraison/persistence';
import type { ApiDocsOptions } from './api-docs.js';

/** Everything the bootstrap needs to know about one deployable. */
export interface ServiceDefinition<C extends BaseServiceConfig = BaseServiceConfig> {
  /** Service name: logs, metrics label, application_name, default schema. */
  readonly name: string;
  /** OpenAPI documentation served at /api/docs (JSON at /api/docs/openapi.json). */
  readonly apiDocs?: ApiDocsOptions;
  /** Reads and validates the environment (throws ConfigError listing every problem). */
  loadConfig(env: Env): C;
  /** The database the service owns (schema, entities, migrations). */
  database(config: C): ServiceDatabaseOptions;
  /** The root module, wired from the validated config. */
  rootModule(config: C, logger: Logger): DynamicModule;
}

import type { ServiceDefinition } from '@auraison/runtime';
import { AppModule } from './app.module.js';
import { type ConsoleConfig, loadConsoleConfig, SERVICE_NAME } from './config.js';

/** The console: no database, no NATS; a static single-page app and a gateway to the services. */
export const consoleService: ServiceDefinition<ConsoleConfig> = {
  name: SERVICE_NAME,
  loadConfig: loadConsoleConfig,
  rootModule: (config, logger) => AppModule.forRoot(config, logger),
};

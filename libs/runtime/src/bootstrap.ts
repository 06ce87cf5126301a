// Creating and running a service: validated config first (fail fast), JSON logs, NestJS on the Fastify
// adapter, and a clean shutdown on SIGTERM/SIGINT (consumers drain before the process exits).
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, type BaseServiceConfig, type Env } from '@auraison/config';
import { createLogger, PinoNestLogger, type Logger } from '@auraison/observability';
import type { ServiceDefinition } from './service-definition.js';

/** Largest HTTP body accepted by default (1 MiB); bigger bodies get 413. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ServiceApp<C extends BaseServiceConfig> {
  app: NestFastifyApplication;
  config: C;
  logger: Logger;
}

/** Builds the Nest application of a service without listening (tests call this too). */
export async function createServiceApp<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
  env: Env = process.env,
  options: { logger?: Logger } = {},
): Promise<ServiceApp<C>> {
  const config = definition.loadConfig(env);
  const logger = options.logger ?? createLogger({ service: definition.name, level: config.LOG_LEVEL });
  const app = await NestFactory.create<NestFastifyApplication>(
    definition.rootModule(config, logger),
    new FastifyAdapter({ bodyLimit: DEFAULT_BODY_LIMIT, trustProxy: true }),
    { logger: new PinoNestLogger(logger), bufferLogs: false, abortOnError: false },
  );
  app.enableShutdownHooks();
  return { app, config, logger };
}

/** The body of every app's main.ts: create, listen, and exit non-zero with a clear message on failure. */
export async function runService<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
): Promise<void> {
  try {
    const { app, config, logger } = await createServiceApp(definition);
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    logger.info(
      { port: config.HTTP_PORT, host: config.HTTP_HOST },
      `${definition.name} listening on http://${config.HTTP_HOST}:${config.HTTP_PORT}`,
    );
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`${e.message}\nSet the variables above (see README "Configuration") and start again.`);
    } else {
      console.error(`${definition.name} failed to start: ${(e as Error).stack ?? String(e)}`);
    }
    process.exit(1);
  }
}

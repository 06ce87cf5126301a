// Creating and running a service: validated config first (fail fast), JSON logs, NestJS on the Fastify
// adapter, and a clean shutdown on SIGTERM/SIGINT (consumers drain before the process exits).
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, type Env } from '@auraison/config';
import { createLogger, PinoNestLogger, type Logger } from '@auraison/observability';
import { setupApiDocs } from './api-docs.js';
import type { HttpServiceConfig, MicroserviceEndpoint, ServiceDefinition } from './service-definition.js';

/** Largest HTTP body accepted by default (1 MiB); bigger bodies get 413. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ServiceApp<C extends HttpServiceConfig> {
  app: NestFastifyApplication;
  config: C;
  logger: Logger;
  /** Transports connected beside HTTP by `definition.microservices` (not started yet). */
  endpoints: MicroserviceEndpoint[];
}

/** Builds the Nest application of a service without listening (tests call this too). */
export async function createServiceApp<C extends HttpServiceConfig>(
  definition: ServiceDefinition<C>,
  env: Env = process.env,
  options: { logger?: Logger } = {},
): Promise<ServiceApp<C>> {
  const config = definition.loadConfig(env);
  const logger = options.logger ?? createLogger({ service: definition.name, level: config.LOG_LEVEL });
  const app = await NestFactory.create<NestFastifyApplication>(
    definition.rootModule(config, logger),
    new FastifyAdapter({ bodyLimit: DEFAULT_BODY_LIMIT, trustProxy: config.HTTP_TRUST_PROXY }),
    { logger: new PinoNestLogger(logger), bufferLogs: false, abortOnError: false },
  );
  // Every body, query and param DTO is validated; unknown properties are refused by name, so a body
  // cannot smuggle fields (tenant_id, roles, status...) past a DTO.
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
    }),
  );
  if (definition.apiDocs) setupApiDocs(app, definition.name, definition.apiDocs);
  const endpoints = (await definition.microservices?.(app, config, logger)) ?? [];
  return { app, config, logger, endpoints };
}

/** Longest a graceful shutdown may take before the process exits anyway (Kubernetes waits 30 s). */
export const SHUTDOWN_TIMEOUT_MS = 25_000;

// SIGTERM/SIGINT: stop taking traffic, drain consumers, close connections, then exit 0; a second
// signal or a shutdown that hangs exits 1 at once.
function stopOnSignals(name: string, app: NestFastifyApplication, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn(`${name}: ${signal} again, exiting without finishing shutdown`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${name}: ${signal} received, shutting down`);
    const timer = setTimeout(() => {
      logger.error(`${name}: shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms, exiting`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app.close().then(
      () => {
        logger.info(`${name}: stopped`);
        logger.flush(() => process.exit(0));
      },
      (e: unknown) => {
        logger.error({ err: e }, `${name}: shutdown failed`);
        logger.flush(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** The body of every app's main.ts: create, listen, and exit non-zero with a clear message on failure. */
export async function runService<C extends HttpServiceConfig>(
  definition: ServiceDefinition<C>,
): Promise<void> {
  try {
    const { app, config, logger, endpoints } = await createServiceApp(definition);
    // Other transports first: once HTTP says "listening", every door is open.
    await app.startAllMicroservices();
    for (const e of endpoints)
      logger.info(
        { transport: e.transport, address: e.address },
        `${definition.name} ${e.transport} listening on ${e.address}`,
      );
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    // The bound address, not the configured one: HTTP_PORT=0 picks a free port.
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
    logger.info(
      { host: config.HTTP_HOST, port },
      `${definition.name} listening on http://${config.HTTP_HOST}:${port}`,
    );
    stopOnSignals(definition.name, app, logger);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`${e.message}\nSet the variables above (see README "Configuration") and start again.`);
    } else {
      console.error(`${definition.name} failed to start: ${(e as Error).stack ?? String(e)}`);
    }
    process.exit(1);
  }
}

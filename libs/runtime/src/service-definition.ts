import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BaseServiceConfig, Env } from '@auraison/config';
import type { Logger } from '@auraison/observability';
import type { ServiceDatabaseOptions } from '@auraison/persistence';
import type { ApiDocsOptions } from './api-docs.js';

/** A transport a service serves beside HTTP (gRPC...), as connected by `ServiceDefinition.microservices`. */
export interface MicroserviceEndpoint {
  /** Transport name for logs, e.g. `grpc`. */
  readonly transport: string;
  /** Where it listens once started, `host:port` (the bound port, never 0). */
  readonly address: string;
}

/**
 * The configuration the bootstrap itself reads (HTTP, logging): every service's, and that of a
 * deployable without a database of its own (the console).
 */
export type HttpServiceConfig = Omit<BaseServiceConfig, 'DATABASE_URL'>;

/** Everything the bootstrap needs to know about one deployable. */
export interface ServiceDefinition<C extends HttpServiceConfig = BaseServiceConfig> {
  /** Service name: logs, metrics label, application_name, default schema. */
  readonly name: string;
  /** OpenAPI documentation served at /api/docs (JSON at /api/docs/openapi.json). */
  readonly apiDocs?: ApiDocsOptions;
  /** Reads and validates the environment (throws ConfigError listing every problem). */
  loadConfig(env: Env): C;
  /** The database the service owns (schema, entities, migrations); absent when it owns none. */
  database?(config: C): ServiceDatabaseOptions;
  /** The root module, wired from the validated config. */
  rootModule(config: C, logger: Logger): DynamicModule;
  /**
   * Optional: connects the transports served beside HTTP (`app.connectMicroservice(...)`, e.g. gRPC)
   * and says where each will listen. They share the app's providers and global guard; the bootstrap
   * starts them with `app.startAllMicroservices()` before HTTP listens, and `app.close()` stops them.
   */
  microservices?(
    app: NestFastifyApplication,
    config: C,
    logger: Logger,
  ): MicroserviceEndpoint[] | Promise<MicroserviceEndpoint[]>;
}

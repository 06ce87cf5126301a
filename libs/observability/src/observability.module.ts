import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { LevelWithSilent } from 'pino';
import { HealthService } from './health.js';
import { HttpMetricsInterceptor } from './http-metrics.interceptor.js';
import { createLogger, type Logger } from './logger.js';
import { MetricsService } from './metrics.js';
import { ObservabilityController } from './observability.controller.js';

/** Injection token of the service's pino logger. */
export const LOGGER = Symbol('LOGGER');

export interface ObservabilityOptions {
  service: string;
  logLevel?: LevelWithSilent;
  /** Use this logger instead of creating one (main.ts creates it first to log bootstrap). */
  logger?: Logger;
  processMetrics?: boolean;
}

/** Metrics, health, readiness and the logger for one service; import once in the app module. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [ObservabilityController],
      providers: [
        {
          provide: MetricsService,
          useFactory: () =>
            new MetricsService({ service: options.service, processMetrics: options.processMetrics }),
        },
        HealthService,
        {
          provide: LOGGER,
          useFactory: () =>
            options.logger ?? createLogger({ service: options.service, level: options.logLevel }),
        },
        { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
      ],
      exports: [MetricsService, HealthService, LOGGER],
    };
  }
}

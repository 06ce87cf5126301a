export * from './trace-context.js';
export * from './metrics.js';
export * from './health.js';
export * from './logger.js';
export * from './observability.module.js';
export * from './observability.controller.js';
export * from './http-metrics.interceptor.js';

export * from './service-definition.js';
export * from './bootstrap.js';
export * from './migrate-command.js';
export * from './api-docs.js';
export * from './polling-loop.js';

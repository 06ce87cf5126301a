export * from './cursor.js';
export * from './keyset.js';
export * from './errors.js';
export * from './list-query.dto.js';
export * from './page.dto.js';
export * from './postgres-errors.js';
export * from './transaction-runner.js';

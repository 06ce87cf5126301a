export * from './data-source.js';
export * from './migrations.js';
export * from './persistence.module.js';

export * from './tenant-record.js';
export * from './tenant-projection.js';
export * from './tenant-projection.migration.js';
export * from './tenancy.module.js';

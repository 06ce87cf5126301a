export * from './gen/index.js';
export * from './subjects.js';
export * from './streams.js';
export * from './message-types.js';
export * from './codec.js';
export * from './validation.js';
export * from './environments.js';

export * from './database.js';
export * from './nats.js';
export * from './prometheus.js';
export * from './events.js';
export * from './tokens.js';

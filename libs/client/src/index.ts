export * from './converters/claude-code.js';
export * from './converters/rayjob.js';
export * from './auth/token-source.js';
export * from './policy/policy-client.js';
export * from './events/event-publisher.js';
export * from './trace/trace-context.js';
export * from './environments.js';

export * from './converters/claude-code.js';
export * from './converters/rayjob.js';

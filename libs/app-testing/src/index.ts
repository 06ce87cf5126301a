export * from './service.js';
export * from './security-matrix.js';

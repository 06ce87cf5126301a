export * from './service.js';
export * from './security-matrix.js';
export * from './plane.js';
export * from './fuzz.js';

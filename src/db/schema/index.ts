export * from './api-keys.js';
export * from './audit-log.js';
export * from './connections.js';

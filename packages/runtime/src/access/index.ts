export * from './api-tokens.js';
export * from './http-access.js';

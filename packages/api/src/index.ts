export { loadApiConfig, parseApiConfig, isLoopbackHost, type ApiConfig } from './config.js';
export { API, buildApiContainer, type ApiContainerOptions } from './container.js';
export type { ApiServer } from './http/api-server.js';
export { parseApiTokens, identifyToken, type ApiToken, type Scope } from './http/auth/api-tokens.js';

// Tokens are the same on every steptrail port (the API's and the worker's own): they live in @steptrail/runtime
// (docs/architecture.md#access).
export {
  API_TOKENS_FORMAT,
  SCOPES,
  grants,
  identifyToken,
  parseApiTokens,
  type ApiToken,
  type Scope,
} from '@steptrail/runtime';

import { isIP } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { z } from 'zod';
import { envFlag } from '../env-helpers.js';
import {
  API_TOKENS_FORMAT,
  grants,
  identifyToken,
  parseApiTokens,
  type ApiToken,
  type Scope,
} from './api-tokens.js';

// Who may call a steptrail HTTP port, the same on every one (docs/architecture.md#access): the API's and the
// worker's own /metrics, /healthz and /readyz. Bearer tokens with scopes (API_TOKENS), required on a non-loopback
// address unless ALLOW_UNAUTHENTICATED=true says another layer guards it, and the same security headers.

/** 127.0.0.0/8, ::1 and localhost: only there may a steptrail port run without tokens. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(bare);
  return false;
}

/** API_TOKENS and ALLOW_UNAUTHENTICATED for an app's environment schema. */
export const accessEnv = {
  API_TOKENS: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx): ApiToken[] => {
      const { tokens, problems } = parseApiTokens(value ?? '');
      for (const problem of problems) ctx.addIssue({ code: 'custom', message: problem });
      return tokens;
    }),
  // The explicit, logged opt-out of the loopback rule: another layer (an authenticating proxy) guards the port.
  ALLOW_UNAUTHENTICATED: envFlag().default(false),
};

/**
 * The loopback rule, for an app schema's superRefine: `hostVariable` (HOST, WORKER_METRICS_HOST) names an address
 * that is not loopback while no token is set and nobody opted out. Returns the message, or null when allowed.
 */
export function unauthenticatedHostProblem(env: {
  hostVariable: string;
  host: unknown;
  tokens: unknown;
  allowUnauthenticated: unknown;
}): string | null {
  const noTokens = !Array.isArray(env.tokens) || env.tokens.length === 0;
  if (typeof env.host !== 'string' || !noTokens || env.allowUnauthenticated === true) return null;
  if (isLoopbackHost(env.host)) return null;
  return (
    `is required when ${env.hostVariable} (${env.host}) is not a loopback address: ${API_TOKENS_FORMAT}. ` +
    'If a proxy in front authenticates every request, ALLOW_UNAUTHENTICATED=true starts without tokens.'
  );
}

const REALM = 'Bearer realm="steptrail"';

/** Why a request may not go on: the answer's status, error code, message and WWW-Authenticate header. */
export interface AccessRefusal {
  status: 401 | 403;
  code: 'UNAUTHORIZED' | 'FORBIDDEN';
  message: string;
  details?: Record<string, unknown>;
  wwwAuthenticate: string;
}

/**
 * Checks a request's Authorization header against `tokens` for `scope`: the token that grants it, null when no
 * tokens are configured (auth off), or the refusal to answer with.
 */
export function checkBearer(
  tokens: readonly ApiToken[],
  scope: Scope,
  authorization: string | undefined,
): { token: ApiToken | null } | { refusal: AccessRefusal } {
  if (tokens.length === 0) return { token: null };
  if (authorization === undefined) {
    return {
      refusal: {
        status: 401,
        code: 'UNAUTHORIZED',
        message: 'This endpoint needs a bearer token (Authorization: Bearer <token>).',
        wwwAuthenticate: REALM,
      },
    };
  }
  const presented = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization)?.[1];
  if (presented === undefined) {
    return {
      refusal: {
        status: 401,
        code: 'UNAUTHORIZED',
        message: 'The Authorization header must be "Bearer <token>".',
        wwwAuthenticate: `${REALM}, error="invalid_request"`,
      },
    };
  }
  const token = identifyToken(tokens, presented);
  if (token === null) {
    return {
      refusal: {
        status: 401,
        code: 'UNAUTHORIZED',
        message: 'The bearer token is not valid.',
        wwwAuthenticate: `${REALM}, error="invalid_token"`,
      },
    };
  }
  if (!grants(token, scope)) {
    return {
      refusal: {
        status: 403,
        code: 'FORBIDDEN',
        message: `Token "${token.name}" lacks the "${scope}" scope this endpoint needs.`,
        details: { required: scope },
        wwwAuthenticate: `${REALM}, error="insufficient_scope", scope="${scope}"`,
      },
    };
  }
  return { token };
}

/**
 * The security headers of every steptrail response (helmet's, for Express or plain node:http). Ports are often
 * served over plain HTTP on loopback or behind a TLS proxy: requests are never rewritten to https.
 */
export function securityHeaders(): (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void {
  return helmet({ contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } } });
}

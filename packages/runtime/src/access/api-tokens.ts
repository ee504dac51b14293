import { createHash, timingSafeEqual } from 'node:crypto';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A configured bearer token: only a digest of its secret is kept in memory. */
export interface ApiToken {
  name: string;
  scopes: ReadonlySet<Scope>;
  digest: Buffer;
}

export const API_TOKENS_FORMAT =
  'name:scope[,scope…]:secret entries separated by ";" or new lines, e.g. "dashboard:read:<secret>;pipeline:read,write:<secret>"';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SECRET = /^[\x21-\x7e]{16,512}$/;
const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value);

const digestOf = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/**
 * Parses API_TOKENS. Each entry is `name:scopes:secret`; the secret is everything after the second colon, so it may
 * contain colons. Returns every problem found, never a secret in a message.
 */
export function parseApiTokens(text: string): { tokens: ApiToken[]; problems: string[] } {
  const tokens: ApiToken[] = [];
  const problems: string[] = [];
  const secrets = new Set<string>();
  const entries = text
    .split(/[;\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const first = entry.indexOf(':');
    const second = first < 0 ? -1 : entry.indexOf(':', first + 1);
    if (second < 0) {
      problems.push(`${where} is not name:scopes:secret (${API_TOKENS_FORMAT})`);
      return;
    }
    const name = entry.slice(0, first);
    const scopeList = entry
      .slice(first + 1, second)
      .split(',')
      .map((scope) => scope.trim());
    const secret = entry.slice(second + 1);
    const before = problems.length;
    if (!NAME.test(name))
      problems.push(`${where}: name ${JSON.stringify(name)} must be 1-64 of A-Z a-z 0-9 _ . -`);
    if (tokens.some((token) => token.name === name)) problems.push(`${where}: name "${name}" is used twice`);
    const unknown = scopeList.filter((scope) => !isScope(scope));
    if (unknown.length > 0 || scopeList.length === 0) {
      problems.push(
        `${where} ("${name}"): unknown scope(s) ${JSON.stringify(unknown)}; allowed: ${SCOPES.join(', ')}`,
      );
    }
    if (!SECRET.test(secret)) {
      problems.push(`${where} ("${name}"): the secret must be 16 to 512 printable characters without spaces`);
    }
    if (secrets.has(secret)) problems.push(`${where} ("${name}"): the same secret is given to two tokens`);
    secrets.add(secret);
    if (problems.length === before) {
      tokens.push({ name, scopes: new Set(scopeList.filter(isScope)), digest: digestOf(secret) });
    }
  });
  return { tokens, problems };
}

/**
 * The token whose secret equals `presented`, or null. Digests have a fixed length, so timingSafeEqual compares them
 * in constant time, and every configured token is compared, so timing reveals neither which token matched nor how
 * many characters were right.
 */
export function identifyToken(tokens: readonly ApiToken[], presented: string): ApiToken | null {
  const digest = digestOf(presented);
  let match: ApiToken | null = null;
  for (const token of tokens) {
    if (timingSafeEqual(token.digest, digest) && match === null) match = token;
  }
  return match;
}

/** `admin` grants every scope; otherwise the scope must be listed. */
export const grants = (token: ApiToken, scope: Scope): boolean =>
  token.scopes.has('admin') || token.scopes.has(scope);

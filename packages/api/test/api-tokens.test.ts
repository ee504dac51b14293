import { describe, expect, test } from 'vitest';
import { grants, identifyToken, parseApiTokens } from '../src/http/auth/api-tokens.js';

const SECRET_A = 'a-very-long-secret-0001';
const SECRET_B = 'b:with:colons:0123456789';

describe('API_TOKENS parsing', () => {
  test('entries are name:scopes:secret separated by ";" or new lines; the secret may contain colons', () => {
    const { tokens, problems } = parseApiTokens(
      ` dashboard:read:${SECRET_A} ;\n pipeline:read, write:${SECRET_B}\n\n`,
    );
    expect(problems).toEqual([]);
    expect(tokens.map((token) => [token.name, [...token.scopes]])).toEqual([
      ['dashboard', ['read']],
      ['pipeline', ['read', 'write']],
    ]);
    expect(identifyToken(tokens, SECRET_B)?.name).toBe('pipeline');
  });

  test('an empty value configures no token', () => {
    expect(parseApiTokens('')).toEqual({ tokens: [], problems: [] });
    expect(parseApiTokens(' ; \n ')).toEqual({ tokens: [], problems: [] });
  });

  test('every problem is reported, and no message contains a secret', () => {
    const text = [
      'no-colons-here',
      `bad name:read:${SECRET_A}`,
      `x:root,read:${SECRET_B}`,
      'short:read:tiny',
      `dup:read:${SECRET_A}0`,
      `dup:write:${SECRET_A}1`,
      `same:read:${SECRET_A}0`,
    ].join(';');
    const { tokens, problems } = parseApiTokens(text);
    expect(problems).toEqual([
      expect.stringMatching(/^entry 1 is not name:scopes:secret/),
      expect.stringMatching(/^entry 2: name "bad name" must be/),
      expect.stringMatching(/^entry 3 \("x"\): unknown scope\(s\) \["root"\]/),
      expect.stringMatching(/^entry 4 \("short"\): the secret must be 16 to 512 printable characters/),
      expect.stringMatching(/^entry 6: name "dup" is used twice/),
      expect.stringMatching(/^entry 7 \("same"\): the same secret is given to two tokens/),
    ]);
    expect(tokens.map((token) => token.name)).toEqual(['dup']);
    for (const problem of problems) expect(problem).not.toMatch(/very-long-secret|with:colons|tiny/);
  });
});

describe('token comparison', () => {
  const { tokens } = parseApiTokens(`reader:read:${SECRET_A};ops:admin:${SECRET_B}`);

  test('finds the token whose secret matches exactly', () => {
    expect(identifyToken(tokens, SECRET_A)?.name).toBe('reader');
    expect(identifyToken(tokens, SECRET_B)?.name).toBe('ops');
  });

  test('refuses near misses of any length: prefixes, extensions, case changes', () => {
    for (const candidate of [
      SECRET_A.slice(0, -1),
      `${SECRET_A}x`,
      SECRET_A.toUpperCase(),
      '',
      'x'.repeat(10_000),
    ]) {
      expect(identifyToken(tokens, candidate)).toBeNull();
    }
  });

  test('keeps only a digest of each secret', () => {
    for (const token of tokens) {
      expect(token.digest).toHaveLength(32);
      expect(JSON.stringify(token)).not.toContain(SECRET_A);
    }
  });

  test('admin grants every scope; other scopes grant only themselves', () => {
    const [reader, ops] = tokens;
    expect(grants(reader!, 'read')).toBe(true);
    expect(grants(reader!, 'write')).toBe(false);
    expect(grants(reader!, 'admin')).toBe(false);
    for (const scope of ['read', 'write', 'admin'] as const) expect(grants(ops!, scope)).toBe(true);
  });
});

import {
  brotliCompressSync,
  brotliDecompressSync,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateSync,
} from 'node:zlib';
import fc from 'fast-check';
import { resolveSchema, type JsonSchema, type Operation } from './openapi-operations.js';

/**
 * Hostile HTTP requests for every operation of an OpenAPI document (test/reliability/README.md, hostile input):
 * each starts from what the operation's schemas allow and then breaks something — a value of the wrong type, a
 * huge, deeply nested, control-character or out-of-range value, unknown fields, malformed percent-encoding, a
 * wrong, corrupt or unsupported content encoding or type, an oversized, truncated or never-closed multipart body.
 * A request is data (shrinkable by fast-check) turned into exact bytes by `requestBytes`.
 */

/** What the generator needs to know about the server under test. */
export interface HostileContext {
  readonly document: Record<string, unknown>;
  /** Ids a valid request may name: records created for the run, never the protected ones. */
  readonly ids: readonly number[];
  /** Step names of the server's workflows, so some events name a real step. */
  readonly steps: readonly string[];
  readonly tokens: { readonly write: string; readonly admin: string };
  readonly maxJsonBytes: number;
  readonly maxUploadBytes: number;
}

export interface HostileRequest {
  /** The operation it was generated for, `POST /api/files/{id}/events`. */
  readonly operation: string;
  readonly method: string;
  /** The request-target exactly as sent (path and query). */
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  /** Send `transfer-encoding: chunked` instead of a content-length. */
  readonly chunked: boolean;
}

/** JSON text kept as is by the serialiser: what JSON.stringify cannot write (deep nesting, huge numbers...). */
class RawJson {
  constructor(readonly text: string) {}
}

function serialise(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(serialise).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([key, inner]) => `${JSON.stringify(key)}:${serialise(inner)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const nested = (depth: number, open: string, close: string): RawJson =>
  new RawJson(open.repeat(depth) + close.repeat(depth));

const MALFORMED_ESCAPES = [
  '%',
  '%Z',
  '%ZZ',
  '%C0%AF',
  '%E0%A4%A',
  '%FF',
  '%00',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%%',
  '%u0041',
];

const HOSTILE_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uFEFF',
  '\u202Egnp.exe',
  'März 2024 ✓ 日本語 🎉',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '/etc/passwd',
  'C:\\x',
  '....//....//x',
  '%2e%2e%2f',
  '${jndi:ldap://127.0.0.1/x}',
  "'; drop table files; --",
  '<script>alert(1)</script>',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '0000-01-01T00:00:00Z',
  '0001-06-01T12:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '2024-02-30T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '2099-01-01T00:00:00Z',
  'A'.repeat(256),
  'é'.repeat(200),
];

/** Strings that break things: control characters (NUL too), lone surrogates, any code point, long ones. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
      maxLength: 8,
    }),
  },
  { weight: 1, arbitrary: fc.integer({ min: 250, max: 20_000 }).map((n) => 'x'.repeat(n)) },
);

const HUGE_NUMBERS = [
  '2147483648',
  '4294967296',
  '9007199254740993',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551616',
  '1' + '0'.repeat(400),
  '-2147483649',
  '-0',
  '1e400',
  '1e-400',
  '0.1e1',
  '1E2',
];

/** A value of any JSON type at all, hostile in shape or size. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 3, arbitrary: fc.constantFrom(...HUGE_NUMBERS).map((text) => new RawJson(text)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}']))
      .map(([depth, [open, close]]) => nested(depth, open, close)),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100, max: 5_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  },
);

/** A JSON-like value the schema allows, as far as the generator reads schemas (enough to get past validation). */
export function validValue(
  context: HostileContext,
  schema: JsonSchema,
  name: string,
  depth = 0,
): fc.Arbitrary<unknown> {
  const resolved = resolveSchema(context.document, schema);
  if ('const' in resolved) return fc.constant(resolved['const']);
  if (Array.isArray(resolved['enum'])) return fc.constantFrom(...(resolved['enum'] as unknown[]));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = resolved[key];
    if (Array.isArray(options) && options.length > 0) {
      return fc.oneof(...(options as JsonSchema[]).map((option) => validValue(context, option, name, depth)));
    }
  }
  const type = resolved['type'];
  if (Array.isArray(type)) {
    return fc.oneof(...type.map((one) => validValue(context, { ...resolved, type: one }, name, depth)));
  }
  const minimum = typeof resolved['minimum'] === 'number' ? resolved['minimum'] : undefined;
  const maximum = typeof resolved['maximum'] === 'number' ? resolved['maximum'] : undefined;
  switch (type) {
    case 'string':
      return validString(context, resolved, name);
    case 'integer':
      if (isIdName(name)) return idValue(context);
      return fc.integer({
        min: Math.max(minimum ?? -1000, -(2 ** 31)),
        max: Math.min(maximum ?? 1000, 2 ** 31 - 1),
      });
    case 'number':
      return fc.double({ min: minimum ?? -1e6, max: maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (resolved['items'] ?? {}) as JsonSchema;
      const minLength = typeof resolved['minItems'] === 'number' ? resolved['minItems'] : 0;
      const maxLength = Math.max(minLength, Math.min(Number(resolved['maxItems'] ?? 4), 4));
      return fc.array(validValue(context, items, singular(name), depth + 1), { minLength, maxLength });
    }
    case 'object':
    case undefined: {
      const properties = (resolved['properties'] ?? {}) as Record<string, JsonSchema>;
      if (type === undefined && Object.keys(properties).length === 0) return fc.jsonValue({ maxDepth: 1 });
      if (depth > 4) return fc.constant({});
      const required = new Set((resolved['required'] ?? []) as string[]);
      const record = Object.fromEntries(
        Object.entries(properties).map(([key, property]) => [
          key,
          validValue(context, property, key, depth + 1),
        ]),
      );
      return fc.record(record, { requiredKeys: [...required].filter((key) => key in properties) });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

const isIdName = (name: string): boolean => /^ids?$|Ids?$/.test(name);
const singular = (name: string): string => (name === 'ids' ? 'id' : name);

/** An id a valid request may name: one of the run's own records, or one that does not exist. */
function idValue(context: HostileContext): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...context.ids) },
    { weight: 1, arbitrary: fc.constantFrom(2_147_483_647, 1_999_999_999) },
  );
}

function validString(context: HostileContext, schema: JsonSchema, name: string): fc.Arbitrary<string> {
  const format = schema['format'];
  if (format === 'date-time') {
    return fc
      .date({
        min: new Date('2001-01-01T00:00:00Z'),
        max: new Date('2025-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString());
  }
  if (format === 'uri') return fc.constantFrom('http://127.0.0.1:9/hook', 'https://127.0.0.1:9/x?y=1');
  if (/step/i.test(name) && context.steps.length > 0) {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...context.steps) },
      { weight: 1, arbitrary: fc.constant('my_step') },
    );
  }
  if (typeof schema['pattern'] === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema['pattern']));
    } catch {
      // A pattern JavaScript cannot read: fall through to plain text.
    }
  }
  const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const maxLength = Math.max(minLength, Math.min(Number(schema['maxLength'] ?? 24), 24));
  return fc.string({ minLength, maxLength });
}

/** Percent-encodes the UTF-8 of `text` (a lone surrogate becomes U+FFFD) as a path segment or query value. */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const OUT_OF_RANGE_IDS = [
  '0',
  '-1',
  '2147483648',
  '4294967296',
  '9007199254740993',
  '9223372036854775808',
  '18446744073709551616',
  '1' + '0'.repeat(40),
  '1e3',
  '0x1f',
  '1.5',
  '+1',
  '%201',
  '01',
  '%EF%BC%91',
  'NaN',
  'Infinity',
  'abc',
  '..',
  '%2e%2e',
  '..%2F..%2Fetc%2Fpasswd',
];

/** A value for a path or query parameter, already encoded for the request-target. */
function parameterText(context: HostileContext, schema: JsonSchema, name: string): fc.Arbitrary<string> {
  const valid = validValue(context, schema, name).map((value) =>
    percentEncode(typeof value === 'string' ? value : JSON.stringify(value)),
  );
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 2, arbitrary: fc.constantFrom(...OUT_OF_RANGE_IDS) },
    { weight: 2, arbitrary: hostileString.map(percentEncode) },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_ESCAPES) },
    {
      weight: 1,
      arbitrary: fc.string({
        unit: fc.constantFrom('%', '2', 'G', 'a', '/', '?', '#', '&', '='),
        maxLength: 8,
      }),
    },
  );
}

function pathArbitrary(context: HostileContext, operation: Operation): fc.Arbitrary<string> {
  const names = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  const values = names.map((name) => {
    const parameter = operation.parameters.find((p) => p.in === 'path' && p.name === name);
    return parameterText(context, parameter?.schema ?? { type: 'string' }, name);
  });
  const suffix = fc.oneof(
    { weight: 12, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('/', '//', '/..', '/%2e%2e/', '/x', '%00', ';x=1', '/%ZZ') },
  );
  return fc.tuple(fc.tuple(...values), suffix).map(([filled, tail]) => {
    let index = 0;
    return operation.path.replace(/\{[^}]+\}/g, () => filled[index++] ?? '') + tail;
  });
}

function queryArbitrary(context: HostileContext, operation: Operation): fc.Arbitrary<string> {
  const declared = operation.parameters
    .filter((p) => p.in === 'query')
    .map((p) =>
      fc.option(
        parameterText(context, p.schema, p.name).map((value) => `${p.name}=${value}`),
        { freq: 2, nil: null },
      ),
    );
  const extra = fc.oneof(
    { weight: 10, arbitrary: fc.constant<string | null>(null) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('unknown=1', 'limit=1&limit=2', 'status[]=failed', 'q[a][b][c][d][e][f]=x'),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__[x]=1', 'cursor[$gt]=0', '%ZZ=1', 'a=%', 'a=%E0%A4%A', '=', '&&&'),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 100, max: 3000 })
        .map((n) => Array.from({ length: n }, (_, i) => `k${i}=${i}`).join('&')),
    },
  );
  return fc.tuple(fc.tuple(...declared), extra).map(([parts, more]) => {
    const all = [...parts, more].filter((part): part is string => part !== null);
    return all.length === 0 ? '' : `?${all.join('&')}`;
  });
}

type BodyKind = 'json' | 'multipart' | 'none';

interface BodyPlan {
  readonly bytes: Buffer;
  readonly contentType: string | null;
}

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=x-unknown',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/octet-stream',
  'application/json, text/plain',
  'Application/JSON',
  '*/*',
  'x'.repeat(300),
];

/** A JSON body: the schema's shape with one to three things broken, or not JSON at all. */
function jsonBody(context: HostileContext, schema: JsonSchema): fc.Arbitrary<Buffer> {
  const resolved = resolveSchema(context.document, schema);
  const properties = Object.keys(resolved['properties'] ?? {});
  const base = validValue(context, schema, 'body');
  const field =
    properties.length === 0
      ? fc.constant('unknownField')
      : fc.constantFrom(...properties, 'unknownField', '__proto__');
  const mutation = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constant('set' as const), field, hostileValue) },
    { weight: 2, arbitrary: fc.tuple(fc.constant('drop' as const), field, fc.constant(null)) },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constant('keys' as const),
        fc.integer({ min: 10, max: 3000 }).map(String),
        fc.constant(null),
      ),
    },
  );
  const mutated = fc
    .tuple(base, fc.array(mutation, { minLength: 0, maxLength: 3 }))
    .map(([value, mutations]) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return serialise(value);
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [kind, key, replacement] of mutations) {
        if (kind === 'set') copy[key] = replacement;
        else if (kind === 'drop') delete copy[key];
        else for (let i = 0; i < Number(key); i += 1) copy[`unknown${i}`] = i;
      }
      return serialise(copy);
    });
  const notJson = fc.oneof(
    fc.constantFrom(
      '',
      '{',
      '{"a":',
      '[',
      'null',
      '"x"',
      '{}{}',
      '{"a":1,"a":2}',
      '{"__proto__":{"x":1}}',
      'NaN',
      "{'a':1}",
      '\uFEFF{}',
    ),
    hostileValue.map(serialise),
    base.chain((value) => {
      const text = serialise(value);
      return fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut));
    }),
  );
  return fc
    .tuple(
      fc.oneof({ weight: 6, arbitrary: mutated }, { weight: 2, arbitrary: notJson }),
      fc.constantFrom('utf8', 'utf8', 'utf8', 'utf8', 'utf16le', 'latin1', 'invalid-utf8', 'oversized'),
    )
    .map(([text, encoding]) => {
      if (encoding === 'invalid-utf8')
        return Buffer.concat([
          Buffer.from(text.slice(0, 10)),
          Buffer.from([0xff, 0xfe, 0xc0, 0x80]),
          Buffer.from(text.slice(10)),
        ]);
      if (encoding === 'oversized') return Buffer.from(text + ' '.repeat(context.maxJsonBytes + 1));
      return Buffer.from(text, encoding as BufferEncoding);
    });
}

const BOUNDARY = 'HostileBoundary7MA4YWxkTrZu0gW';

/** A multipart upload: hostile names and part headers, missing or doubled parts, cut short or never closed. */
function multipartBody(context: HostileContext, schema: JsonSchema): fc.Arbitrary<BodyPlan> {
  const resolved = resolveSchema(context.document, schema);
  const properties = (resolved['properties'] ?? {}) as Record<string, JsonSchema>;
  const fileFields = Object.entries(properties)
    .filter(([, property]) => resolveSchema(context.document, property)['format'] === 'binary')
    .map(([name]) => name);
  const textFields = Object.keys(properties).filter((name) => !fileFields.includes(name));
  const filename = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('report.pdf', 'scan.png', 'März.pdf', 'a'.repeat(300) + '.pdf') },
    { weight: 3, arbitrary: hostileString },
  );
  const content = fc.oneof(
    { weight: 6, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.constant(Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')) },
    { weight: 1, arbitrary: fc.constant(null).map(() => Buffer.alloc(context.maxUploadBytes + 1, 0x41)) },
  );
  const partType = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('application/pdf', 'image/png', 'application/octet-stream') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', 'x/'.repeat(200), 'text/plain; charset=x-unknown', 'a'.repeat(300)),
    },
  );
  const filePart = fc.record({
    name: fc.constantFrom(...fileFields, 'file', 'other'),
    filename,
    type: partType,
    content,
  });
  const textPart = fc.record({
    name: fc.constantFrom(...textFields, 'unknownField'),
    value: fc.oneof(
      ...textFields.map((name) => validValue(context, properties[name]!, name).map(String)),
      hostileString,
    ),
  });
  return fc
    .record({
      files: fc.array(filePart, { minLength: 0, maxLength: 2 }),
      texts: fc.array(textPart, { maxLength: 2 }),
      ending: fc.constantFrom('closed', 'closed', 'closed', 'no-closing-boundary', 'cut', 'no-final-crlf'),
      cutAt: fc.nat(),
      boundary: fc.constantFrom(BOUNDARY, BOUNDARY, BOUNDARY, 'missing', 'mismatch', 'b'.repeat(200)),
    })
    .map(({ files, texts, ending, cutAt, boundary }) => {
      const used = boundary === 'missing' || boundary === 'mismatch' ? BOUNDARY : boundary;
      const chunks: Buffer[] = [];
      for (const text of texts) {
        chunks.push(
          Buffer.from(
            `--${used}\r\nContent-Disposition: form-data; name="${text.name}"\r\n\r\n${text.value}\r\n`,
          ),
        );
      }
      for (const file of files) {
        chunks.push(
          Buffer.from(
            `--${used}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename.replace(/["\r\n]/g, '')}"\r\n` +
              (file.type === '' ? '' : `Content-Type: ${file.type}\r\n`) +
              '\r\n',
          ),
          file.content,
          Buffer.from('\r\n'),
        );
      }
      if (ending === 'closed') chunks.push(Buffer.from(`--${used}--\r\n`));
      if (ending === 'no-final-crlf') chunks.push(Buffer.from(`--${used}--`));
      let bytes = Buffer.concat(chunks);
      if (ending === 'cut' && bytes.length > 0) bytes = bytes.subarray(0, cutAt % bytes.length);
      const header =
        boundary === 'missing'
          ? 'multipart/form-data'
          : `multipart/form-data; boundary=${boundary === 'mismatch' ? 'SomethingElse' : used}`;
      return { bytes, contentType: header };
    });
}

const ENCODINGS = [
  'identity',
  'gzip',
  'deflate',
  'br',
  'corrupt-gzip',
  'corrupt-br',
  'truncated-gzip',
  'compress',
  'gzip, gzip',
  'x-unknown',
];

function encode(body: Buffer, encoding: string): { bytes: Buffer; header: string | null } {
  switch (encoding) {
    case 'none':
      return { bytes: body, header: null };
    case 'identity':
      return { bytes: body, header: 'identity' };
    case 'gzip':
      return { bytes: gzipSync(body), header: 'gzip' };
    case 'deflate':
      return { bytes: deflateSync(body), header: 'deflate' };
    case 'br':
      return { bytes: brotliCompressSync(body), header: 'br' };
    case 'corrupt-gzip':
      return { bytes: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), body]), header: 'gzip' };
    case 'corrupt-br':
      return { bytes: Buffer.concat([Buffer.from([0xff, 0xff]), body]), header: 'br' };
    case 'truncated-gzip': {
      const zipped = gzipSync(body);
      return { bytes: zipped.subarray(0, Math.max(1, zipped.length - 6)), header: 'gzip' };
    }
    case 'gzip, gzip':
      return { bytes: gzipSync(gzipSync(body)), header: 'gzip, gzip' };
    default:
      return { bytes: body, header: encoding };
  }
}

/** Hostile requests for one operation. */
export function hostileRequestFor(
  context: HostileContext,
  operation: Operation,
): fc.Arbitrary<HostileRequest> {
  const types = Object.keys(operation.bodies);
  const kinds: BodyKind[] =
    types.length === 0
      ? ['none']
      : types.map((type) => (type.startsWith('multipart/') ? 'multipart' : 'json'));
  const body: fc.Arbitrary<BodyPlan> = fc.oneof(
    ...types.map((type, index) =>
      kinds[index] === 'multipart'
        ? multipartBody(context, operation.bodies[type]!)
        : jsonBody(context, operation.bodies[type]!).map((bytes) => ({ bytes, contentType: type })),
    ),
    ...(types.length === 0
      ? [
          fc.constant<BodyPlan>({ bytes: Buffer.alloc(0), contentType: null }),
          fc.constant<BodyPlan>({
            bytes: Buffer.from('{"unexpected":"body"}'),
            contentType: 'application/json',
          }),
        ]
      : []),
  );
  // A token with the operation's scope where that cannot reach the protected records (see hostile-input.rel.test.ts).
  const token =
    operation.scope === 'admin' && types.length === 0 ? context.tokens.admin : context.tokens.write;
  const authorization = fc.oneof(
    { weight: 12, arbitrary: fc.constant(`Bearer ${token}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        `Bearer ${'x'.repeat(5000)}`,
        `bearer ${token}`,
        `Bearer ${token} extra`,
        'Bearer \u00ff\u00fe',
      ),
    },
  );
  const headerParameters = operation.parameters
    .filter((p) => p.in === 'header')
    .map((p) =>
      fc.option(
        fc
          .oneof(
            validValue(context, p.schema, p.name).map(String),
            hostileString,
            fc.constantFrom(...HUGE_NUMBERS, ...OUT_OF_RANGE_IDS),
          )
          .map((value): [string, string] => [p.name, value.replace(/[\r\n]/g, '')]),
        { freq: 2, nil: null },
      ),
    );
  const method = fc.oneof(
    { weight: 20, arbitrary: fc.constant(operation.method) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'HEAD',
        'OPTIONS',
        'PUT',
        'PATCH',
        'DELETE',
        'POST',
        'GET',
        'TRACE',
        'PROPFIND',
      ),
    },
  );
  return fc
    .record({
      method,
      path: pathArbitrary(context, operation),
      query: queryArbitrary(context, operation),
      body,
      encoding: fc.oneof(
        { weight: 10, arbitrary: fc.constant('none') },
        { weight: 3, arbitrary: fc.constantFrom(...ENCODINGS) },
      ),
      contentType: fc.oneof(
        { weight: 10, arbitrary: fc.constant<string | null>(null) },
        { weight: 2, arbitrary: fc.constantFrom<string | null>('omit', ...WRONG_CONTENT_TYPES) },
      ),
      authorization,
      headerParameters: fc.tuple(...headerParameters),
      chunked: fc.oneof(
        { weight: 8, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    })
    .map((plan): HostileRequest => {
      const { bytes, header: encodingHeader } = encode(plan.body.bytes, plan.encoding);
      const contentType = plan.contentType === 'omit' ? null : (plan.contentType ?? plan.body.contentType);
      const headers: Array<readonly [string, string]> = [];
      if (plan.authorization !== '') headers.push(['Authorization', plan.authorization]);
      if (contentType !== null && (bytes.length > 0 || plan.contentType !== null))
        headers.push(['Content-Type', contentType]);
      if (encodingHeader !== null) headers.push(['Content-Encoding', encodingHeader]);
      for (const header of plan.headerParameters) if (header !== null) headers.push(header);
      return {
        operation: operation.key,
        method: plan.method,
        target: plan.path + plan.query,
        headers,
        body: bytes,
        chunked: plan.chunked,
      };
    });
}

/** The exact bytes of `request` on a connection the server is asked to close after answering. */
export function requestBytes(request: HostileRequest, host: string): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  let body = request.body;
  if (request.chunked) {
    lines.push('Transfer-Encoding: chunked');
    body = Buffer.concat([
      Buffer.from(`${body.length.toString(16)}\r\n`),
      body,
      Buffer.from(body.length === 0 ? '\r\n' : '\r\n0\r\n\r\n'),
    ]);
  } else if (body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(request.method)) {
    lines.push(`Content-Length: ${body.length}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** The request as a reader wants it in a failure message: head in full, body cut to `maxBody` characters. */
export function describeRequest(request: HostileRequest, maxBody = 600): string {
  const head = [
    `${request.method} ${request.target}`,
    ...request.headers.map(
      ([n, v]) => `${n}: ${v.length > 200 ? `${v.slice(0, 200)}… (${v.length} chars)` : v}`,
    ),
  ];
  if (request.chunked) head.push('Transfer-Encoding: chunked');
  const text = request.body.toString('utf8');
  const body =
    request.body.length === 0
      ? '(no body)'
      : `${JSON.stringify(text.slice(0, maxBody))}${text.length > maxBody ? ` … (${request.body.length} bytes)` : ''}`;
  return `[${request.operation}]\n${head.join('\n')}\n\n${body}`;
}

const ID_KEY = /^ids?$|Ids?$/;

/**
 * The body as the server reads it: decoded by its Content-Encoding (gzip, deflate, br, in the order applied), or
 * null when it does not decode — then the server refuses it too. A compressed valid write is as valid as a plain one.
 */
function decodedBody(request: HostileRequest): Buffer | null {
  const header = request.headers.find(([name]) => name.toLowerCase() === 'content-encoding')?.[1];
  const codings = (header ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse();
  let body = request.body;
  try {
    for (const coding of codings) {
      if (coding === 'gzip') body = gunzipSync(body);
      else if (coding === 'deflate') body = inflateSync(body);
      else if (coding === 'br') body = brotliDecompressSync(body);
      else return null;
    }
  } catch {
    return null;
  }
  return body;
}

/**
 * Whether `request`, if it is valid, may change a protected record — so the hostile-input suite does not send it,
 * and any change to a protected record stays a defect:
 * - it names a protected id where an id is read: a path segment (before any `?` or `#`), or a body field named like
 *   an id (`fileId`, `duplicateOfId`, `ids`) anywhere in its JSON body, plain or compressed. Random text hits small
 *   numbers often. Loose on purpose: `03`, `3.0` and ` 3` count as 3;
 * - it is a bulk operation by filter (a JSON object with a `filter` object) that is not a dry run and whose filter
 *   is not narrowed to `ids`: a valid one may match protected files (a deletion, a retry).
 */
export function mayChangeProtected(request: HostileRequest, ids: ReadonlySet<number>): boolean {
  // The path as the router reads it: up to a query or a fragment (`/api/files/2#` deletes file 2).
  const path = request.target.split(/[?#]/)[0] ?? '';
  for (const segment of path.split('/')) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // Malformed escapes: the raw text is all there is.
    }
    if (decoded.trim() !== '' && ids.has(Number(decoded))) return true;
  }
  const bytes = decodedBody(request);
  if (bytes === null) return false;
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return false;
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const { filter, dryRun } = body as Record<string, unknown>;
    const narrowed =
      typeof filter === 'object' &&
      filter !== null &&
      Array.isArray((filter as Record<string, unknown>)['ids']);
    if (typeof filter === 'object' && filter !== null && dryRun !== true && !narrowed) return true;
  }
  // A stack, not recursion: bodies nest 20,000 deep.
  const stack: Array<[unknown, string]> = [[body, '']];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, key] = next;
    if (Array.isArray(value)) for (const item of value) stack.push([item, key]);
    else if (typeof value === 'object' && value !== null) {
      for (const [name, inner] of Object.entries(value)) stack.push([inner, name]);
    } else if (
      ID_KEY.test(key) &&
      (typeof value === 'number' || typeof value === 'string') &&
      String(value).trim() !== '' &&
      ids.has(Number(value))
    ) {
      return true;
    }
  }
  return false;
}

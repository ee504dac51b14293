/**
 * The operations of an OpenAPI 3.1 document as the hostile-input generator needs them: method, path template,
 * parameters with their JSON schemas, request bodies by media type, the scope its security asks for. Read from the
 * document the API serves, so a route added to the API is in the run without touching the suite.
 */
export type JsonSchema = Record<string, unknown>;

export interface OperationParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: JsonSchema;
}

export interface Operation {
  /** `POST /api/files/{id}/events` */
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly OperationParameter[];
  /** Media type → schema of the body; empty when the operation takes none. */
  readonly bodies: Readonly<Record<string, JsonSchema>>;
  /** The scope its bearer token needs (read, write, admin), null when open. */
  readonly scope: string | null;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

export function operationsOf(document: Record<string, unknown>): Operation[] {
  const paths = (document['paths'] ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const parameters = ((operation['parameters'] ?? []) as Array<Record<string, unknown>>).map((p) => ({
        name: String(p['name']),
        in: p['in'] as OperationParameter['in'],
        required: p['required'] === true,
        schema: (p['schema'] ?? {}) as JsonSchema,
      }));
      const content = ((operation['requestBody'] as Record<string, unknown> | undefined)?.['content'] ??
        {}) as Record<string, { schema?: JsonSchema }>;
      const bodies = Object.fromEntries(
        Object.entries(content).map(([type, media]) => [type, media.schema ?? {}]),
      );
      const security = (operation['security'] ?? []) as Array<Record<string, string[]>>;
      const scope = security[0] === undefined ? null : (Object.values(security[0])[0]?.[0] ?? null);
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters,
        bodies,
        scope,
      });
    }
  }
  return operations;
}

/** Follows `$ref`s into the document's components. */
export function resolveSchema(document: Record<string, unknown>, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current['$ref'] === 'string' && hops < 20; hops += 1) {
    const ref = current['$ref'];
    const parts = ref.replace(/^#\//, '').split('/');
    let target: unknown = document;
    for (const part of parts) target = (target as Record<string, unknown> | undefined)?.[part];
    if (target === undefined) throw new Error(`the document has no ${ref}`);
    const { $ref, ...rest } = current;
    void $ref;
    current = { ...(target as JsonSchema), ...rest };
  }
  return current;
}

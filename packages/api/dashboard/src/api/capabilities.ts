// What this API offers, read once from its public OpenAPI document: views and filters of endpoints other helpers
// add later appear when the server has them and stay hidden otherwise (docs/architecture.md#dashboard).

export interface Capabilities {
  paths: Set<string>;
  /** Query parameters GET /api/files accepts (status, q, limit, cursor, and any filters added later). */
  listParams: Set<string>;
  /** Allowed values of list parameters that declare an enum (e.g. sort). */
  listEnums: Map<string, string[]>;
}

interface OpenApiParameter {
  name?: string;
  in?: string;
  schema?: { enum?: unknown[]; items?: { enum?: unknown[] } };
}
interface OpenApiDocument {
  paths?: Record<string, Record<string, { parameters?: OpenApiParameter[] }>>;
}

export async function loadCapabilities(): Promise<Capabilities> {
  const empty: Capabilities = { paths: new Set(), listParams: new Set(), listEnums: new Map() };
  try {
    const response = await fetch('/api/openapi.json', { headers: { Accept: 'application/json' } });
    if (!response.ok) return empty;
    const document = (await response.json()) as OpenApiDocument;
    const paths = document.paths ?? {};
    const list = paths['/api/files']?.['get']?.parameters ?? [];
    const listEnums = new Map<string, string[]>();
    for (const parameter of list) {
      const values = parameter.schema?.enum ?? parameter.schema?.items?.enum;
      if (parameter.name !== undefined && values !== undefined)
        listEnums.set(parameter.name, values.map(String));
    }
    return {
      paths: new Set(Object.keys(paths)),
      listParams: new Set(
        list.filter((p) => p.in === 'query').flatMap((p) => (p.name === undefined ? [] : [p.name])),
      ),
      listEnums,
    };
  } catch {
    return empty;
  }
}

import { client } from './connection.js';

// What this API offers, read once from its public OpenAPI document: views and filters of endpoints other helpers
// add later appear when the server has them and stay hidden otherwise (docs/architecture.md#dashboard).

export interface Capabilities {
  paths: Set<string>;
  /** Query parameters GET /api/files accepts (status, q, limit, cursor, and any filters added later). */
  listParams: Set<string>;
  /** Allowed values of list parameters that declare an enum (e.g. sort). */
  listEnums: Map<string, string[]>;
}

export async function loadCapabilities(): Promise<Capabilities> {
  const empty: Capabilities = { paths: new Set(), listParams: new Set(), listEnums: new Map() };
  try {
    const document = await client().getOpenApi();
    const list = document.paths['/api/files']?.['get']?.parameters ?? [];
    const listEnums = new Map<string, string[]>();
    for (const parameter of list) {
      const values = parameter.schema?.enum ?? parameter.schema?.items?.enum;
      if (values !== undefined) listEnums.set(parameter.name, values.map(String));
    }
    return {
      paths: new Set(Object.keys(document.paths)),
      listParams: new Set(list.filter((p) => p.in === 'query').map((p) => p.name)),
      listEnums,
    };
  } catch {
    return empty;
  }
}

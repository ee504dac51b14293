const PLACEHOLDER = /:(\.\.\.)?([A-Za-z0-9_]+)/g;

/**
 * `:name` placeholders to the dialect's positional ones, one position per occurrence, every value bound (never
 * inlined). TypeORM's own escaping inlines numbers on SQLite, so each id makes a new statement text that misses the
 * prepared-statement cache, and on PostgreSQL it binds a name used twice to one `$n`, which fails when the two
 * columns have different types (`timestamp` in an adopted DocuElevate table, `timestamptz` in steptrail's).
 * `:...list` expands to one position per element; colons that name no parameter (literals, casts) stay as they are.
 */
export function bindNamedParameters(
  sql: string,
  parameters: Readonly<Record<string, unknown>>,
  placeholder: (position: number) => string,
): [string, unknown[]] {
  const values: unknown[] = [];
  const bind = (value: unknown): string => {
    values.push(value === undefined ? null : value);
    return placeholder(values.length);
  };
  const text = sql.replace(PLACEHOLDER, (found: string, spread: string | undefined, key: string) => {
    if (!Object.hasOwn(parameters, key)) return found;
    const value = parameters[key];
    if (spread === undefined) return bind(value);
    if (!Array.isArray(value)) throw new TypeError(`Parameter ${key} after :... must be a list.`);
    return value.map(bind).join(', ');
  });
  return [text, values];
}

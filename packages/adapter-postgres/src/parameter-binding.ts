import type { DataSource } from 'typeorm';

const PLACEHOLDER = /:(\.\.\.)?([A-Za-z0-9_.]+)/g;

/**
 * `:name` placeholders to `$n`, one `$n` per occurrence. TypeORM binds a name used twice to one `$n`, and
 * PostgreSQL must then deduce one type for it: `VALUES (:now, :now)` into a `timestamp` column (an adopted
 * DocuElevate table) and a `timestamptz` one (steptrail's) fails with "inconsistent types deduced for parameter".
 * Same scanner as TypeORM's postgres driver otherwise, so every other placeholder reads as before.
 */
export function escapeEachOccurrence(sql: string, parameters: Record<string, unknown>): [string, unknown[]] {
  const values: unknown[] = [];
  const bind = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const text = sql.replace(PLACEHOLDER, (placeholder: string, spread: string | undefined, key: string) => {
    if (!Object.hasOwn(parameters, key)) return placeholder;
    const value = parameters[key];
    if (spread !== undefined) {
      if (!Array.isArray(value)) throw new TypeError(`Parameter ${key} after :... must be a list.`);
      return value.map(bind).join(', ');
    }
    // TypeORM's convention for raw SQL fragments in parameters.
    if (typeof value === 'function') return String((value as () => unknown)());
    return bind(value);
  });
  return [text, values];
}

/** Makes the data source's driver bind with escapeEachOccurrence. */
export function bindEachOccurrenceSeparately(dataSource: DataSource): void {
  dataSource.driver.escapeQueryWithParameters = escapeEachOccurrence;
}

import type { QueryRunner } from 'typeorm';
import { queryRows, quoteMysql, textValue } from './mysql-schema-dialect.js';

/** "  `name` definition," — a column line of SHOW CREATE TABLE; key and constraint lines start with a keyword. */
const COLUMN_LINE = /^\s+`((?:[^`]|``)+)` .*$/;

/**
 * Each column's definition as SHOW CREATE TABLE prints it ("`timestamp` datetime DEFAULT current_timestamp()"), by
 * column name. That text is the server's own re-executable spelling of the column — type, character set,
 * nullability, default, ON UPDATE, comment — so MODIFY COLUMN with it gives the column back exactly, on MySQL and
 * MariaDB alike, without translating information_schema's two dialects of COLUMN_DEFAULT.
 */
export async function columnDefinitions(runner: QueryRunner, table: string): Promise<Map<string, string>> {
  const [row] = await queryRows(runner, `SHOW CREATE TABLE ${quoteMysql(table)}`, []);
  if (row === undefined) throw new Error(`SHOW CREATE TABLE ${table} returned nothing`);
  const definitions = new Map<string, string>();
  for (const line of textValue(row['Create Table']).split('\n')) {
    const name = COLUMN_LINE.exec(line)?.[1];
    // Only the separator is dropped: a definition itself ends in a keyword, a literal or a parenthesis.
    if (name !== undefined) definitions.set(name.replace(/``/g, '`'), line.trim().replace(/,$/, ''));
  }
  return definitions;
}

/** String literals, with '' and backslash escapes, as SHOW CREATE TABLE writes them. */
const QUOTED = /'(?:[^'\\]|\\.|'')*'/g;

/** Applies `edit` to the parts of `sql` outside string literals, so a comment or a literal default stays as is. */
function outsideLiterals(sql: string, edit: (part: string) => string): string {
  let result = '';
  let last = 0;
  for (const literal of sql.matchAll(QUOTED)) {
    result += edit(sql.slice(last, literal.index)) + literal[0];
    last = literal.index + literal[0].length;
  }
  return result + edit(sql.slice(last));
}

const CURRENT_TIMESTAMP = /\b(DEFAULT|ON UPDATE) current_timestamp(?:\(\d*\))?/gi;

/**
 * `definition` (a line of columnDefinitions) with the type `type`, all else kept. With `fractionalDigits`, a
 * CURRENT_TIMESTAMP default or ON UPDATE gets that precision too: MySQL refuses a DATETIME(6) column whose
 * CURRENT_TIMESTAMP has another one, and MariaDB would fill new rows with whole seconds.
 */
export function withType(
  definition: string,
  column: string,
  type: string,
  fractionalDigits: number | null,
): string {
  const head = `${quoteMysql(column)} `;
  if (!definition.startsWith(head)) throw new Error(`${definition} is not the definition of ${column}`);
  // The type is the first word after the name ("datetime", "varchar(255)"); a character set follows separately.
  const rest = definition.slice(head.length).replace(/^\S+/, type);
  if (fractionalDigits === null) return head + rest;
  return (
    head +
    outsideLiterals(rest, (part) =>
      part.replace(
        CURRENT_TIMESTAMP,
        (_clause, keyword: string) => `${keyword} CURRENT_TIMESTAMP(${fractionalDigits})`,
      ),
    )
  );
}

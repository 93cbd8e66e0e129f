/**
 * Helpers for raw D1 statements. D1 binds at most 100 parameters per
 * statement, reads included: multi-row inserts are chunked to stay under that,
 * and a caller-sized list in a read is bound as one JSON parameter
 * (`jsonList`, `inJsonList`) rather than one `?` per item.
 */
import { type Column, getTableColumns, getTableName, type SQL, sql, type Table } from "drizzle-orm";

export const D1_MAX_PARAMS = 100;

/** Fails loudly, naming the count, rather than at D1's parameter cap in production: for statements whose parameters are not a fixed few. */
export function assertBindable(params: readonly unknown[]): void {
  if (params.length > D1_MAX_PARAMS) throw new Error(`Statement would bind ${params.length} parameters (D1 takes ${D1_MAX_PARAMS})`);
}

export type SqlValue = string | number | null;

/** A condition a read must also meet (an access check), with the parameters it binds, for reads that ride in another's batch. */
export interface SqlGuard {
  sql: string;
  params: SqlValue[];
}

/**
 * `value` as SQL for `column = <sql>`, or NULL when `guard` fails: `(SELECT ? WHERE guard)`. SQLite
 * evaluates that uncorrelated subquery once and uses its answer as the index key, so a failing guard
 * reads no row at all; a guard ANDed onto the WHERE would be tested against every row instead.
 */
export function guardedValue(value: SqlValue, guard?: SqlGuard): SqlGuard {
  return guard ? { sql: `(SELECT ? WHERE ${guard.sql})`, params: [value, ...guard.params] } : { sql: "?", params: [value] };
}

/**
 * `INSERT INTO table (cols) VALUES (...), (...) [suffix]` statements, as many
 * as needed to keep each under the parameter cap.
 */
export function insertRows(
  db: D1Database,
  table: string,
  columns: string[],
  rows: SqlValue[][],
  suffix = "",
  verb = "INSERT",
): D1PreparedStatement[] {
  const perStatement = Math.max(1, Math.floor(D1_MAX_PARAMS / columns.length));
  const out: D1PreparedStatement[] = [];
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const sql = `${verb} INTO ${table} (${columns.join(", ")}) VALUES ${chunk.map(() => tuple).join(", ")} ${suffix}`;
    out.push(db.prepare(sql).bind(...chunk.flat()));
  }
  return out;
}

/**
 * Most rows, and most UTF-16 code units, one `insertJsonRows` statement binds: D1 limits a value to 2 MB,
 * and 512 Ki units are at most 1.5 MB of UTF-8 (3 bytes a unit at worst).
 */
const JSON_ROWS_PER_STATEMENT = 500;
const JSON_BYTES_PER_STATEMENT = 512 * 1024;

/**
 * `INSERT INTO table (cols) SELECT ... FROM json_each(?) [suffix]`: the rows
 * bound as ONE JSON parameter, so a wide row costs one statement per few
 * hundred rows instead of one per `100 / columns` (D1's statement overhead
 * dominates bulk inserts). Values keep their types: JSON numbers, strings and
 * nulls arrive in SQLite as INTEGER/REAL, TEXT and NULL, as bound values do.
 */
export function insertJsonRows(
  db: D1Database,
  table: string,
  columns: string[],
  rows: SqlValue[][],
  suffix = "",
  verb = "INSERT",
): D1PreparedStatement[] {
  const sql = `${verb} INTO ${table} (${columns.join(", ")}) SELECT ${columns.map((_, i) => `value ->> '$[${i}]'`).join(", ")} FROM json_each(?) WHERE true ${suffix}`;
  return jsonArrays(rows).map((json) => db.prepare(sql).bind(json));
}

/**
 * `rows` as JSON arrays of rows, each small enough to bind as one D1 value (at most 500 rows and 512 Ki
 * UTF-16 units), for statements that read their rows with `json_each(?)`.
 */
export function jsonArrays(rows: unknown[]): string[] {
  const out: string[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (chunk.length) out.push(`[${chunk.join(",")}]`);
    chunk = [];
    bytes = 0;
  };
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (chunk.length >= JSON_ROWS_PER_STATEMENT || (chunk.length > 0 && bytes + json.length > JSON_BYTES_PER_STATEMENT)) flush();
    chunk.push(json);
    bytes += json.length;
  }
  flush();
  return out;
}

/**
 * An exact SUM of an integer expression whose values are at most 2^53 in magnitude (amounts, balances), as
 * text for `readExactSum`. SQLite's SUM fails with "integer overflow" past 2^63, and a double rounds past
 * 2^53; the parts of each value above and below 2^26 sum far below 2^63 for any number of rows (`>>` is an
 * arithmetic shift, so value = high × 2^26 + low with low in [0, 2^26)).
 */
export const exactSumSql = (expr: string) => `(CAST(SUM((${expr}) >> 26) AS TEXT) || ' ' || CAST(SUM((${expr}) & 67108863) AS TEXT))`;

/** The sum `exactSumSql` read (0 for no rows). */
export function readExactSum(text: string | null | undefined): bigint {
  if (text === null || text === undefined) return 0n;
  const [high, low] = text.split(" ");
  return BigInt(high!) * 67108864n + BigInt(low!);
}

/**
 * A list bound as ONE parameter, for `x IN (SELECT value FROM json_each(?))`.
 * However long the list, the statement binds one `?` (D1 then limits only the
 * value's size, 2 MB), so reads keep a single statement and round trip where
 * `IN (?, ?, ...)` would need `inChunks`. SQLite plans the subquery as an IN
 * list, so an index on `x` is still used.
 */
export const jsonList = (items: readonly (string | number)[]): string => JSON.stringify(items);

/** The SQL to follow a column with: `${col} ${IN_JSON_LIST}`, binding `jsonList(items)`. */
export const IN_JSON_LIST = "IN (SELECT value FROM json_each(?))";

/** drizzle's `inArray` for caller-sized lists: `column IN (SELECT value FROM json_each(<one parameter>))`. */
export function inJsonList(column: Column | SQL, items: readonly (string | number)[]): SQL {
  return sql`${column} in (select value from json_each(${jsonList(items)}))`;
}

/** Runs `fn` over `items` in chunks small enough for an `IN (...)` list plus `reserved` other parameters. */
export async function inChunks<T, R>(items: T[], reserved: number, fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const size = D1_MAX_PARAMS - reserved;
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await fn(items.slice(i, i + size))));
  return out;
}

export const questionMarks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** Drizzle-typed rows as `insertJsonRows` takes them: the table's name, its column names, and each row's driver values. */
export function entityRows<T extends Table>(table: T, rows: T["$inferInsert"][]): { table: string; columns: string[]; rows: SqlValue[][] } {
  const cols = Object.entries(getTableColumns(table)) as [string, Column][];
  const values = rows.map((r) =>
    cols.map(([prop, col]) => {
      const v = (r as Record<string, unknown>)[prop];
      if (v === undefined) return col.default === undefined ? null : (col.mapToDriverValue(col.default) as SqlValue);
      if (typeof v === "boolean") return v ? 1 : 0;
      return v as SqlValue;
    }),
  );
  return { table: getTableName(table), columns: cols.map(([, c]) => c.name), rows: values };
}

/**
 * Inserts drizzle-typed rows through `insertJsonRows` (one statement per few
 * hundred rows), taking column names from the drizzle table so the schema
 * stays the one place they are written.
 */
export function insertEntities<T extends Table>(db: D1Database, table: T, rows: T["$inferInsert"][]): D1PreparedStatement[] {
  if (rows.length === 0) return [];
  const e = entityRows(table, rows);
  return insertJsonRows(db, e.table, e.columns, e.rows);
}

/**
 * Reads a raw D1 row (column names, driver values) as drizzle's select of
 * `table` would return it (property names; booleans and other mapped modes
 * decoded, nulls kept), for hot paths that batch prepared statements instead
 * of building drizzle queries. The column list is worked out once per table.
 */
export function rowReader<T extends Table>(table: T): (raw: Record<string, unknown>) => T["$inferSelect"] {
  const cols = Object.entries(getTableColumns(table)).map(([prop, col]) => ({ prop, name: col.name, col: col as Column }));
  return (raw) => {
    const out: Record<string, unknown> = {};
    for (const { prop, name, col } of cols) {
      const v = raw[name];
      out[prop] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
    }
    return out as T["$inferSelect"];
  };
}

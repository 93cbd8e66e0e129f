/**
 * Helpers for raw D1 statements on the write path, where every commit is one
 * `batch()` of many rows. D1 binds at most 100 parameters per statement, so
 * multi-row inserts are chunked to stay under that.
 */
import { type Column, getTableColumns, getTableName, type Table } from "drizzle-orm";

export const D1_MAX_PARAMS = 100;

export type SqlValue = string | number | null;

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

/** Runs `fn` over `items` in chunks small enough for an `IN (...)` list plus `reserved` other parameters. */
export async function inChunks<T, R>(items: T[], reserved: number, fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const size = D1_MAX_PARAMS - reserved;
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await fn(items.slice(i, i + size))));
  return out;
}

export const questionMarks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/**
 * Inserts drizzle-typed rows through `insertRows`, taking column names from
 * the drizzle table so the schema stays the one place they are written.
 */
export function insertEntities<T extends Table>(db: D1Database, table: T, rows: T["$inferInsert"][]): D1PreparedStatement[] {
  if (rows.length === 0) return [];
  const cols = Object.entries(getTableColumns(table)) as [string, Column][];
  const values = rows.map((r) =>
    cols.map(([prop, col]) => {
      const v = (r as Record<string, unknown>)[prop];
      if (v === undefined) return col.default === undefined ? null : (col.mapToDriverValue(col.default) as SqlValue);
      if (typeof v === "boolean") return v ? 1 : 0;
      return v as SqlValue;
    }),
  );
  return insertRows(db, getTableName(table), cols.map(([, c]) => c.name), values);
}

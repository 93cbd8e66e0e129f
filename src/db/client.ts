import type { BatchItem } from "drizzle-orm/batch";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { assertBindable } from "../lib/sql";

/**
 * The query builder over a D1 database (or a D1 session). Built without the schema: nothing uses
 * drizzle's relational queries (`db.query.*`), and with a schema drizzle walks every table to build
 * their relations on each call, which cost about a tenth of a request's CPU (two calls per request:
 * the request context and the D1 session). Queries name their tables explicitly, so they are typed
 * all the same; `db.query` is typed empty, so a relational query does not compile rather than fail.
 */
export type Db = DrizzleD1Database<Record<string, never>>;

export function createDb(d1: D1Database): Db {
  return drizzle(d1);
}

/**
 * A getter of the query builder over `d1` that builds it on first use. A request's services are made
 * twice (the request context, then its D1 session) and most requests never use the builder (their
 * reads are batches of prepared statements), so building it eagerly was paid for nothing.
 */
export function lazyDb(d1: D1Database): () => Db {
  let db: Db | undefined;
  return () => (db ??= createDb(d1));
}

/** drizzle's batch() wants a non-empty tuple; statement lists built in loops are plain arrays. */
export function nonEmpty<T extends BatchItem<"sqlite">>(items: T[]): [T, ...T[]] {
  if (items.length === 0) throw new Error("batch() needs at least one statement");
  return items as [T, ...T[]];
}

/** Splits rows so that each multi-row INSERT binds at most D1's 100 parameters. */
export function chunkRows<T extends object>(rows: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(100 / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * A drizzle query as a D1 prepared statement, for a batch that mixes it with raw statements (a guard, an epoch
 * bump): drizzle's own batch takes only its queries.
 */
export function d1Statement(db: D1Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  // Its callers bind a patch's few columns; a list reaching it would be caught here, not at D1's cap.
  assertBindable(params);
  return db.prepare(sql).bind(...params);
}

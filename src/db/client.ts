import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof createDb>;

export function createDb(d1: D1Database) {
  return drizzle(d1, { schema });
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

/**
 * Guards inside a D1 batch. D1 has no interactive transactions, so a batch cannot read a row and decide; a
 * guard is an insert into `write_guards`, whose CHECK refuses every row, of one row when its condition does
 * not hold: SQLite then fails the statement and rolls the whole batch back.
 */

/** How every guard begins: an insert into the table that refuses every row, of what its SELECT finds. */
export const GUARD_PREFIX = "INSERT INTO write_guards (refused) SELECT ";

/** A statement that fails its batch unless the SQL condition `holds` (binding `params`) is true. */
export const batchGuard = (db: D1Database, holds: string, params: unknown[]): D1PreparedStatement =>
  db.prepare(`${GUARD_PREFIX}1 WHERE NOT (${holds})`).bind(...params);

/** A batch refused by a guard: nothing of it landed. */
export const refusedByGuard = (err: unknown) => /write_guard_refused/.test(String(err));

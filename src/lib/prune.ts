/**
 * Retention's one loop: rows removed oldest first, a bounded batch at a time, each batch one D1 transaction (its
 * children then the rows themselves, so no child outlives its row), until a batch is not full or the run's batches
 * are spent (what is left goes at the next run). The batch's rows are chosen by time-ordered ids (`idFloor`), so
 * finding them reads no recent row.
 */
export interface PruneBatches {
  /** Rows removed a batch: the LIMIT of the statements' selection. */
  size: number;
  /** Batches a run. */
  batches: number;
}

/**
 * Runs `statements()` (its last statement removes the rows) until a batch removes fewer than `size` (or, given
 * `more`, until `more` of a batch's results says there is nothing left); how many rows the last statements removed.
 */
export async function pruneInBatches(
  db: D1Database, statements: () => D1PreparedStatement[], limits: PruneBatches, more?: (results: D1Result[]) => boolean,
): Promise<number> {
  let removed = 0;
  for (let i = 0; i < limits.batches; i++) {
    const results = await db.batch(statements());
    const n = results.at(-1)!.meta.changes ?? 0;
    removed += n;
    if (!(more ? more(results) : n >= limits.size)) break;
  }
  return removed;
}

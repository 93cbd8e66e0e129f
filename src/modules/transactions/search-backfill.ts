/**
 * Folds the search copies of transactions written before migration 0030 (lib/search-text.ts), a bounded
 * number a run. Until a row is folded, the list searches it by its own texts (ASCII case only), so nothing
 * is missing from a search meanwhile, only accents and non-ASCII case. The hourly cron runs it; the partial
 * index on unfolded rows makes each run's read cheap, and empty once all are folded.
 */
import type { Services } from "../../env";
import { foldedTexts } from "../../lib/search-text";

/** Rows read and written per round trip (one JSON parameter each way, so the 100-parameter cap never binds). */
const CHUNK = 1_000;
/** Rows a run folds at most: a million old rows take about two days of hourly runs. */
const PER_RUN = 20_000;

interface UnfoldedRow {
  id: string;
  description: string;
  merchant_name: string | null;
}

/**
 * The statement that writes `rows`' folded copies. Each is written only while the row is still unfolded and
 * its texts are still the ones folded: an edit since the read (which writes its own copy) is never undone.
 */
export function foldStatement(db: D1Database, rows: UnfoldedRow[]): D1PreparedStatement {
  const payload = rows.map((r) => {
    const f = foldedTexts(r.description, r.merchant_name);
    return [r.id, r.description, r.merchant_name, f.descriptionFolded, f.merchantFolded];
  });
  return db
    .prepare(
      `UPDATE transactions SET description_folded = j.value ->> '$[3]', merchant_folded = j.value ->> '$[4]'
         FROM json_each(?) j
        WHERE transactions.id = j.value ->> '$[0]' AND transactions.description_folded IS NULL
          AND transactions.description = j.value ->> '$[1]' AND transactions.merchant_name IS j.value ->> '$[2]'`,
    )
    .bind(JSON.stringify(payload));
}

/** Folds up to `limit` unfolded rows; returns how many it wrote. */
export async function foldUnfoldedTransactions(svc: Services, limit = PER_RUN): Promise<number> {
  const db = svc.env.DB;
  let written = 0;
  // In id order from where the last chunk ended, so a row left unfolded (its texts changed under the read) is not
  // read again in the same run; the next run folds it.
  let after = "";
  for (let read = 0; read < limit; ) {
    const { results } = await db
      .prepare("SELECT id, description, merchant_name FROM transactions WHERE description_folded IS NULL AND id > ? ORDER BY id LIMIT ?")
      .bind(after, Math.min(CHUNK, limit - read))
      .all<UnfoldedRow>();
    if (results.length === 0) break;
    written += (await foldStatement(db, results).run()).meta.changes;
    read += results.length;
    after = results[results.length - 1]!.id;
  }
  return written;
}

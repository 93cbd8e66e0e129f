/**
 * Folds the search copies of transactions written before migration 0030 (lib/search-text.ts), a bounded
 * number a run. Until a row is folded, the list searches it by its own texts (ASCII case only), so nothing
 * is missing from a search meanwhile, only accents and non-ASCII case. The hourly cron runs it; the partial
 * index on unfolded rows makes each run's read cheap, and empty once all are folded.
 */
import type { Services } from "../../env";
import { logError } from "../../lib/log";
import { foldedTexts } from "../../lib/search-text";
import { jsonArrays } from "../../lib/sql";

/** Rows read per round trip (their writes are split by size: `jsonArrays`). */
const CHUNK = 1_000;
/** Rows a run folds at most: a million old rows take about two days of hourly runs. */
const PER_RUN = 20_000;

/**
 * A row with a text and no folded copy of it: from before migration 0030, or one whose other text an edit has
 * folded since (an edit writes only its own text's copy). The partial index `transactions_unfolded_idx` is on
 * this condition, so reading these rows never scans the folded ones.
 */
export const UNFOLDED_SQL = "(description_folded IS NULL OR (merchant_folded IS NULL AND merchant_name IS NOT NULL))";

interface UnfoldedRow {
  id: string;
  description: string;
  merchant_name: string | null;
}

/**
 * The statements that write `rows`' folded copies (both texts'). Each row is written only while it is still
 * unfolded and its texts are still the ones folded: an edit since the read (which writes its own copy) is
 * never undone.
 */
export function foldStatements(db: D1Database, rows: UnfoldedRow[]): D1PreparedStatement[] {
  const payload = rows.map((r) => {
    const f = foldedTexts(r.description, r.merchant_name);
    return [r.id, r.description, r.merchant_name, f.descriptionFolded, f.merchantFolded];
  });
  const sql = `UPDATE transactions SET description_folded = j.value ->> '$[3]', merchant_folded = j.value ->> '$[4]'
                 FROM json_each(?) j
                WHERE transactions.id = j.value ->> '$[0]' AND ${UNFOLDED_SQL}
                  AND transactions.description = j.value ->> '$[1]' AND transactions.merchant_name IS j.value ->> '$[2]'`;
  return jsonArrays(payload).map((json) => db.prepare(sql).bind(json));
}

/** Folds up to `limit` unfolded rows; returns how many it wrote. */
export async function foldUnfoldedTransactions(svc: Services, limit = PER_RUN): Promise<number> {
  const db = svc.env.DB;
  let written = 0;
  // In id order from where the last chunk ended, so a row left unfolded (its texts changed under the read, or a
  // write that failed) is not read again in the same run; the next run starts over and folds it.
  let after = "";
  for (let read = 0; read < limit; ) {
    const { results } = await db
      .prepare(`SELECT id, description, merchant_name FROM transactions WHERE ${UNFOLDED_SQL} AND id > ? ORDER BY id LIMIT ?`)
      .bind(after, Math.min(CHUNK, limit - read))
      .all<UnfoldedRow>();
    if (results.length === 0) break;
    for (const statement of foldStatements(db, results)) {
      try {
        written += (await statement.run()).meta.changes;
      } catch (err) {
        // One failing write must not hold back the rows after it, this run or the next ones.
        logError(undefined, "search_backfill.write_failed", err, { after });
      }
    }
    read += results.length;
    after = results[results.length - 1]!.id;
  }
  return written;
}

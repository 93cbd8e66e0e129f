/**
 * The per-space model in D1: token counts per category and per-category
 * totals. Increments are upserts (`count = count + ?`), so concurrent
 * corrections never lose each other's updates; prediction reads only the
 * rows of the tokens it needs.
 */
import type { Services } from "../../env";
import { guardedValue, IN_JSON_LIST, insertRows, jsonList, type SqlGuard } from "../../lib/sql";
import { type Counts, emptyCounts } from "./model";

/**
 * The reads a prediction needs: the model's per-category totals, its
 * vocabulary, its temperature and the counts of `feats`. The tokens are one
 * JSON parameter: a 500-character description alone can hold more distinct
 * tokens than D1's 100 bound parameters. With a `guard`, every read names the
 * space only when the guard holds (`guardedValue`), so they can ride in the
 * batch of the access check itself and read nothing for a stranger.
 */
export function countsReads(db: D1Database, spaceId: string, feats: string[], guard?: SqlGuard): D1PreparedStatement[] {
  const space = guardedValue(spaceId, guard);
  return [
    db.prepare(`SELECT category_id, docs, tokens FROM ml_category_stats WHERE space_id = ${space.sql}`).bind(...space.params),
    db.prepare(`SELECT COUNT(DISTINCT token) AS n FROM ml_token_counts WHERE space_id = ${space.sql}`).bind(...space.params),
    db.prepare(`SELECT temperature FROM ml_models WHERE space_id = ${space.sql}`).bind(...space.params),
    db.prepare(`SELECT token, category_id, count FROM ml_token_counts WHERE space_id = ${space.sql} AND token ${IN_JSON_LIST}`)
      .bind(...space.params, jsonList([...new Set(feats)])),
  ];
}

/** How many results countsReads' statements give, in order. */
export const COUNTS_READS = 4;

/** The model of countsReads' results. */
export function countsFrom(results: D1Result[]): { counts: Counts; temperature: number } {
  const [stats, vocab, model, tokenRows] = results;
  const counts = emptyCounts();
  for (const r of stats!.results as { category_id: string; docs: number; tokens: number }[]) {
    counts.catDocs.set(r.category_id, r.docs);
    counts.catTokens.set(r.category_id, r.tokens);
  }
  counts.vocabulary = (vocab!.results[0] as { n: number } | undefined)?.n ?? 0;
  for (const r of tokenRows!.results as { token: string; category_id: string; count: number }[]) {
    const m = counts.tokens.get(r.token) ?? new Map<string, number>();
    m.set(r.category_id, r.count);
    counts.tokens.set(r.token, m);
  }
  return { counts, temperature: (model!.results[0] as { temperature: number } | undefined)?.temperature ?? 1 };
}

/** What a prediction needs, in one D1 round trip. */
export async function loadCounts(svc: Services, spaceId: string, feats: string[]): Promise<{ counts: Counts; temperature: number }> {
  return countsFrom(await svc.env.DB.batch(countsReads(svc.env.DB, spaceId, feats)));
}

/** Statements that add (weight 1) or remove (weight -1) one example's features for a category. */
export function exampleDelta(db: D1Database, spaceId: string, feats: string[], categoryId: string, weight: 1 | -1): D1PreparedStatement[] {
  const perToken = new Map<string, number>();
  for (const f of feats) perToken.set(f, (perToken.get(f) ?? 0) + weight);
  if (weight < 0) {
    // Taking back an example the model may never have learned (a category set by hand or by a rule, which do not
    // train it) changes only counts that exist, and none below zero: an insert of the negative counts left a
    // category at -1, so that its next example brought it to 0 and it could not be predicted at all.
    return [
      db.prepare(
        `UPDATE ml_token_counts SET count = MAX(0, count + d.n)
           FROM (SELECT json_extract(value, '$[0]') AS token, json_extract(value, '$[1]') AS n FROM json_each(?)) AS d
          WHERE ml_token_counts.space_id = ? AND ml_token_counts.category_id = ? AND ml_token_counts.token = d.token`,
      ).bind(JSON.stringify([...perToken]), spaceId, categoryId),
      db.prepare("UPDATE ml_category_stats SET docs = MAX(0, docs - 1), tokens = MAX(0, tokens - ?) WHERE space_id = ? AND category_id = ?")
        .bind(feats.length, spaceId, categoryId),
    ];
  }
  return [
    ...insertRows(db, "ml_token_counts", ["space_id", "token", "category_id", "count"],
      [...perToken].map(([t, n]) => [spaceId, t, categoryId, n]),
      "ON CONFLICT (space_id, token, category_id) DO UPDATE SET count = MAX(0, ml_token_counts.count + excluded.count)"),
    db.prepare(
      "INSERT INTO ml_category_stats (space_id, category_id, docs, tokens) VALUES (?, ?, ?, ?) ON CONFLICT (space_id, category_id) DO UPDATE SET docs = MAX(0, docs + excluded.docs), tokens = MAX(0, tokens + excluded.tokens)",
    ).bind(spaceId, categoryId, weight, weight * feats.length),
  ];
}

/** Replaces the space's whole model with `counts` in one batch. */
export function replaceModel(db: D1Database, spaceId: string, counts: Counts, temperature: number, samples: number, now: number): D1PreparedStatement[] {
  const tokenRows: (string | number)[][] = [];
  for (const [token, m] of counts.tokens) for (const [cat, n] of m) tokenRows.push([spaceId, token, cat, n]);
  return [
    db.prepare("DELETE FROM ml_token_counts WHERE space_id = ?").bind(spaceId),
    db.prepare("DELETE FROM ml_category_stats WHERE space_id = ?").bind(spaceId),
    ...insertRows(db, "ml_token_counts", ["space_id", "token", "category_id", "count"], tokenRows),
    ...insertRows(db, "ml_category_stats", ["space_id", "category_id", "docs", "tokens"],
      [...counts.catDocs].map(([cat, docs]) => [spaceId, cat, docs, counts.catTokens.get(cat) ?? 0])),
    db.prepare(
      "INSERT INTO ml_models (space_id, temperature, samples, trained_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (space_id) DO UPDATE SET temperature = excluded.temperature, samples = excluded.samples, trained_at = excluded.trained_at, updated_at = excluded.updated_at",
    ).bind(spaceId, temperature, samples, now, now),
  ];
}

/**
 * Statements that fold category `from`'s learned counts into `to`'s (a merge of two categories): the counts of
 * a naive Bayes model are sums over examples, so the sums are what it would have learned had `from`'s examples
 * been `to`'s all along. `from`'s rows stay for the caller to delete with the category.
 */
export function mergeCategoryCounts(db: D1Database, spaceId: string, from: string, to: string): D1PreparedStatement[] {
  return [
    db.prepare(
      `INSERT INTO ml_token_counts (space_id, token, category_id, count)
       SELECT space_id, token, ?, count FROM ml_token_counts WHERE space_id = ? AND category_id = ?
       ON CONFLICT (space_id, token, category_id) DO UPDATE SET count = ml_token_counts.count + excluded.count`,
    ).bind(to, spaceId, from),
    db.prepare(
      `INSERT INTO ml_category_stats (space_id, category_id, docs, tokens)
       SELECT space_id, ?, docs, tokens FROM ml_category_stats WHERE space_id = ? AND category_id = ?
       ON CONFLICT (space_id, category_id) DO UPDATE SET docs = ml_category_stats.docs + excluded.docs, tokens = ml_category_stats.tokens + excluded.tokens`,
    ).bind(to, spaceId, from),
  ];
}

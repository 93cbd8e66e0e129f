/**
 * insertJsonRows: many rows bound as one JSON parameter per statement keep
 * their SQL types (INTEGER, REAL, TEXT, NULL) exactly as bound values would,
 * upserts still work, and statements split by row count and by size.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertJsonRows, insertRows } from "../../src/lib/sql";

describe("insertJsonRows", () => {
  it("inserts 1,200 rows in three statements with the same stored values and types as bound parameters", async () => {
    const db = env.DB;
    for (const t of ["sqlj_a", "sqlj_b"]) {
      await db.prepare(`CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, n INTEGER, r REAL, s TEXT, j TEXT, z TEXT)`).run();
    }
    const rows = Array.from({ length: 1200 }, (_, i) => [
      `r${i}`, i % 2 ? -(2 ** 52) + i : i, i / 7, i % 5 === 0 ? `cut emoji ${"💸".slice(0, 1)}` : i % 3 ? `text ${i} "quoted" \\ ünïcode 💸` : "", JSON.stringify({ postings: [{ amount: i }] }), null,
    ]);
    const json = insertJsonRows(db, "sqlj_a", ["id", "n", "r", "s", "j", "z"], rows);
    expect(json).toHaveLength(3);
    await db.batch(json);
    await db.batch(insertRows(db, "sqlj_b", ["id", "n", "r", "s", "j", "z"], rows).slice(0, 1000));
    const compare = await db
      .prepare(
        `SELECT COUNT(*) AS n FROM sqlj_a a JOIN sqlj_b b USING (id)
          WHERE a.n IS b.n AND typeof(a.n) = typeof(b.n) AND a.r IS b.r AND typeof(a.r) = typeof(b.r) AND a.s IS b.s AND a.j IS b.j AND a.z IS b.z`,
      )
      .first<{ n: number }>();
    const inB = await db.prepare("SELECT COUNT(*) AS n FROM sqlj_b").first<{ n: number }>();
    expect(compare!.n).toBe(inB!.n);
    expect((await db.prepare("SELECT COUNT(*) AS n FROM sqlj_a").first<{ n: number }>())!.n).toBe(1200);

    // An upsert suffix works with the SELECT form.
    await db.batch(insertJsonRows(db, "sqlj_a", ["id", "n"], [["r1", 5], ["new", 7]], "ON CONFLICT (id) DO UPDATE SET n = sqlj_a.n + excluded.n"));
    expect(await db.prepare("SELECT n FROM sqlj_a WHERE id = 'r1'").first()).toEqual({ n: -(2 ** 52) + 1 + 5 });
    expect(await db.prepare("SELECT n FROM sqlj_a WHERE id = 'new'").first()).toEqual({ n: 7 });

    // Large rows split by size, not only by count.
    const big = Array.from({ length: 20 }, (_, i) => [`big${i}`, "x".repeat(100_000)]);
    expect(insertJsonRows(db, "sqlj_a", ["id", "s"], big).length).toBeGreaterThan(1);
  });
});

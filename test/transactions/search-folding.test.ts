/**
 * Search folds accents, case beyond ASCII, compatibility forms and "ß" (lib/search-text.ts), on rows written by
 * the API, on edited rows, and on rows from before migration 0030 once the hourly backfill has folded them.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleScheduled } from "../../src/jobs/scheduled";
import { systemClock } from "../../src/lib/clock";
import { createDb } from "../../src/db/client";
import { foldStatements, foldUnfoldedTransactions, UNFOLDED_SQL } from "../../src/modules/transactions/search-backfill";
import { createSpace, registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";

async function world() {
  const u = await registerUser();
  const space = await createSpace(u);
  const acc = await createAccount(u, space.id, { openingBalance: 1000 });
  const api = userApi(u);
  const searched = async (term: string) => {
    const r = await api.get(`/v1/transactions?spaceId=${space.id}&search=${encodeURIComponent(term)}&limit=100`);
    expect(r.status, term).toBe(200);
    return r.body as { transactions: { description: string }[]; pagination: { total: number } };
  };
  const found = async (term: string) => {
    const page = await searched(term);
    expect(page.pagination.total, term).toBe(page.transactions.length);
    return page.transactions.map((t) => t.description).sort();
  };
  const counted = async (term: string) => (await searched(term)).pagination.total;
  return { u, api, spaceId: space.id, acc, found, counted };
}

/** Rows as they stood before migration 0030: no folded copies. */
async function insertOldRows(spaceId: string, accountId: string, rows: { id: string; description: string; merchant: string | null }[]) {
  await env.DB.prepare(
    `INSERT INTO transactions (id, space_id, account_id, ledger_seq, amount, currency, description, merchant_name, date, type, status, tags, created_at, updated_at)
     SELECT j.value ->> '$[0]', ?1, ?2, 0, -100, 'USD', j.value ->> '$[1]', j.value ->> '$[2]', 1767225600000, 'expense', 'posted', '[]', 0, 0 FROM json_each(?3) j`,
  ).bind(spaceId, accountId, JSON.stringify(rows.map((r) => [r.id, r.description, r.merchant]))).run();
}

describe("transaction search", () => {
  it("finds a text whatever its accents, case, width or ß", async () => {
    const { api, spaceId, acc, found } = await world();
    const write = (description: string, merchantName?: string) =>
      api.post("/v1/transactions", { spaceId, accountId: acc.id, amount: -1, description, merchantName, date: "2026-01-05" });
    for (const [d, m] of [["Pan dulce", "Panadería NÚÑEZ"], ["Straße Bäckerei", undefined], ["ＣＯＦＦＥＥ ｓｈｏｐ", "Café Olé"], ["ΟΔΟΣ", undefined], ["Rent", "50% off_store"]] as const) {
      expect((await write(d, m)).status).toBe(201);
    }
    expect(await found("nunez")).toEqual(["Pan dulce"]);
    expect(await found("NÚÑEZ")).toEqual(["Pan dulce"]);
    expect(await found("panaderia")).toEqual(["Pan dulce"]);
    expect(await found("STRASSE")).toEqual(["Straße Bäckerei"]);
    expect(await found("straße")).toEqual(["Straße Bäckerei"]);
    expect(await found("bäckerei")).toEqual(["Straße Bäckerei"]);
    expect(await found("coffee shop")).toEqual(["ＣＯＦＦＥＥ ｓｈｏｐ"]);
    expect(await found("CAFE OLE")).toEqual(["ＣＯＦＦＥＥ ｓｈｏｐ"]);
    expect(await found("οδοσ")).toEqual(["ΟΔΟΣ"]);
    // LIKE's own characters are still letters to look for.
    expect(await found("50%")).toEqual(["Rent"]);
    expect(await found("f_s")).toEqual(["Rent"]);
    expect(await found("%")).toEqual(["Rent"]);
    // A term that folds to nothing (a lone accent) matches no row, not every row.
    expect(await found("\u0301")).toEqual([]);
  });

  it("finds a text whatever invisible format characters it or the term holds", async () => {
    const { api, spaceId, acc, found } = await world();
    const write = (description: string, merchantName?: string) =>
      api.post("/v1/transactions", { spaceId, accountId: acc.id, amount: -1, description, merchantName, date: "2026-01-05" });
    // A zero-width space inside a word (banks' exports carry them), a soft hyphen, a word joiner, a BOM.
    expect((await write("Ca\u200Bfé Luna", "Pa\u00ADnadería")).status).toBe(201);
    expect((await write("Renta\u2060 men\uFEFFsual")).status).toBe(201);
    expect(await found("cafe luna")).toEqual(["Ca\u200Bfé Luna"]);
    expect(await found("panaderia")).toEqual(["Ca\u200Bfé Luna"]);
    expect(await found("renta mensual")).toEqual(["Renta\u2060 men\uFEFFsual"]);
    // And in the term: pasted with a zero-width joiner, it finds the plain text.
    expect(await found("lu\u200Dna")).toEqual(["Ca\u200Bfé Luna"]);
    // A term of nothing but format characters matches no row, not every row.
    expect(await found("\u200B")).toEqual([]);
  });

  it("folds again the copies stored with format characters before they were folded away (migration 0045)", async () => {
    const { spaceId, acc, found } = await world();
    await insertOldRows(spaceId, acc.id, [
      { id: "txn_cf_zwsp", description: "Ca\u200Bfé Luna", merchant: "Pa\u00ADnadería" },
      { id: "txn_cf_tag", description: "Flag \u{1F3F4}\u{E0067}\u{E0062}\u{E007F} club", merchant: null },
      { id: "txn_cf_none", description: "Café Sol", merchant: "Panadería" },
    ]);
    // As the fold before wrote them: accents and case folded, the format characters kept.
    const oldFold = (s: string) => s.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
    for (const [id, d, m] of [["txn_cf_zwsp", "Ca\u200Bfé Luna", "Pa\u00ADnadería"], ["txn_cf_tag", "Flag \u{1F3F4}\u{E0067}\u{E0062}\u{E007F} club", null], ["txn_cf_none", "Café Sol", "Panadería"]] as const) {
      await env.DB.prepare("UPDATE transactions SET description_folded = ?, merchant_folded = ? WHERE id = ?").bind(oldFold(d), m && oldFold(m), id).run();
    }
    expect(await found("cafe luna")).toEqual([]);
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0045_"))!;
    for (const q of migration.queries) await env.DB.prepare(q).run();
    const copies = await env.DB.prepare("SELECT id, description_folded AS d, merchant_folded AS m FROM transactions WHERE space_id = ? AND id LIKE 'txn_cf_%' ORDER BY id").bind(spaceId).all<{ id: string; d: string | null; m: string | null }>();
    // Only the copies holding one are cleared; the others are left as they are.
    expect(copies.results).toEqual([
      { id: "txn_cf_none", d: "cafe sol", m: "panaderia" },
      { id: "txn_cf_tag", d: null, m: null },
      { id: "txn_cf_zwsp", d: null, m: null },
    ]);
    await foldUnfoldedTransactions({ env, db: createDb(env.DB), clock: systemClock });
    expect(await found("cafe luna")).toEqual(["Ca\u200Bfé Luna"]);
    expect(await found("panaderia")).toEqual(["Café Sol", "Ca\u200Bfé Luna"]);
    expect(await found("club")).toEqual(["Flag \u{1F3F4}\u{E0067}\u{E0062}\u{E007F} club"]);
  });

  it("follows an edit of the description or the merchant", async () => {
    const { api, spaceId, acc, found } = await world();
    const tx = await api.post("/v1/transactions", { spaceId, accountId: acc.id, amount: -3, description: "Straße", merchantName: "Óptica", date: "2026-01-05" });
    expect(tx.status).toBe(201);
    expect((await api.patch(`/v1/transactions/${tx.body.id}`, { description: "Panadería López" })).status).toBe(200);
    expect(await found("lopez")).toEqual(["Panadería López"]);
    expect(await found("strasse")).toEqual([]);
    expect(await found("optica")).toEqual(["Panadería López"]);
    expect((await api.patch(`/v1/transactions/${tx.body.id}`, { merchantName: null })).status).toBe(200);
    expect(await found("optica")).toEqual([]);
    expect((await api.patch(`/v1/transactions/${tx.body.id}`, { merchantName: "ÁGUILA" })).status).toBe(200);
    expect(await found("aguila")).toEqual(["Panadería López"]);
  });

  it("finds rows from before the folded copies by their own texts, and folded once the hourly backfill has run", async () => {
    const { spaceId, acc, found, counted } = await world();
    // More rows than D1 binds parameters: the backfill's reads and writes are one JSON parameter each.
    const old = Array.from({ length: 150 }, (_, i) => ({ id: `txn_old_${String(i).padStart(3, "0")}`, description: `Cuota ${i}`, merchant: i === 7 ? "Farmacia NÚÑEZ" : null }));
    await insertOldRows(spaceId, acc.id, old);
    // Unfolded: found by the texts as written, ASCII case folded as before, nothing missing.
    expect(await found("NÚÑEZ")).toEqual(["Cuota 7"]);
    expect(await found("farmacia")).toEqual(["Cuota 7"]);
    expect(await found("nunez")).toEqual([]);
    expect(await counted("cuota")).toBe(150);
    const svc = { env, db: createDb(env.DB), clock: systemClock };
    // A run folds a bounded number; the hourly cron folds the rest.
    expect(await foldUnfoldedTransactions(svc, 60)).toBeGreaterThanOrEqual(60);
    await handleScheduled(createScheduledController({ cron: "0 * * * *", scheduledTime: Date.now() }), env);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE description_folded IS NULL AND space_id = ?").bind(spaceId).first<{ n: number }>();
    expect(left!.n).toBe(0);
    expect(await found("nunez")).toEqual(["Cuota 7"]);
    expect(await found("CUOTA 149")).toEqual(["Cuota 149"]);
    expect(await counted("cuota")).toBe(150);
  });

  it("finds an old row by its merchant after an edit folded only its description, and the backfill folds the merchant too", async () => {
    const { api, spaceId, acc, found } = await world();
    await insertOldRows(spaceId, acc.id, [{ id: "txn_old_edited", description: "Pan", merchant: "Farmacia NÚÑEZ" }]);
    const stale = { id: "txn_old_edited", description: "Pan", merchant_name: "Farmacia NÚÑEZ" };
    expect((await api.patch("/v1/transactions/txn_old_edited", { description: "Pan dulce" })).status).toBe(200);
    // Its merchant has no copy yet: compared as written (it was lost: the row had a folded description).
    expect(await found("farmacia")).toEqual(["Pan dulce"]);
    expect(await found("nunez")).toEqual([]);
    // A backfill that read the row before the edit writes nothing; one after it folds the merchant.
    expect((await foldStatements(env.DB, [stale])[0]!.run()).meta.changes).toBe(0);
    expect(await foldUnfoldedTransactions({ env, db: createDb(env.DB), clock: systemClock })).toBeGreaterThanOrEqual(1);
    expect(await found("nunez")).toEqual(["Pan dulce"]);
    expect(await found("pan dulce")).toEqual(["Pan dulce"]);
  });

  it("folds a chunk of long texts in writes D1 can take (one value is at most 2 MB)", { timeout: 120_000 }, async () => {
    const { spaceId, acc, counted } = await world();
    // 1,000 rows of the longest texts the API takes, in CJK (three UTF-8 bytes a character): 4 MB as one value.
    const long = (i: number) => `${"漢字".repeat(245)}${String(i).padStart(4, "0")}`;
    await insertOldRows(spaceId, acc.id, Array.from({ length: 1_000 }, (_, i) => ({ id: `txn_long_${String(i).padStart(4, "0")}`, description: long(i), merchant: "店".repeat(200) })));
    expect(await foldUnfoldedTransactions({ env, db: createDb(env.DB), clock: systemClock })).toBeGreaterThanOrEqual(1_000);
    const left = await env.DB.prepare(`SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND ${UNFOLDED_SQL}`).bind(spaceId).first<{ n: number }>();
    expect(left!.n).toBe(0);
    expect(await counted("店店")).toBe(1_000);
  });

  it("never writes a fold of texts that an edit has changed since the backfill read them", async () => {
    const { spaceId, acc, found } = await world();
    await insertOldRows(spaceId, acc.id, [{ id: "txn_old_raced", description: "Señal vieja", merchant: "Tienda" }]);
    const stale = { id: "txn_old_raced", description: "Señal vieja", merchant_name: "Tienda" };
    // An edit lands between the backfill's read and its write.
    await env.DB.prepare("UPDATE transactions SET merchant_name = 'Almacén' WHERE id = 'txn_old_raced'").run();
    expect((await foldStatements(env.DB, [stale])[0]!.run()).meta.changes).toBe(0);
    expect(await found("almacen")).toEqual([]); // not folded yet: by its own texts only
    expect(await found("Almacén")).toEqual(["Señal vieja"]);
    // The next run reads the texts as they are now and folds them.
    expect((await foldStatements(env.DB, [{ ...stale, merchant_name: "Almacén" }])[0]!.run()).meta.changes).toBe(1);
    expect(await found("almacen")).toEqual(["Señal vieja"]);
    expect(await found("senal")).toEqual(["Señal vieja"]);
    expect(await found("tienda")).toEqual([]);
  });
});

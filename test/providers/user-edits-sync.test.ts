/**
 * A person's own edits meeting later provider syncs: synced rows recategorized (one by one and in bulk), annotated and
 * voided, then the bank posts, modifies, removes or sends them again, and a forced re-sync. The person's work stands
 * (categories, notes, descriptions, voids), the sync's counts say what it did, and the invariants hold.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, differencesFromPlaid, directServices, jobStats, ledgerBalances, linkPlaid, liveRows, ownerWithSpace, plaidAccessToken, plaidControl, syncNow, waitForJob } from "./helpers";

async function linked() {
  const { owner, spaceId } = await ownerWithSpace();
  const l = await linkPlaid(owner, spaceId);
  expect((await waitForJob(l.jobId)).status).toBe("completed");
  return { owner, spaceId, connectionId: l.connection.id as string, accountIds: l.connection.accountIds as string[], accessToken: await plaidAccessToken(l.connection.id) };
}

const rowOf = (id: string) =>
  env.DB.prepare("SELECT status, amount, category_id, category_source, notes, description, provider_transaction_id AS pid FROM transactions WHERE id = ?").bind(id).first<any>();

describe("a person's edits meet later syncs", () => {
  it("a pending row the person voided stays voided when the bank posts it under a new id naming it", { timeout: 120_000 }, async () => {
    const s = await linked();
    const pending = (await liveRows(s.spaceId)).filter((r) => r.status === "pending");
    expect(pending.length).toBeGreaterThan(0);
    const voided = pending[0]!;
    expect((await callJson(`/v1/transactions/${voided.id}`, { ...as(s.owner), method: "DELETE" })).status).toBe(200);

    // The bank posts every pending row under a new id that names it (the simulator's next generation).
    await plaidControl("transactions/advance", { access_token: s.accessToken, generations: 1 });
    const job = await syncNow(s.connectionId);
    expect((await jobStats(job)).status).toBe("completed");

    // The person's row now stands for the posting, still voided; no live copy of it was posted.
    const after = await rowOf(voided.id);
    expect(after.status).toBe("cancelled");
    expect(after.pid).not.toBe(voided.pid);
    const copies = (await liveRows(s.spaceId)).filter((r) => r.pid === after.pid || r.pid?.startsWith(`${after.pid}#`));
    expect(copies).toEqual([]);
    // The only difference from the bank is that transaction, voided by the person; the balances are the bank's.
    expect(await differencesFromPlaid(s.spaceId, s.connectionId, s.accessToken)).toEqual([[`transaction ${after.pid}`, undefined, expect.objectContaining({ status: "posted" })]]);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);

    // The same listing again (a forced re-sync from the start) neither revives it nor changes anything.
    const before = await liveRows(s.spaceId);
    await env.DB.prepare("UPDATE provider_connections SET sync_cursor = NULL WHERE id = ?").bind(s.connectionId).run();
    const again = await syncNow(s.connectionId);
    expect((await jobStats(again)).stats).toMatchObject({ created: 0, removed: 0, corrections: 0, adjustments: 0, errors: 0 });
    expect(await liveRows(s.spaceId)).toEqual(before);
    expect((await rowOf(voided.id)).status).toBe("cancelled");
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });
});

describe("a synced transaction's category is one, its corrections' too", () => {
  it("recategorizing a row with a tip's correcting entry moves the correction with it (PATCH and bulk), not a correction set by hand", { timeout: 120_000 }, async () => {
    const s = await linked();
    // Generations until the bank has posted two tips or changed amounts (each a correcting entry).
    let rows = await liveRows(s.spaceId);
    for (let i = 0; i < 6 && rows.filter((r) => r.pid?.includes("#c")).length < 2; i++) {
      await plaidControl("transactions/advance", { access_token: s.accessToken, generations: 1 });
      await syncNow(s.connectionId);
      rows = await liveRows(s.spaceId);
    }
    const corrections = rows.filter((r) => r.pid?.includes("#c"));
    expect(corrections.length).toBeGreaterThan(1);
    const primaryOf = (c: (typeof rows)[number]) => rows.find((r) => r.pid === c.pid!.split("#")[0] && r.account_id === c.account_id)!;
    const cat = await callJson("/v1/categories", { ...as(s.owner), body: { spaceId: s.spaceId, name: "Dining", type: "expense" } });
    const other = await callJson("/v1/categories", { ...as(s.owner), body: { spaceId: s.spaceId, name: "Odds and ends", type: "expense" } });

    // One by one: the correction follows its transaction.
    const first = corrections[0]!;
    expect((await callJson(`/v1/transactions/${primaryOf(first).id}`, { ...as(s.owner), method: "PATCH", body: { categoryId: cat.body.id } })).status).toBe(200);
    expect(await rowOf(first.id)).toMatchObject({ category_id: cat.body.id, category_source: "manual" });

    // A correction the person filed elsewhere by hand keeps their choice when the transaction moves again.
    const third = await callJson("/v1/categories", { ...as(s.owner), body: { spaceId: s.spaceId, name: "Third pile", type: "expense" } });
    expect((await callJson(`/v1/transactions/${first.id}`, { ...as(s.owner), method: "PATCH", body: { categoryId: other.body.id } })).status).toBe(200);
    expect((await callJson(`/v1/transactions/${primaryOf(first).id}`, { ...as(s.owner), method: "PATCH", body: { categoryId: third.body.id } })).status).toBe(200);
    expect((await rowOf(first.id)).category_id).toBe(other.body.id);
    // In bulk: every transaction's corrections follow it.
    const rest = corrections.slice(1);
    const primaries = [...new Set(rest.map((c) => primaryOf(c).id))];
    const bulk = await callJson("/v1/transactions/bulk-categorize", { ...as(s.owner), body: { spaceId: s.spaceId, transactionIds: primaries, categoryId: third.body.id } });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ updated: primaries.length, notFound: 0 });
    for (const c of rest) expect(await rowOf(c.id)).toMatchObject({ category_id: third.body.id, category_source: "manual" });
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });
});

describe("edits and a sync at once", () => {
  it("recategorizing, annotating and voiding rows while a sync posts, corrects and removes them: every edit stands, invariants hold", { timeout: 180_000 }, async () => {
    const s = await linked();
    const rows = (await liveRows(s.spaceId)).filter((r) => r.pid && !r.pid.includes("#") && !r.pid.startsWith("balance"));
    const cat = await callJson("/v1/categories", { ...as(s.owner), body: { spaceId: s.spaceId, name: "Mine at once", type: "expense" } });
    await plaidControl("transactions/advance", { access_token: s.accessToken, generations: 3 });
    const edited = rows.filter((_, i) => i % 3 === 0);
    const voided = rows.filter((_, i) => i % 7 === 1);
    const [job, ...answers] = await Promise.all([
      syncNow(s.connectionId),
      ...edited.map((r) => callJson(`/v1/transactions/${r.id}`, { ...as(s.owner), method: "PATCH", body: { categoryId: cat.body.id, notes: "kept" } })),
      ...voided.map((r) => callJson(`/v1/transactions/${r.id}`, { ...as(s.owner), method: "DELETE" })),
    ]);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body)).toEqual([]);
    expect((await jobStats(job)).stats).toMatchObject({ errors: 0 });
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
    for (const r of edited) {
      const now = await rowOf(r.id);
      expect(now).toMatchObject({ category_id: cat.body.id, category_source: "manual", notes: "kept" });
    }
    for (const r of voided) expect((await rowOf(r.id)).status).toBe("cancelled");
    const diff = await differencesFromPlaid(s.spaceId, s.connectionId, s.accessToken);
    // Nothing but the person's voids differs from the bank (what they voided is not in the ledger); the balances are the bank's.
    expect(diff.length).toBeGreaterThan(0);
    for (const [what, ours] of diff) expect([(what as string).startsWith("transaction "), ours]).toEqual([true, undefined]);
    const again = await syncNow(s.connectionId);
    expect((await jobStats(again)).stats).toMatchObject({ created: 0, updated: 0, removed: 0, corrections: 0, adjustments: 0, errors: 0 });
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });
});

describe("the categorizer learns from the person's correction of synced rows", () => {
  it("a correction files the merchant's other synced rows, the next sync files its new ones alike, and nothing is filed back", { timeout: 120_000 }, async () => {
    const s = await linked();
    const all = await env.DB.prepare(
      "SELECT id, normalized_merchant AS m FROM transactions WHERE space_id = ? AND status != 'cancelled' AND provider_transaction_id IS NOT NULL AND amount < 0 AND normalized_merchant IS NOT NULL",
    ).bind(s.spaceId).all<{ id: string; m: string }>();
    const counts = new Map<string, number>();
    for (const r of all.results) counts.set(r.m, (counts.get(r.m) ?? 0) + 1);
    const merchant = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const ofMerchant = all.results.filter((r) => r.m === merchant);
    const cat = await callJson("/v1/categories", { ...as(s.owner), body: { spaceId: s.spaceId, name: "Learned pile", type: "expense" } });
    const fix = await callJson("/v1/ml/corrections", { ...as(s.owner), body: { transactionId: ofMerchant[0]!.id, correctedCategoryId: cat.body.id, applyToSimilar: true } });
    expect(fix.status).toBe(201);
    for (const r of ofMerchant) expect(await rowOf(r.id)).toMatchObject({ category_id: cat.body.id, category_source: "manual" });

    await plaidControl("transactions/advance", { access_token: s.accessToken, generations: 4 });
    const job = await syncNow(s.connectionId);
    expect((await jobStats(job)).stats).toMatchObject({ errors: 0 });
    // The person's rows keep their category; the bank's new rows of the merchant take it from the model.
    for (const r of ofMerchant) {
      const now = await rowOf(r.id);
      if (now.status !== "cancelled") expect(now).toMatchObject({ category_id: cat.body.id, category_source: "manual" });
    }
    const fresh = (await env.DB.prepare("SELECT category_id, category_source FROM transactions WHERE space_id = ? AND normalized_merchant = ? AND status != 'cancelled' AND id NOT IN (SELECT value FROM json_each(?))")
      .bind(s.spaceId, merchant, JSON.stringify(ofMerchant.map((r) => r.id))).all<any>()).results;
    expect(fresh.length).toBeGreaterThan(0);
    for (const r of fresh) expect(r.category_id).toBe(cat.body.id);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });
});

describe("a void landing while the sync posts the row", () => {
  it("a pending row voided between the sync's read and its posting stays voided (not posted again in the rows while the ledger has it reversed)", { timeout: 120_000 }, async () => {
    const s = await linked();
    const pending = (await liveRows(s.spaceId)).filter((r) => r.status === "pending");
    const target = pending[0]!;
    await plaidControl("transactions/advance", { access_token: s.accessToken, generations: 1 });
    // The person's void lands just before the sync makes the pending row the posted one.
    let voided: number | null = null;
    let supersedes = false;
    const real = env.DB;
    const DB = new Proxy(real, {
      get(t, prop) {
        if (prop === "batch") {
          return async (stmts: D1PreparedStatement[]) => {
            if (voided === null && supersedes) voided = (await callJson(`/v1/transactions/${target.id}`, { ...as(s.owner), method: "DELETE" })).status;
            return t.batch(stmts);
          };
        }
        if (prop === "prepare") {
          return (sql: string) => {
            if (sql.startsWith("UPDATE transactions SET provider_transaction_id = ?, status = CASE")) supersedes = true;
            return t.prepare(sql);
          };
        }
        const v = Reflect.get(t, prop);
        return typeof v === "function" ? v.bind(t) : v;
      },
    });
    const { svc } = directServices();
    const job = await syncNow(s.connectionId, { ...svc, env: { ...svc.env, DB } });
    expect(voided).toBe(200);
    expect((await jobStats(job)).stats).toMatchObject({ errors: 0 });
    expect((await rowOf(target.id)).status).toBe("cancelled");
    // Every account's live rows sum to its ledger balance.
    const sums = (await env.DB.prepare("SELECT account_id, SUM(amount) AS s FROM transactions WHERE space_id = ? AND status != 'cancelled' GROUP BY account_id").bind(s.spaceId).all<{ account_id: string; s: number }>()).results;
    const balances = await ledgerBalances(s.spaceId);
    for (const r of sums) expect([r.account_id, r.s]).toEqual([r.account_id, balances.get(r.account_id)]);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
    // The next sync leaves it voided.
    await syncNow(s.connectionId);
    expect((await rowOf(target.id)).status).toBe("cancelled");
  });
});

describe("a voided transaction with a correcting entry", () => {
  it("the bank sending it again posts no new correction over the person's void (it would count the voided amount again)", { timeout: 120_000 }, async () => {
    const s = await linked();
    let rows = await liveRows(s.spaceId);
    for (let i = 0; i < 6 && !rows.some((r) => r.pid?.includes("#c")); i++) {
      await plaidControl("transactions/advance", { access_token: s.accessToken, generations: 1 });
      await syncNow(s.connectionId);
      rows = await liveRows(s.spaceId);
    }
    const correction = rows.find((r) => r.pid?.includes("#c"))!;
    const primary = rows.find((r) => r.pid === correction.pid!.split("#")[0] && r.account_id === correction.account_id)!;
    expect((await callJson(`/v1/transactions/${primary.id}`, { ...as(s.owner), method: "DELETE" })).status).toBe(200);
    const before = await liveRows(s.spaceId);
    // Everything again from the start: the bank lists the transaction, at its amount.
    await env.DB.prepare("UPDATE provider_connections SET sync_cursor = NULL WHERE id = ?").bind(s.connectionId).run();
    const job = await syncNow(s.connectionId);
    expect((await jobStats(job)).stats).toMatchObject({ created: 0, corrections: 0, errors: 0 });
    const after = await liveRows(s.spaceId);
    expect(after.filter((r) => r.pid?.startsWith(`${primary.pid}#`))).toEqual(before.filter((r) => r.pid?.startsWith(`${primary.pid}#`)));
    expect((await rowOf(primary.id)).status).toBe("cancelled");
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });
});

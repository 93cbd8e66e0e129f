/**
 * Budgets in one D1 round trip (issue 10): the session, the role, the budgets, their categories and
 * every budget's spending in its own period, whatever the number of budgets. The figures are those of
 * the budget's own window, to the millisecond, in zones a day apart (Kiritimati +14, Pago Pago −11):
 * each budget has spending just outside and just inside both ends of its current period, in categories
 * other budgets share, and the expected amounts are worked out here from the transactions written.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { currentPeriod, type Period } from "../../src/modules/budgets/periods";
import { countingApp } from "../counting-app";
import { addMember, callJson, registerUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, inBatches, localDays, ok } from "../analytics/fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("Pacific/Kiritimati", "Pacific/Pago_Pago");

const CYCLE = ["Groceries", "Food & Dining", "Transportation", "Coffee", "Health", "Entertainment", "Shopping"];

interface Spec {
  period: Period;
  startDate: string;
  endDate?: string;
  categories: string[];
}

/** Twelve budgets: current, anchored on the 31st, quarterly, yearly, finished long ago, starting today, tomorrow, in the future, clamped by an end date. */
function specs(day: (n: number) => string): Spec[] {
  const nextYearAgo = `${Number(day(1).slice(0, 4)) - 1}${day(1).slice(4)}`.replace("-02-29", "-02-28");
  return [
    { period: "monthly", startDate: day(-70), categories: ["Food & Dining", "Transportation"] },
    { period: "monthly", startDate: "2024-01-31", categories: ["Groceries", "Health"] },
    { period: "quarterly", startDate: "2023-02-15", categories: ["Food & Dining"] },
    { period: "yearly", startDate: "2021-06-10", categories: ["Coffee", "Transportation", "Entertainment"] },
    { period: "monthly", startDate: "2019-01-01", endDate: "2019-03-31", categories: ["Food & Dining", "Groceries"] },
    { period: "yearly", startDate: "2015-01-01", endDate: "2015-12-31", categories: ["Food & Dining"] },
    { period: "monthly", startDate: day(0), categories: ["Groceries"] },
    { period: "monthly", startDate: day(10), categories: ["Food & Dining"] },
    { period: "quarterly", startDate: day(-40), endDate: day(5), categories: ["Transportation", "Food & Dining"] },
    { period: "monthly", startDate: day(-1), categories: ["Health", "Coffee"] },
    { period: "yearly", startDate: nextYearAgo, categories: ["Food & Dining", "Health"] },
    { period: "monthly", startDate: day(-30), categories: ["Groceries", "Transportation"] },
  ];
}

interface Tx {
  category: string;
  at: number;
  minor: number;
}

const cents = (minor: number) => `${minor < 0 ? "-" : ""}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, "0")}`;

/** A budget's spending the way the ledger defines it: its categories and their children, in its window. */
function expected(spec: Spec, window: { startMs: number; endMsExclusive: number }, txs: Tx[], parentOf: Map<string, string | undefined>) {
  const by = new Map(spec.categories.map((c) => [c, 0]));
  for (const t of txs) {
    if (t.at < window.startMs || t.at >= window.endMsExclusive) continue;
    const key = by.has(t.category) ? t.category : parentOf.get(t.category);
    if (key === undefined || !by.has(key)) continue;
    by.set(key, by.get(key)! - t.minor);
  }
  return { spent: [...by.values()].reduce((a, b) => a + b, 0), by };
}

async function world(tz: string) {
  const [owner, viewer, stranger] = await Promise.all([registerUser(), registerUser(), registerUser()]);
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Budgets", type: "personal", currency: "USD", timezone: tz }))).id as string;
  await addMember(owner, spaceId, viewer, "viewer");
  const acc = await createAccount(owner, spaceId, { openingBalance: "100000.00" });
  const euros = await createAccount(owner, spaceId, { name: "Euros", currency: "EUR", openingBalance: "1000.00" });
  const cats = (await ok(a.get(`/v1/categories?spaceId=${spaceId}`))) as { id: string; name: string; parentId: string | null }[];
  const idOf = (name: string) => cats.find((c) => c.name === name)!.id;
  const parentOf = new Map(cats.map((c) => [c.name, cats.find((p) => p.id === c.parentId)?.name]));
  const { day } = localDays(tz);
  const list = specs(day);
  const budgets: string[] = [];
  for (const [i, s] of list.entries()) {
    const body = { spaceId, name: `B${i}`, amount: 200, period: s.period, startDate: s.startDate, endDate: s.endDate, categoryIds: s.categories.map(idOf) };
    budgets.push((await ok(a.post("/v1/budgets", body))).id);
  }
  const now = Date.now();
  const windows = list.map((s) => currentPeriod({ period: s.period, startDate: s.startDate, endDate: s.endDate ?? null }, now, tz));
  // Just outside and just inside both ends of every budget's window; budget 4 (March 2019) all in Groceries.
  const txs: Tx[] = windows.flatMap((w, i) =>
    [w.startMs - 1, w.startMs, w.endMsExclusive - 1, w.endMsExclusive].map((at, e) => ({
      category: i === 4 ? "Groceries" : CYCLE[(i + e) % CYCLE.length]!,
      at,
      minor: -(1000 * (i + 1) + [1, 2, 4, 8][e]!),
    })),
  );
  txs.push({ category: "Groceries", at: windows[0]!.startMs + 1000, minor: 555 }); // a refund
  await inBatches(txs, 6, (t) =>
    ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: cents(t.minor), description: "x", categoryId: idOf(t.category), date: new Date(t.at).toISOString() })),
  );
  // Neither a voided transaction nor one in another currency with no rate to convert it counts (foreign-currency.test.ts converts).
  const voided = await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-77.77", description: "v", categoryId: idOf("Groceries"), date: new Date(windows[0]!.startMs + 5000).toISOString() }));
  expect((await callJson(`/v1/transactions/${voided.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip })).status).toBe(200);
  await ok(a.post("/v1/transactions", { spaceId, accountId: euros.id, amount: "-12.34", description: "eur", categoryId: idOf("Groceries"), date: new Date(windows[0]!.startMs + 6000).toISOString() }));
  return { owner, viewer, stranger, spaceId, budgets, list, windows, txs, parentOf, idOf };
}

for (const tz of ["Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
  describe(`budgets in ${tz}, in one round trip`, () => {
    let w: Awaited<ReturnType<typeof world>>;
    beforeAll(async () => {
      w = await world(tz);
    });

    it("lists twelve budgets with each one's spending in its own window, in one round trip", async () => {
      const { get } = countingApp();
      const r = await get(w.owner, `/v1/budgets?spaceId=${w.spaceId}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.trips).toBe(1);
      expect(r.body.map((b: any) => b.id)).toEqual(w.budgets);
      w.list.forEach((spec, i) => {
        const b = r.body[i];
        const want = expected(spec, w.windows[i]!, w.txs, w.parentOf);
        expect(b.spentDecimal, `budget ${i}`).toBe(cents(want.spent));
        expect(b.remainingDecimal).toBe(cents(20000 - want.spent));
        expect(b.currentPeriod).toEqual({ startDate: w.windows[i]!.startDate, endDate: w.windows[i]!.endDate });
        expect(b.status).toBe(w.windows[i]!.finished ? "completed" : want.spent > 20000 ? "exceeded" : "active");
        // The stored links' order (by category id), not the request's.
        const byId = [...spec.categories].sort((x, y) => (w.idOf(x) < w.idOf(y) ? -1 : 1));
        expect(b.categories.map((c: any) => [c.name, c.spentDecimal])).toEqual(byId.map((c) => [c, cents(want.by.get(c)!)]));
      });
      // Every budget has spending of its own inside its window.
      expect(r.body.every((b: any) => b.spent !== 0)).toBe(true);
      // March 2019, in the space's days: 50.02 at its first instant and 50.04 at its last, not the ones a millisecond outside.
      expect(r.body[4]).toMatchObject({ spentDecimal: "100.06", status: "completed", currentPeriod: { startDate: "2019-03-01", endDate: "2019-03-31" } });
      expect(r.body[4].categories).toContainEqual({ id: w.idOf("Food & Dining"), name: "Food & Dining", allocated: null, allocatedDecimal: null, spent: 0, spentDecimal: "0.00" });
      expect(r.body[4].categories).toContainEqual({ id: w.idOf("Groceries"), name: "Groceries", allocated: null, allocatedDecimal: null, spent: 100.06, spentDecimal: "100.06" });
    });

    it("gets each budget in one round trip, with the list's figures", async () => {
      const { get } = countingApp();
      const list = (await get(w.owner, `/v1/budgets?spaceId=${w.spaceId}`)).body;
      for (const [i, id] of w.budgets.entries()) {
        const r = await get(w.owner, `/v1/budgets/${id}`);
        expect(r.status).toBe(200);
        expect(r.trips).toBe(1);
        expect(r.body).toEqual(list[i]);
      }
    });

    it("filters by period and status as before, in one round trip", async () => {
      const { get } = countingApp();
      const r = await get(w.viewer, `/v1/budgets?spaceId=${w.spaceId}&period=yearly&status=completed`);
      expect(r.trips).toBe(1);
      expect(r.body.map((b: any) => b.id)).toEqual([w.budgets[5]]);
    });

    it("answers a viewer with the owner's figures, and a stranger 404 reading nothing of the space", async () => {
      const { get } = countingApp();
      const owner = await get(w.owner, `/v1/budgets?spaceId=${w.spaceId}`);
      const viewer = await get(w.viewer, `/v1/budgets?spaceId=${w.spaceId}`);
      expect(viewer.status).toBe(200);
      expect(viewer.trips).toBe(1);
      expect(viewer.body).toEqual(owner.body);
      const refused = await get(w.stranger, `/v1/budgets?spaceId=${w.spaceId}`);
      expect(refused.status).toBe(404);
      expect(refused.body.error.code).toBe("RESOURCE_NOT_FOUND");
      expect(JSON.stringify(refused.body)).not.toContain(w.budgets[0]);
      expect(refused.trips).toBe(1);
      // The batch's own bookkeeping only: a stranger reads as many rows of this space as of an empty one.
      const empty = (await ok(api(w.viewer).post("/v1/spaces", { name: "Empty", type: "personal", currency: "USD", timezone: tz }))).id;
      const baseline = await get(w.stranger, `/v1/budgets?spaceId=${empty}`);
      expect(baseline.status).toBe(404);
      expect(refused.rowsRead).toBe(baseline.rowsRead);
      expect(refused.rowsRead).toBeLessThan(50);
      const one = await get(w.stranger, `/v1/budgets/${w.budgets[0]}`);
      expect(one.status).toBe(404);
      expect(one.body.error.message).toMatch(/Budget/);
      expect(one.body.name).toBeUndefined();
      expect(one.trips).toBe(1);
      // As many rows as for a budget with no categories in a space with no transactions.
      const bare = await ok(api(w.viewer).post("/v1/budgets", { spaceId: empty, name: "Bare", amount: 1, period: "monthly" }));
      const bareRead = await get(w.stranger, `/v1/budgets/${bare.id}`);
      expect(bareRead.status).toBe(404);
      expect(one.rowsRead).toBe(bareRead.rowsRead);
      expect(one.rowsRead).toBeLessThan(50);
      const missing = await get(w.owner, "/v1/budgets/bud_nope");
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toBe(one.body.error.message);
      expect(missing.trips).toBe(1);
    });
  });
}

describe("a budget over more than 100 categories", () => {
  it("reads its spending in one round trip", async () => {
    const u = await registerUser();
    const a = api(u);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Many", type: "personal", currency: "USD", timezone: "Pacific/Kiritimati" }))).id as string;
    const acc = await createAccount(u, spaceId, { openingBalance: "1000.00" });
    const ids = Array.from({ length: 120 }, (_, i) => `cat_many_${spaceId}_${String(i).padStart(3, "0")}`);
    await env.DB.batch(ids.map((id, i) =>
      env.DB.prepare("INSERT INTO categories (id, space_id, name, type, created_at, updated_at) VALUES (?, ?, ?, 'expense', ?, ?)").bind(id, spaceId, `C${i}`, Date.now(), Date.now()),
    ));
    const budget = await ok(a.post("/v1/budgets", { spaceId, name: "All", amount: 500, period: "monthly", categoryIds: [...ids].reverse() }));
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-3.21", description: "x", categoryId: ids[0], date: new Date().toISOString() }));
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-1.10", description: "x", categoryId: ids[119], date: new Date().toISOString() }));
    const { get } = countingApp();
    const r = await get(u, `/v1/budgets/${budget.id}`);
    expect(r.status).toBe(200);
    expect(r.trips).toBe(1);
    expect(r.body.spentDecimal).toBe("4.31");
    expect(r.body.categories).toHaveLength(120);
    expect(r.body.categories.find((c: any) => c.id === ids[119])).toMatchObject({ name: "C119", spentDecimal: "1.10" });
    const list = await get(u, `/v1/budgets?spaceId=${spaceId}`);
    expect(list.trips).toBe(1);
    expect(list.body).toEqual([r.body]);
  });
});

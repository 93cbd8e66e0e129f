/**
 * A demanding household's budgets across currencies and zones: a family in Mexico City (MXN space, a USD card and
 * a MXN checking account), one in São Paulo and one in New York. Foreign spending counts at its own local day's
 * rate (the space's own rate wins), to the cent; a purchase at 23:30 on the month's last day is that month's in the
 * space's zone, DST or not; bad input is a 4xx; alerts come once per period.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson, registerUser, type TestUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";

const THRESHOLD_EVENT = "budget.alert.threshold_exceeded";

/** `u` signed in again (at a later clock: an access token lasts minutes). */
async function signInAgain(u: TestUser) {
  const r = await callJson("/v1/auth/login", { ip: u.ip, body: { email: u.email, password: u.password } });
  expect(r.status).toBe(200);
  u.accessToken = r.body.tokens.accessToken;
}

afterEach(() => {
  vi.useRealTimers();
});

async function family(tz: string, currency: string, at: string) {
  vi.setSystemTime(Date.parse(at));
  const u = await registerUser();
  const a = userApi(u);
  const space = await a.post("/v1/spaces", { name: "Casa", type: "personal", currency, timezone: tz });
  expect(space.status).toBe(201);
  const spaceId = space.body.id as string;
  const local = await createAccount(u, spaceId, { name: "Local", currency, openingBalance: "100000.00" });
  const card = await createAccount(u, spaceId, { name: "Card", currency: currency === "USD" ? "MXN" : "USD", openingBalance: "100000.00" });
  const cats = (await a.get(`/v1/categories?spaceId=${spaceId}`)).body as { id: string; name: string }[];
  const cat = (name: string) => cats.find((c) => c.name === name)!.id;
  // The rates here are the ones the test writes.
  await env.DB.prepare("DELETE FROM exchange_rates").run();
  const tx = async (accountId: string, amount: string, category: string, date: string) => {
    const r = await a.post("/v1/transactions", { spaceId, accountId, amount, description: "x", categoryId: cat(category), date });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  const alerts = async () =>
    (await env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = ? ORDER BY created_at").bind(spaceId, THRESHOLD_EVENT).all<{ payload: string }>())
      .results.map((r) => JSON.parse(r.payload));
  return { u, a, spaceId, local, card, cat, tx, alerts };
}

describe("a Mexico City family's budget in pesos with a dollar card", () => {
  it("counts a card purchase at 23:30 on 31 January in January, at 31 January's own rate, to the cent", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-01-31T18:00:00Z");
    expect((await w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [
      { base: "USD", quote: "MXN", date: "2026-01-30", rate: "17.5" },
      { base: "USD", quote: "MXN", date: "2026-01-31", rate: "17.2345" },
      { base: "USD", quote: "MXN", date: "2026-02-01", rate: "20" },
    ] })).status).toBe(200);
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Comida", amount: "1000.00", period: "monthly", startDate: "2026-01-01", categoryIds: [w.cat("Food & Dining")] });
    expect(b.status).toBe(201);
    // 23:30 local on the 31st is 05:30 UTC on 1 February.
    await w.tx(w.card.id, "-10.01", "Food & Dining", "2026-01-31T23:30:00-06:00");
    await w.tx(w.local.id, "-100.00", "Food & Dining", "2026-01-01T00:00:00-06:00");
    // Not January's: the zone's 1 February, and the zone's 31 December.
    await w.tx(w.card.id, "-1.00", "Food & Dining", "2026-02-01T00:00:00-06:00");
    await w.tx(w.local.id, "-1.00", "Food & Dining", "2025-12-31T23:59:59-06:00");
    const got = (await w.a.get(`/v1/budgets/${b.body.id}`)).body;
    // 10.01 × 17.2345 = 172.517345 → 172.52; + 100.00.
    expect(got).toMatchObject({ spentDecimal: "272.52", remainingDecimal: "727.48", currentPeriod: { startDate: "2026-01-01", endDate: "2026-01-31" } });
    expect(got.conversion).toMatchObject({ complete: true });
    const listed = (await w.a.get(`/v1/budgets?spaceId=${w.spaceId}`)).body;
    expect(listed[0]).toMatchObject({ spentDecimal: "272.52", remainingDecimal: "727.48" });
  });

  it("reports spending with no rate, counts none of it, and answers 200", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-03-10T18:00:00Z");
    const brl = await createAccount(w.u, w.spaceId, { name: "Reais", currency: "BRL", openingBalance: "1000.00" });
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Viaje", amount: "500.00", period: "monthly", categoryIds: [w.cat("Travel")] });
    expect(b.status).toBe(201);
    await w.tx(brl.id, "-20.00", "Travel", "2026-03-09T12:00:00-06:00");
    const got = await w.a.get(`/v1/budgets/${b.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ spentDecimal: "0.00", conversion: { complete: false, unconverted: [{ currency: "BRL", amountDecimal: "20.00", dates: ["2026-03-09"] }] } });
    expect((await w.a.get(`/v1/budgets?spaceId=${w.spaceId}`)).status).toBe(200);
  });

  it("alerts once per period at the threshold, not after a void and a rewrite or an edit, and again next period", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-01-20T18:00:00Z");
    await w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: "2026-01-20", rate: "20" }, { base: "USD", quote: "MXN", date: "2026-02-10", rate: "20" }] });
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Súper", amount: "1000.00", period: "monthly", startDate: "2026-01-01", categoryIds: [w.cat("Groceries")], alertThreshold: 80 });
    // 39.99 USD × 20 = 799.80: under 80%.
    await w.tx(w.card.id, "-39.99", "Groceries", "2026-01-20T10:00:00-06:00");
    expect(await w.alerts()).toEqual([]);
    // 0.01 USD more: exactly 800.00, the threshold.
    const crossing = await w.tx(w.card.id, "-0.01", "Groceries", "2026-01-20T10:01:00-06:00");
    const first = await w.alerts();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ currentSpentDecimal: "800.00", budgetAmountDecimal: "1000.00", currency: "MXN", threshold: 80, percentageSpent: 80, periodStart: "2026-01-01" });
    // Void and write it again: no second alert.
    expect((await w.a.del(`/v1/transactions/${crossing}`)).status).toBeLessThan(300);
    expect((await w.a.get(`/v1/budgets/${b.body.id}`)).body.spentDecimal).toBe("799.80");
    await w.tx(w.card.id, "-0.01", "Groceries", "2026-01-20T10:02:00-06:00");
    // A rename, a lowered amount (the bar down): none either.
    expect((await w.a.patch(`/v1/budgets/${b.body.id}`, { name: "Súper 2", amount: "900.00" })).status).toBe(200);
    expect(await w.alerts()).toHaveLength(1);
    // Raised so 800.00 is under the threshold: un-crossed, no alert.
    const raised = await w.a.patch(`/v1/budgets/${b.body.id}`, { amount: "2000.00" });
    expect(raised.body).toMatchObject({ spentDecimal: "800.00", remainingDecimal: "1200.00", status: "active" });
    expect(await w.alerts()).toHaveLength(1);
    // A refund (income in the category) lowers spent.
    await w.tx(w.local.id, "50.00", "Groceries", "2026-01-20T11:00:00-06:00");
    expect((await w.a.get(`/v1/budgets/${b.body.id}`)).body.spentDecimal).toBe("750.00");
    // A transfer counts nothing.
    expect((await w.a.post("/v1/transactions/transfer", { spaceId: w.spaceId, fromAccountId: w.local.id, toAccountId: w.card.id, amount: "500.00", toAmount: "25.00", date: "2026-01-20T12:00:00-06:00", description: "pago" })).status).toBeLessThan(300);
    expect((await w.a.get(`/v1/budgets/${b.body.id}`)).body.spentDecimal).toBe("750.00");
    // Next month: alerts again.
    vi.setSystemTime(Date.parse("2026-02-10T18:00:00Z"));
    await signInAgain(w.u);
    await w.tx(w.card.id, "-80.00", "Groceries", "2026-02-10T10:00:00-06:00");
    const after = await w.alerts();
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ currentSpentDecimal: "1600.00", percentageSpent: 80, periodStart: "2026-02-01" });
  });

  it("keeps a budget whose watched category was deleted readable", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-01-20T18:00:00Z");
    const cat = await w.a.post("/v1/categories", { spaceId: w.spaceId, name: "Piñatas", type: "expense" });
    expect(cat.status).toBe(201);
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Fiesta", amount: "300.00", period: "monthly", categoryIds: [cat.body.id, w.cat("Groceries")] });
    expect(b.status).toBe(201);
    // Deleted while the budget watches it (no transaction uses it: one that did would be a 409 asking for reassignTo).
    const del = await w.a.del(`/v1/categories/${cat.body.id}`);
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(del.body).toMatchObject({ deleted: cat.body.id, reassignedTo: null });
    const got = await w.a.get(`/v1/budgets/${b.body.id}`);
    expect(got.status).toBe(200);
    const listed = await w.a.get(`/v1/budgets?spaceId=${w.spaceId}`);
    expect(listed.status).toBe(200);
    const patched = await w.a.patch(`/v1/budgets/${b.body.id}`, { amount: "400.00" });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(got.body.categories.every((c: { name: string }) => typeof c.name === "string")).toBe(true);
  });
});

describe("zones with daylight saving and without", () => {
  it("New York: the last evening of March and of November count in their month, across DST", async () => {
    const w = await family("America/New_York", "USD", "2026-03-31T20:00:00Z");
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Food", amount: "100.00", period: "monthly", startDate: "2026-01-01", categoryIds: [w.cat("Food & Dining")] });
    await w.tx(w.local.id, "-1.00", "Food & Dining", "2026-03-01T00:00:00-05:00");
    await w.tx(w.local.id, "-2.00", "Food & Dining", "2026-03-31T23:30:00-04:00");
    await w.tx(w.local.id, "-4.00", "Food & Dining", "2026-04-01T00:00:00-04:00");
    await w.tx(w.local.id, "-8.00", "Food & Dining", "2026-02-28T23:59:00-05:00");
    expect((await w.a.get(`/v1/budgets/${b.body.id}`)).body).toMatchObject({ spentDecimal: "3.00", currentPeriod: { startDate: "2026-03-01", endDate: "2026-03-31" } });
  });

  it("New York: the last evening of November counts in November, after DST ends", async () => {
    const w = await family("America/New_York", "USD", "2026-11-30T20:00:00Z");
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Food", amount: "100.00", period: "monthly", startDate: "2026-01-01", categoryIds: [w.cat("Food & Dining")] });
    await w.tx(w.local.id, "-16.00", "Food & Dining", "2026-11-01T00:30:00-04:00");
    await w.tx(w.local.id, "-32.00", "Food & Dining", "2026-11-30T23:30:00-05:00");
    await w.tx(w.local.id, "-64.00", "Food & Dining", "2026-10-31T23:30:00-04:00");
    expect((await w.a.get(`/v1/budgets/${b.body.id}`)).body).toMatchObject({ spentDecimal: "48.00", currentPeriod: { startDate: "2026-11-01", endDate: "2026-11-30" } });
  });

  it("São Paulo: a quarter from 1 January in the zone, a card in dollars at the day's own rate", async () => {
    const w = await family("America/Sao_Paulo", "BRL", "2026-03-31T23:00:00Z");
    await w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [{ base: "USD", quote: "BRL", date: "2026-03-31", rate: "5.4321" }, { base: "USD", quote: "BRL", date: "2026-04-01", rate: "9" }] });
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Mercado", amount: "3000.00", period: "quarterly", startDate: "2026-01-01", categoryIds: [w.cat("Groceries")] });
    await w.tx(w.card.id, "-3.33", "Groceries", "2026-03-31T23:30:00-03:00");
    await w.tx(w.local.id, "-0.01", "Groceries", "2026-01-01T00:00:00-03:00");
    await w.tx(w.local.id, "-7.00", "Groceries", "2026-04-01T00:00:00-03:00");
    // 3.33 × 5.4321 = 18.088893 → 18.09; + 0.01.
    expect((await w.a.get(`/v1/budgets/${b.body.id}`)).body).toMatchObject({ spentDecimal: "18.10", currentPeriod: { startDate: "2026-01-01", endDate: "2026-03-31" } });
  });
});

describe("bad input is a clear 4xx", () => {
  it("refuses bad amounts, periods, thresholds, dates and fields", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-01-20T18:00:00Z");
    const base = { spaceId: w.spaceId, name: "x", amount: "10.00", period: "monthly" };
    const cases: Record<string, unknown>[] = [
      { amount: 10.005 }, { amount: "10.005" }, { amount: "-5.00" }, { amount: 0 }, { amount: "0.00" }, { amount: "1e3" },
      { amount: "99999999999999999999.00" }, { amount: 1e21 }, { amount: 1e300 }, { amount: true }, { amount: null }, { amount: "" },
      { amount: "NaN" }, { amount: "Infinity" }, { amount: 90071992547409.93 }, { amount: "90071992547409.92" },
      { period: "weekly" }, { period: "MONTHLY" }, { period: null }, { alertThreshold: 0 }, { alertThreshold: 101 }, { alertThreshold: 50.5 },
      { startDate: "2026-02-30" }, { startDate: "2026-1-1" }, { endDate: "2025-12-31", startDate: "2026-01-01" }, { currency: "XXX" },
      { categoryIds: ["nope"] }, { categories: [{ categoryId: w.cat("Groceries"), allocated: "0.001" }] },
      { categories: [{ categoryId: w.cat("Groceries"), allocated: "-1" }] }, { categories: [{ categoryId: w.cat("Groceries"), allocated: "20.00" }] },
      { categoryIds: [w.cat("Salary")] }, { name: "" }, { spaceId: "spc_nope" },
    ];
    for (const c of cases) {
      const r = await w.a.post("/v1/budgets", { ...base, ...c });
      expect([r.status, JSON.stringify(c)], JSON.stringify(r.body)).toEqual([expect.any(Number), JSON.stringify(c)]);
      expect(r.status >= 400 && r.status < 500, `${JSON.stringify(c)} → ${r.status} ${JSON.stringify(r.body)}`).toBe(true);
    }
    const made = await w.a.post("/v1/budgets", { ...base, categoryIds: [w.cat("Groceries")] });
    expect(made.status).toBe(201);
    for (const c of cases.filter((x) => !("spaceId" in x) && !("currency" in x))) {
      const r = await w.a.patch(`/v1/budgets/${made.body.id}`, c);
      expect(r.status >= 400 && r.status < 500, `PATCH ${JSON.stringify(c)} → ${r.status} ${JSON.stringify(r.body)}`).toBe(true);
    }
    for (const q of ["period=weekly", "status=bogus", "period=", "status=", "foo=1"]) {
      const r = await w.a.get(`/v1/budgets?spaceId=${w.spaceId}&${q}`);
      expect(r.status >= 400 && r.status < 500, `${q} → ${r.status}`).toBe(true);
    }
    expect((await w.a.get(`/v1/budgets?spaceId=spc_nope`)).status).toBe(404);
    expect((await w.a.get(`/v1/budgets/bud_nope`)).status).toBe(404);
  });

  it("refuses cents in a currency with none (JPY) and takes a third decimal where the currency has one (KWD)", async () => {
    const jp = await family("Asia/Tokyo", "JPY", "2026-01-20T03:00:00Z");
    expect((await jp.a.post("/v1/budgets", { spaceId: jp.spaceId, name: "x", amount: "10.5", period: "monthly" })).status).toBe(422);
    expect((await jp.a.post("/v1/budgets", { spaceId: jp.spaceId, name: "x", amount: 10.5, period: "monthly" })).status).toBe(422);
    const ok = await jp.a.post("/v1/budgets", { spaceId: jp.spaceId, name: "x", amount: "1000", period: "monthly" });
    expect(ok.body).toMatchObject({ amountDecimal: "1000", amount: 1000 });
  });
});

describe("lists past 100", () => {
  it("lists 120 budgets, filtered by period and status", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-01-20T18:00:00Z");
    const g = w.cat("Groceries");
    for (let i = 0; i < 120; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => w.a.post("/v1/budgets", {
        spaceId: w.spaceId, name: `b${i + j}`, amount: i + j < 10 ? "1.00" : "1000.00", period: (i + j) % 2 ? "quarterly" : "monthly", startDate: "2026-01-01", categoryIds: [g],
      }).then((r) => expect(r.status).toBe(201))));
    }
    await w.tx(w.local.id, "-5.00", "Groceries", "2026-01-20T10:00:00-06:00");
    const all = await w.a.get(`/v1/budgets?spaceId=${w.spaceId}`);
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(120);
    expect((await w.a.get(`/v1/budgets?spaceId=${w.spaceId}&period=quarterly`)).body).toHaveLength(60);
    expect((await w.a.get(`/v1/budgets?spaceId=${w.spaceId}&status=exceeded`)).body).toHaveLength(10);
    // Ten budgets crossed their threshold with one write: ten alerts.
    expect(await w.alerts()).toHaveLength(10);
  });
});

describe("conversion exact to the minor unit", () => {
  it("converts through the hub, inverts a rate set the other way, and rounds half-even in scale 0", async () => {
    const mx = await family("America/Mexico_City", "MXN", "2026-05-10T18:00:00Z");
    const brl = await createAccount(mx.u, mx.spaceId, { name: "Reais", currency: "BRL", openingBalance: "1000.00" });
    expect((await mx.a.put(`/v1/spaces/${mx.spaceId}/rates`, { rates: [
      { base: "USD", quote: "MXN", date: "2026-05-10", rate: "17.2" }, { base: "USD", quote: "BRL", date: "2026-05-10", rate: "5.4" },
    ] })).status).toBe(200);
    const b = await mx.a.post("/v1/budgets", { spaceId: mx.spaceId, name: "Viaje", amount: "1000.00", period: "monthly", categoryIds: [mx.cat("Travel")] });
    await mx.tx(brl.id, "-100.00", "Travel", "2026-05-10T10:00:00-06:00");
    // 100 × 17.2 / 5.4 = 318.5185… → 318.52.
    expect((await mx.a.get(`/v1/budgets/${b.body.id}`)).body).toMatchObject({ spentDecimal: "318.52", remainingDecimal: "681.48", conversion: { complete: true } });

    const ny = await family("America/New_York", "USD", "2026-05-10T18:00:00Z");
    await ny.a.put(`/v1/spaces/${ny.spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: "2026-05-10", rate: "20" }] });
    const nb = await ny.a.post("/v1/budgets", { spaceId: ny.spaceId, name: "Trip", amount: "100.00", period: "monthly", categoryIds: [ny.cat("Travel")] });
    await ny.tx(ny.card.id, "-333.33", "Travel", "2026-05-10T10:00:00-04:00");
    // 333.33 / 20 = 16.6665 → 16.67.
    expect((await ny.a.get(`/v1/budgets/${nb.body.id}`)).body).toMatchObject({ spentDecimal: "16.67", remainingDecimal: "83.33" });
    // The rate removed: the spending is reported, not counted as 0 silently.
    await ny.a.put(`/v1/spaces/${ny.spaceId}/rates`, { rates: [{ base: "MXN", quote: "USD", date: "2026-05-10", rate: null }] });
    expect((await ny.a.get(`/v1/budgets/${nb.body.id}`)).body).toMatchObject({ spentDecimal: "0.00", conversion: { complete: false, unconverted: [{ currency: "MXN", amountDecimal: "333.33" }] } });

    const jp = await family("Asia/Tokyo", "JPY", "2026-05-10T03:00:00Z");
    await jp.a.put(`/v1/spaces/${jp.spaceId}/rates`, { rates: [{ base: "USD", quote: "JPY", date: "2026-05-10", rate: "150.5" }] });
    const jb = await jp.a.post("/v1/budgets", { spaceId: jp.spaceId, name: "Food", amount: "10000", period: "monthly", categoryIds: [jp.cat("Groceries"), jp.cat("Travel")] });
    await jp.tx(jp.card.id, "-1.00", "Groceries", "2026-05-10T10:00:00+09:00"); // 150.5 → 150 (half-even)
    await jp.tx(jp.card.id, "-3.00", "Travel", "2026-05-10T10:00:00+09:00"); // 451.5 → 452 (half-even)
    const got = (await jp.a.get(`/v1/budgets/${jb.body.id}`)).body;
    expect(got.categories.map((c: { spentDecimal: string }) => c.spentDecimal).sort()).toEqual(["150", "452"]);
    expect(got).toMatchObject({ spentDecimal: "602", remainingDecimal: "9398", spent: 602 });
  });

  it("refuses bad manual rates with a 4xx", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-05-10T18:00:00Z");
    for (const r of [
      { base: "USD", quote: "MXN", date: "2026-05-10", rate: "0" }, { base: "USD", quote: "MXN", date: "2026-05-10", rate: "-1" },
      { base: "USD", quote: "MXN", date: "2026-05-10", rate: "1e3" }, { base: "USD", quote: "MXN", date: "2026-05-10", rate: 1e-13 },
      { base: "USD", quote: "MXN", date: "2026-05-10", rate: 1e300 }, { base: "USD", quote: "MXN", date: "2026-05-10", rate: "abc" },
      { base: "XXX", quote: "MXN", date: "2026-05-10", rate: "1" }, { base: "USD", quote: "USD", date: "2026-05-10", rate: "1" },
      { base: "USD", quote: "MXN", date: "2026-02-30", rate: "1" }, { base: "USD", quote: "MXN", date: "2026-05-10", rate: true },
    ]) {
      const res = await w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: [r] });
      expect(res.status >= 400 && res.status < 500, `${JSON.stringify(r)} → ${res.status}`).toBe(true);
    }
    const many = Array.from({ length: 100 }, (_, i) => ({ base: "USD", quote: "MXN", date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10), rate: "17.5" }));
    expect((await w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: many })).status).toBe(200);
    expect((await w.a.put(`/v1/spaces/${w.spaceId}/rates`, { rates: many.map((r) => ({ ...r, rate: null })) })).body).toMatchObject({ removed: 100 });
  });
});

describe("an alert stands for its period, whatever edit moves the period's bounds", () => {
  it("does not alert again for the same spending when the start date moves a day, and alerts in the next period", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-01-20T18:00:00Z");
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Súper", amount: "100.00", period: "monthly", startDate: "2026-01-01", categoryIds: [w.cat("Groceries")] });
    await w.tx(w.local.id, "-85.00", "Groceries", "2026-01-10T10:00:00-06:00");
    expect(await w.alerts()).toHaveLength(1);
    // The period is now 2 January to 1 February: the alert of 1–31 January stands for it.
    expect((await w.a.patch(`/v1/budgets/${b.body.id}`, { startDate: "2026-01-02" })).body.currentPeriod).toEqual({ startDate: "2026-01-02", endDate: "2026-02-01" });
    await w.tx(w.local.id, "-1.00", "Groceries", "2026-01-20T10:00:00-06:00");
    expect(await w.alerts()).toHaveLength(1);
    // Quarterly at the same amount (the same bar): none either; back to monthly from the 1st: none.
    await w.a.patch(`/v1/budgets/${b.body.id}`, { period: "quarterly" });
    await w.a.patch(`/v1/budgets/${b.body.id}`, { period: "monthly", startDate: "2026-01-01" });
    expect(await w.alerts()).toHaveLength(1);
    // Raised past the bar alerted, and reached: once more.
    await w.a.patch(`/v1/budgets/${b.body.id}`, { startDate: "2026-01-02", amount: "105.00" });
    expect(await w.alerts()).toHaveLength(2);
    // The next period (3 February on) alerts again.
    vi.setSystemTime(Date.parse("2026-02-03T18:00:00Z"));
    await signInAgain(w.u);
    await w.tx(w.local.id, "-90.00", "Groceries", "2026-02-03T10:00:00-06:00");
    const all = await w.alerts();
    expect(all.map((p) => p.periodStart)).toEqual(["2026-01-01", "2026-01-02", "2026-02-02"]);
  });

  it("a quarter's alert does not stand for a month of the budget made monthly: that month's spending against its own amount alerts", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-02-10T18:00:00Z");
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Súper", amount: "300.00", period: "quarterly", startDate: "2026-01-01", categoryIds: [w.cat("Groceries")] });
    await w.tx(w.local.id, "-250.00", "Groceries", "2026-01-15T10:00:00-06:00");
    expect(await w.alerts()).toHaveLength(1);
    // Monthly at 100.00 from February: 85.00 spent in February is 85% of this month's amount.
    expect((await w.a.patch(`/v1/budgets/${b.body.id}`, { period: "monthly", amount: "100.00" })).body.currentPeriod).toEqual({ startDate: "2026-02-01", endDate: "2026-02-28" });
    await w.tx(w.local.id, "-85.00", "Groceries", "2026-02-09T10:00:00-06:00");
    expect((await w.alerts()).map((p) => [p.periodStart, p.periodEnd])).toEqual([["2026-01-01", "2026-03-31"], ["2026-02-01", "2026-02-28"]]);
  });

  it("a start moved a day earlier: the old period's alert stands for the month it mostly covers, not for the next one it shares a day with", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-01-20T18:00:00Z");
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Súper", amount: "100.00", period: "monthly", startDate: "2026-01-02", categoryIds: [w.cat("Groceries")] });
    await w.tx(w.local.id, "-85.00", "Groceries", "2026-01-10T10:00:00-06:00");
    expect(await w.alerts()).toHaveLength(1);
    // From the 1st: January's spending was alerted (2 January to 1 February) and is not alerted again.
    expect((await w.a.patch(`/v1/budgets/${b.body.id}`, { startDate: "2026-01-01" })).body.currentPeriod).toEqual({ startDate: "2026-01-01", endDate: "2026-01-31" });
    await w.tx(w.local.id, "-1.00", "Groceries", "2026-01-20T10:00:00-06:00");
    expect(await w.alerts()).toHaveLength(1);
    // February's 90.00 is new spending in a new period: it alerts, though the old period's last day was 1 February.
    vi.setSystemTime(Date.parse("2026-02-10T18:00:00Z"));
    await signInAgain(w.u);
    await w.tx(w.local.id, "-90.00", "Groceries", "2026-02-10T10:00:00-06:00");
    expect((await w.alerts()).map((p) => [p.periodStart, p.periodEnd])).toEqual([["2026-01-02", "2026-02-01"], ["2026-02-01", "2026-02-28"]]);
  });

  it("a quarter's alert does not stand for the month of its own start either, when the budget becomes monthly in it", async () => {
    const w = await family("America/Mexico_City", "MXN", "2026-01-20T18:00:00Z");
    const b = await w.a.post("/v1/budgets", { spaceId: w.spaceId, name: "Súper", amount: "300.00", period: "quarterly", startDate: "2026-01-01", categoryIds: [w.cat("Groceries")] });
    await w.tx(w.local.id, "-250.00", "Groceries", "2026-01-15T10:00:00-06:00");
    expect(await w.alerts()).toHaveLength(1);
    // Monthly at 100.00 from 1 January: January's 250.00 is 250% of the month's amount, as in February above.
    expect((await w.a.patch(`/v1/budgets/${b.body.id}`, { period: "monthly", amount: "100.00" })).body.currentPeriod).toEqual({ startDate: "2026-01-01", endDate: "2026-01-31" });
    await w.tx(w.local.id, "-1.00", "Groceries", "2026-01-20T10:00:00-06:00");
    expect((await w.alerts()).map((p) => [p.periodStart, p.periodEnd])).toEqual([["2026-01-01", "2026-03-31"], ["2026-01-01", "2026-01-31"]]);
  });
});

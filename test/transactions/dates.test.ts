/**
 * A bare date is the day the user wrote, in the space's time zone, everywhere:
 * budgets, transaction lists, account statements, trade history and the way a
 * transaction's date is rendered all agree on it, on both sides of UTC.
 */
import { describe, expect, it } from "vitest";
import { zonedDate, zonedMidnight } from "../../src/lib/zoned-time";
import { callJson, registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City", "Asia/Tokyo");

const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
});

const ymd = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);

/** The local calendar month of now in `tz` (as budgets.test.ts computes it), its first day and the last day of the month before. */
function thisMonth(tz: string) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit" }).formatToParts(new Date());
  const y = Number(parts.find((p) => p.type === "year")!.value);
  const m = Number(parts.find((p) => p.type === "month")!.value);
  return { first: ymd(y, m, 1), lastOfPrevious: ymd(y, m, 0) };
}

async function setup(timezone: string) {
  const u = await registerUser();
  const a = as(u);
  const space = await a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone });
  expect(space.status).toBe(201);
  const spaceId = space.body.id as string;
  const checking = await createAccount(u, spaceId, { openingBalance: "1000.00" });
  const cats = (await a.get(`/v1/categories?spaceId=${spaceId}`)).body as { id: string; name: string }[];
  const groceries = cats.find((c) => c.name === "Groceries")!.id;
  const { first, lastOfPrevious } = thisMonth(timezone);
  const budget = await a.post("/v1/budgets", { spaceId, name: "Food", amount: "500.00", period: "monthly", categoryIds: [groceries], startDate: first });
  expect(budget.status).toBe(201);
  expect(budget.body.currentPeriod.startDate).toBe(first);
  return { u, a, spaceId, checking, groceries, budgetId: budget.body.id as string, first, lastOfPrevious };
}

const ids = (list: { transactions: { id: string }[] }) => list.transactions.map((t) => t.id);

async function expectBareDateIsTheDayWritten(timezone: string, offset: string) {
  const { u, a, spaceId, checking, groceries, budgetId, first, lastOfPrevious } = await setup(timezone);
  const t = await a.post("/v1/transactions", { spaceId, accountId: checking.id, amount: -12.34, description: "Market", categoryId: groceries, date: first });
  expect(t.status).toBe(201);
  // Rendered in the space's zone: the date part is the day written; the exact decimal sits beside the number.
  expect(t.body).toMatchObject({ date: `${first}T00:00:00.000${offset}`, amount: -12.34, amountDecimal: "-12.34" });
  expect((await a.get(`/v1/transactions/${t.body.id}`)).body).toMatchObject({ date: `${first}T00:00:00.000${offset}`, amountDecimal: "-12.34" });

  // The budget of the month starting on that day counts it.
  expect((await a.get(`/v1/budgets/${budgetId}`)).body).toMatchObject({ spent: 12.34, remaining: 487.66 });

  // Lists: on or after the first, and not through the last day of the month before.
  const fromFirst = await a.get(`/v1/transactions?spaceId=${spaceId}&startDate=${first}`);
  expect(ids(fromFirst.body)).toContain(t.body.id);
  expect(fromFirst.body.transactions.find((x: any) => x.id === t.body.id)).toMatchObject({ date: `${first}T00:00:00.000${offset}`, amount: -12.34, amountDecimal: "-12.34" });
  expect(ids((await a.get(`/v1/transactions?spaceId=${spaceId}&endDate=${lastOfPrevious}`)).body)).not.toContain(t.body.id);
  expect(ids((await a.get(`/v1/transactions?spaceId=${spaceId}&startDate=${first}&endDate=${first}`)).body)).toEqual([t.body.id]);
  expect(ids((await a.get(`/v1/accounts/${checking.id}/transactions?startDate=${first}&endDate=${first}`)).body)).toEqual([t.body.id]);

  // The statement of that one day holds it, on that day.
  const statement = await a.get(`/v1/accounts/${checking.id}/ledger?from=${first}&to=${first}`);
  expect(statement.status).toBe(200);
  expect(statement.body).toMatchObject({ from: first, to: first, openingBalance: "1000.00", closingBalance: "987.66", totalDebit: "12.34" });
  expect(statement.body.entries.map((e: any) => [e.voucherNumber, e.date, e.debit, e.runningBalance])).toEqual([
    [t.body.id, `${first}T00:00:00.000${offset}`, "12.34", "987.66"],
  ]);
  const dayBefore = await a.get(`/v1/accounts/${checking.id}/ledger?from=${lastOfPrevious}&to=${lastOfPrevious}`);
  expect(dayBefore.body.entries).toEqual([]);

  // Trades: a trade dated the first is in the history of that day, at that day's local midnight.
  const broker = await createAccount(u, spaceId, { name: "Brokerage", type: "brokerage", openingBalance: "100.00" });
  const trade = await a.post("/v1/transactions", {
    spaceId, accountId: broker.id, description: "Apple", date: first, trade: { symbol: "AAPL", side: "buy", quantity: "1", unitPrice: "10" },
  });
  expect(trade.status).toBe(201);
  expect(trade.body.date).toBe(`${first}T00:00:00.000${offset}`);
  const trades = await a.get(`/v1/trades?spaceId=${spaceId}&from=${first}&to=${first}`);
  expect(trades.status).toBe(200);
  expect(trades.body.map((x: any) => x.orderId)).toEqual([trade.body.id]);
  expect(trades.body[0].exchangeTime.startsWith(`${first} 00:00:00`)).toBe(true);
  // The same instant with its offset, as the transaction shows it.
  expect(trades.body[0].executedAt).toBe(trade.body.date);
  expect((await a.get(`/v1/trades?spaceId=${spaceId}&from=${lastOfPrevious}&to=${lastOfPrevious}`)).body).toEqual([]);

  expect(await ledgerViolations(spaceId)).toEqual([]);
  return { a, spaceId, checking, groceries, budgetId, first, lastOfPrevious, t };
}

describe("A bare date is the day the user wrote, in the space's time zone, everywhere", () => {
  it("Mexico City (UTC-6): budgets, lists, statements, trades and rendering agree on the first of the month", async () => {
    await expectBareDateIsTheDayWritten("America/Mexico_City", "-06:00");
  });

  it("Tokyo (UTC+9), where the local midnight is on the previous UTC day: everything still agrees on the first", async () => {
    const { a, spaceId, checking, groceries, budgetId, first, lastOfPrevious, t } = await expectBareDateIsTheDayWritten("Asia/Tokyo", "+09:00");
    // The instant is indeed on the UTC day before: the bare date was not read as UTC midnight.
    expect(new Date(t.body.date).toISOString().slice(0, 10)).toBe(lastOfPrevious);
    // A date-time at 08:00 local on the first (23:00Z on the day before) is also in this month.
    const early = await a.post("/v1/transactions", { spaceId, accountId: checking.id, amount: "-7.66", description: "Early", categoryId: groceries, date: `${first}T08:00:00+09:00` });
    expect(early.status).toBe(201);
    expect(early.body).toMatchObject({ date: `${first}T08:00:00.000+09:00`, amountDecimal: "-7.66" });
    expect((await a.get(`/v1/budgets/${budgetId}`)).body).toMatchObject({ spent: 20, remaining: 480 });
    expect(ids((await a.get(`/v1/transactions?spaceId=${spaceId}&endDate=${lastOfPrevious}`)).body)).not.toContain(early.body.id);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a date-time late on the last day of the previous month, local time, stays in the previous month and out of this month's budget", async () => {
    const { a, spaceId, checking, groceries, budgetId, first, lastOfPrevious } = await setup("America/Mexico_City");
    // 23:30 in Mexico City is 05:30Z on the first: the instant is in the new UTC month, the local day is not.
    const late = await a.post("/v1/transactions", {
      spaceId, accountId: checking.id, amount: -45, description: "Late dinner", categoryId: groceries, date: `${lastOfPrevious}T23:30:00-06:00`,
    });
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ date: `${lastOfPrevious}T23:30:00.000-06:00`, amountDecimal: "-45.00" });
    expect(ids((await a.get(`/v1/transactions?spaceId=${spaceId}&endDate=${lastOfPrevious}`)).body)).toContain(late.body.id);
    expect(ids((await a.get(`/v1/transactions?spaceId=${spaceId}&startDate=${first}`)).body)).not.toContain(late.body.id);
    expect((await a.get(`/v1/budgets/${budgetId}`)).body).toMatchObject({ spent: 0, remaining: 500 });
    const prevDay = await a.get(`/v1/accounts/${checking.id}/ledger?from=${lastOfPrevious}&to=${lastOfPrevious}`);
    expect(prevDay.body.entries.map((e: any) => [e.voucherNumber, e.date])).toEqual([[late.body.id, `${lastOfPrevious}T23:30:00.000-06:00`]]);
    expect((await a.get(`/v1/accounts/${checking.id}/ledger?from=${first}&to=${first}`)).body.entries).toEqual([]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});

describe("dates of the first century", () => {
  it("are refused for money (a typo, not a day), and kept as written in a filter: 0099-12-31 is not 1999-12-31", async () => {
    const u = await registerUser();
    const space = (await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "Old", type: "personal", currency: "USD" } })).body;
    const acc = await createAccount(u, space.id, { openingBalance: 10 });
    const old = await callJson("/v1/transactions", {
      token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: acc.id, amount: 1, description: "Ancient", date: "0099-12-31" },
    });
    expect(old.status).toBe(422);
    expect(old.body.error.details[0]).toMatchObject({ field: "date", message: "Must be in the years 1800 to 2999" });
    // As a filter's bound it means year 99: the 1950 row is after it, the opening balance (dated at the start of time) before.
    expect((await callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: acc.id, amount: 1, description: "1950", date: "1950-06-01" } })).status).toBe(201);
    const after = await callJson(`/v1/transactions?spaceId=${space.id}&startDate=0099-12-31`, { token: u.accessToken, ip: u.ip });
    expect(after.body.pagination.total).toBe(1);
    const before = await callJson(`/v1/transactions?spaceId=${space.id}&endDate=0099-12-31`, { token: u.accessToken, ip: u.ip });
    expect(before.body.pagination.total).toBe(1);
  });
});

describe("days whose midnight daylight saving skips", () => {
  it("start at the first instant that exists on them (Santiago, Asunción, the Azores, Havana)", async () => {
    const cases: [string, { y: number; m: number; d: number }, string][] = [
      ["America/Santiago", { y: 2024, m: 9, d: 8 }, "2024-09-08T04:00:00.000Z"],
      ["America/Asuncion", { y: 2023, m: 10, d: 1 }, "2023-10-01T04:00:00.000Z"],
      ["Atlantic/Azores", { y: 2024, m: 3, d: 31 }, "2024-03-31T01:00:00.000Z"],
      ["America/Havana", { y: 2024, m: 3, d: 10 }, "2024-03-10T05:00:00.000Z"],
      ["UTC", { y: 2024, m: 9, d: 8 }, "2024-09-08T00:00:00.000Z"], // Santiago's day, another zone
    ];
    // Twice over: the second pass is answered from the isolate's memory of midnights, which keys by zone and day.
    for (let pass = 0; pass < 2; pass++) {
      for (const [tz, day, start] of cases) {
        const t = zonedMidnight(day, tz);
        expect(new Date(t).toISOString(), tz).toBe(start);
        expect(zonedDate(t, tz), tz).toEqual(day);
        expect(zonedDate(t - 1, tz), tz).not.toEqual(day);
      }
    }
  });

  it("keep a bare date on its day in lists and rendering", async () => {
    const u = await registerUser();
    const space = (await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "Santiago", type: "personal", currency: "USD", timezone: "America/Santiago" } })).body;
    const acc = await createAccount(u, space.id, { openingBalance: 100 });
    const post = (date: string) => callJson("/v1/transactions", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, accountId: acc.id, amount: -1, description: date, date } });
    const onDay = await post("2024-09-08");
    expect(onDay.body.date).toBe("2024-09-08T01:00:00.000-03:00");
    const lateBefore = await post("2024-09-07T23:30:00-04:00");
    expect(lateBefore.status).toBe(201);
    const list = async (day: string) =>
      (await callJson(`/v1/transactions?spaceId=${space.id}&startDate=${day}&endDate=${day}`, { token: u.accessToken, ip: u.ip })).body.transactions.map((t: any) => t.description);
    expect(await list("2024-09-08")).toEqual(["2024-09-08"]);
    expect(await list("2024-09-07")).toEqual(["2024-09-07T23:30:00-04:00"]);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });
});

describe("the first days of the calendar", () => {
  it("are days like any other: 1 AD's midnights and 1 BC's last day, in zones either side of UTC", async () => {
    // Intl writes 1 BC as year 1 of the era BC; read as 1 AD it put these midnights a year off.
    for (const tz of ["America/New_York", "Asia/Tokyo", "UTC"]) {
      for (const day of [{ y: 1, m: 1, d: 1 }, { y: 1, m: 1, d: 2 }, { y: 0, m: 12, d: 31 }]) {
        const t = zonedMidnight(day, tz);
        const utcMidnight = new Date(0).setUTCFullYear(day.y, day.m - 1, day.d);
        expect(Math.abs(t - utcMidnight), `${tz} ${JSON.stringify(day)}`).toBeLessThan(86_400_000);
        expect(zonedDate(t, tz), tz).toEqual(day);
      }
    }
  });

  it("filter a list without a fault", async () => {
    const u = await registerUser();
    const space = (await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "Old", type: "personal", currency: "USD", timezone: "America/New_York" } })).body;
    for (const q of ["startDate=0001-01-01", "startDate=0000-01-01&endDate=0001-01-02", "endDate=0001-01-01"]) {
      const res = await callJson(`/v1/transactions?spaceId=${space.id}&${q}`, { token: u.accessToken, ip: u.ip });
      expect(res.status, q).toBe(200);
    }
  });
});

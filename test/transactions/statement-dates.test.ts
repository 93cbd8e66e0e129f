/**
 * Statements and balances agree on dates: entries in value-date order with
 * the running balance in that order; without `to` a statement runs through the
 * later of today and the last entry so it closes on the account's balance;
 * opening balances come before any entry; and an account that may not
 * overdraw never ends a date below zero.
 */
import { describe, expect, it } from "vitest";
import { callJson, registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

const TZ = "America/Mexico_City";

const as = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
  del: (path: string) => callJson(path, { method: "DELETE", token: u.accessToken, ip: u.ip }),
});

/** Today in the space's zone, plus `days`, as YYYY-MM-DD. */
function day(days = 0) {
  const p = new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date());
  const get = (t: string) => Number(p.find((x) => x.type === t)!.value);
  return new Date(Date.UTC(get("year"), get("month") - 1, get("day") + days)).toISOString().slice(0, 10);
}

async function setup(account: Record<string, unknown> = { openingBalance: "100.00" }) {
  const u = await registerUser();
  const a = as(u);
  const space = await a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: TZ });
  expect(space.status).toBe(201);
  const spaceId = space.body.id as string;
  const acc = await createAccount(u, spaceId, account);
  const spend = (amount: number | string, date: string, description = "spend") =>
    a.post("/v1/transactions", { spaceId, accountId: acc.id, amount, description, date });
  const balance = async () => (await a.get(`/v1/accounts/${acc.id}`)).body.balanceDecimal as string;
  const statement = async (qs = "") => {
    const r = await a.get(`/v1/accounts/${acc.id}/ledger${qs ? `?${qs}` : ""}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  return { a, spaceId, acc, spend, balance, statement };
}

const minor = (s: string) => Math.round(Number(s) * 100);

describe("statements and balances agree on dates", () => {
  it("a back-dated expense that would overdraw a no-overdraft account at a later date is refused and changes nothing; one that fits is placed on its date", async () => {
    const { acc, spaceId, spend, balance, statement } = await setup();
    expect(acc.allowOverdraft).toBe(false);
    const today = await spend(-50, day(0), "Today");
    expect(today.status).toBe(201);
    expect(await balance()).toBe("50.00");
    const before = await statement();
    expect(before.entries.map((e: any) => [e.voucherNumber, e.runningBalance])).toEqual([[today.body.id, "50.00"]]);

    // 100 - 60 = 40 a week ago, but then 40 - 50 = -10 today.
    const tooMuch = await spend(-60, day(-7), "Back-dated too much");
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.code).toBe("INSUFFICIENT_FUNDS");
    expect(await balance()).toBe("50.00");
    expect(await statement()).toEqual(before);

    // Opening balances come before any entry, so back-dating past the account's creation works.
    const fits = await spend(-40, day(-7), "Back-dated");
    expect(fits.status).toBe(201);
    expect(await balance()).toBe("10.00");
    const after = await statement();
    expect(after).toMatchObject({ from: day(-30), to: day(0), openingBalance: "100.00", closingBalance: "10.00", currentBalance: "10.00", totalDebit: "90.00" });
    // Value-date order: the later-committed back-dated entry comes first, the running balance follows that order.
    expect(after.entries.map((e: any) => [e.voucherNumber, e.date.slice(0, 10), e.debit, e.runningBalance])).toEqual([
      [fits.body.id, day(-7), "40.00", "60.00"],
      [today.body.id, day(0), "50.00", "10.00"],
    ]);
    for (const e of after.entries) expect(minor(e.runningBalance)).toBeGreaterThanOrEqual(0);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a future-dated income counts in the balance at once; a statement without `to` runs through it and closes on the balance, one with `to` closes at that day's end", async () => {
    const { a, acc, spaceId, spend, balance, statement } = await setup();
    const future = await spend(200, day(20), "Salary");
    expect(future.status).toBe(201);
    expect(await balance()).toBe("300.00");
    // 23:30 today, local time: inside a statement that ends today.
    const tonight = await spend(-10, `${day(0)}T23:30:00-06:00`, "Tonight");
    expect(tonight.status).toBe(201);
    expect(await balance()).toBe("290.00");

    const open = await statement();
    const account = (await a.get(`/v1/accounts/${acc.id}`)).body;
    expect(open).toMatchObject({ from: day(-30), to: day(20), openingBalance: "100.00", closingBalance: account.balanceDecimal, currentBalance: account.balanceDecimal });
    expect(open.closingBalance).toBe("290.00");
    expect(open.entries.map((e: any) => [e.voucherNumber, e.date.slice(0, 10), e.runningBalance])).toEqual([
      [tonight.body.id, day(0), "90.00"],
      [future.body.id, day(20), "290.00"],
    ]);

    const toToday = await statement(`to=${day(0)}`);
    expect(toToday).toMatchObject({ to: day(0), closingBalance: "90.00", currentBalance: "290.00", totalCredit: "0.00" });
    expect(toToday.entries.map((e: any) => e.voucherNumber)).toEqual([tonight.body.id]);
    expect(minor(toToday.closingBalance) + 20000).toBe(minor(toToday.currentBalance));
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a statement asked only for an end long ago spans the 30 days before it (it was a 422: from defaulted to 30 days before today)", async () => {
    const { spend, statement } = await setup({ openingBalance: "100.00", openingBalanceDate: day(-200) });
    expect((await spend(-7, day(-100), "Old")).status).toBe(201);
    const old = await statement(`to=${day(-90)}`);
    expect(old).toMatchObject({ from: day(-120), to: day(-90), openingBalance: "100.00", closingBalance: "93.00" });
    expect(old.entries.map((e: any) => e.date.slice(0, 10))).toEqual([day(-100)]);
    // An end within the default span keeps the default start.
    expect(await statement(`to=${day(-5)}`)).toMatchObject({ from: day(-30), to: day(-5) });
  });

  it("a spend dated before the account's opening names its own day as the one below zero (QA-6 F9)", async () => {
    const { spend, balance } = await setup({ openingBalance: "1000.00", openingBalanceDate: day(-30) });
    const before = await spend(-100, day(-45), "Before the opening");
    expect(before.status).toBe(422);
    expect(before.body.error.code).toBe("INSUFFICIENT_FUNDS");
    expect(before.body.error.details[0]).toMatchObject({ field: "date", message: `The balance would be below zero on ${day(-45)}` });
    expect(await balance()).toBe("1000.00");
  });

  it("an expense today that only a future-dated income would cover is refused", async () => {
    const { spaceId, spend, balance, statement } = await setup();
    expect((await spend(200, day(20), "Salary")).status).toBe(201);
    expect(await balance()).toBe("300.00");
    const before = await statement();
    // 300 in total, but only 100 as of today.
    const early = await spend(-150, day(0), "Too early");
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe("INSUFFICIENT_FUNDS");
    // The refusal names the day that would go negative (QA-6 F9: "Later entries would be left without funds").
    expect(early.body.error.details[0]).toMatchObject({ field: "date", message: `The balance would be below zero on ${day(0)}` });
    expect(await balance()).toBe("300.00");
    expect(await statement()).toEqual(before);
    // What today's balance does cover is fine.
    expect((await spend(-100, day(0), "Exactly enough")).status).toBe(201);
    expect(await balance()).toBe("200.00");
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("voiding a future-dated income posts its reversal on the income's own date, where the statement nets it", async () => {
    const { a, spaceId, spend, balance, statement } = await setup();
    const future = await spend(200, day(20), "Salary");
    expect(future.status).toBe(201);
    const voided = await a.del(`/v1/transactions/${future.body.id}`);
    expect(voided.status).toBe(200);
    expect(voided.body.transaction.status).toBe("cancelled");
    expect(await balance()).toBe("100.00");

    const open = await statement();
    expect(open).toMatchObject({ to: day(20), openingBalance: "100.00", closingBalance: "100.00", currentBalance: "100.00", totalCredit: "200.00", totalDebit: "200.00" });
    expect(open.entries.map((e: any) => [e.ledgerTxid, e.date.slice(0, 10), e.credit, e.debit, e.runningBalance])).toEqual([
      [future.body.ledgerTxid, day(20), "200.00", "0.00", "300.00"],
      [voided.body.reversalLedgerTxid, day(20), "0.00", "200.00", "100.00"],
    ]);
    const thatDay = await statement(`from=${day(20)}&to=${day(20)}`);
    expect(thatDay).toMatchObject({ openingBalance: "100.00", closingBalance: "100.00" });
    expect(thatDay.entries).toHaveLength(2);
    // Nothing of it is left before that date.
    expect(await statement(`to=${day(19)}`)).toMatchObject({ closingBalance: "100.00", entries: [] });
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a credit card, which may overdraw, shows negative running balances", async () => {
    const { acc, spaceId, spend, balance, statement } = await setup({ name: "Card", type: "credit_card" });
    expect(acc.allowOverdraft).toBe(true);
    expect((await spend(-30, day(-3), "Dinner")).status).toBe(201);
    expect((await spend(10, day(0), "Payment")).status).toBe(201);
    // Back-dated below an already negative balance: allowed for a card.
    expect((await spend("-5.50", day(-5), "Coffee")).status).toBe(201);
    expect(await balance()).toBe("-25.50");
    const s = await statement();
    expect(s).toMatchObject({ openingBalance: "0.00", closingBalance: "-25.50", currentBalance: "-25.50" });
    expect(s.entries.map((e: any) => [e.date.slice(0, 10), e.runningBalance])).toEqual([
      [day(-5), "-5.50"],
      [day(-3), "-35.50"],
      [day(0), "-25.50"],
    ]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});

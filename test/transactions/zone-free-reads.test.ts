/**
 * An account's transactions (and its statement, and trades) read in one D1 round trip: a bare-date filter
 * is read before the space's zone is known, widened, and trimmed to the zone's days. The answers must be
 * exactly the ones the zone gives: checked against the space's transaction list, which reads the zone first.
 */
import { describe, expect, it } from "vitest";
import { countingApp } from "../counting-app";
import { addMember, callJson, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";

/** Instants around the zones' midnights of March 1st to 3rd, 2026 (ties included). */
const INSTANTS = [
  "2026-02-28T09:59:59.999Z", "2026-02-28T10:00:00.000Z", "2026-03-01T07:59:59.999Z", "2026-03-01T08:00:00.000Z", "2026-03-01T08:00:00.000Z",
  "2026-03-01T09:59:59.999Z", "2026-03-01T10:00:00.000Z", "2026-03-01T10:00:00.000Z", "2026-03-01T23:30:00.000Z", "2026-03-02T08:00:00.000Z",
  "2026-03-02T10:00:00.000Z", "2026-03-02T12:00:00.000Z", "2026-03-03T07:59:59.999Z", "2026-03-03T09:59:59.999Z", "2026-03-03T10:00:00.000Z",
];

const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });

async function world() {
  const owner = await registerUser();
  const space = await callJson("/v1/spaces", { ...as(owner), body: { name: "Zones", type: "personal", currency: "USD", timezone: "Pacific/Kiritimati" } });
  expect(space.status).toBe(201);
  const spaceId = space.body.id as string;
  const acc = await createAccount(owner, spaceId, { openingBalance: "1000.00" });
  const other = await createAccount(owner, spaceId, { name: "Other", openingBalance: "5.00" });
  for (const [i, date] of INSTANTS.entries()) {
    const made = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: acc.id, amount: i % 3 ? `-${i + 1}.00` : `${i + 1}.00`, description: `T${i}`, date } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  }
  await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: other.id, amount: "-1.00", description: "elsewhere", date: "2026-03-02T00:00:00Z" } });
  return { owner, spaceId, acc };
}

const RANGES: [string | undefined, string | undefined][] = [
  [undefined, undefined], ["2026-03-02", undefined], [undefined, "2026-03-02"], ["2026-03-02", "2026-03-02"], ["2026-03-01", "2026-03-03"],
  ["2026-03-01T08:00:00Z", "2026-03-02"], ["2026-03-02", "2026-03-02T10:00:00Z"], ["2026-03-05", "2026-03-06"],
];
const PAGES: [number, number][] = [[50, 0], [2, 0], [2, 1], [3, 4], [2, 9]];

describe("an account's transactions", () => {
  it("are the space list's for that account, in one round trip, whatever the zone and the date filter", { timeout: 120_000 }, async () => {
    const { owner, spaceId, acc } = await world();
    const { get } = countingApp();
    const totals = new Set<string>();
    for (const tz of ["Pacific/Kiritimati", "America/Los_Angeles", "UTC", "Asia/Kolkata"]) {
      expect((await callJson(`/v1/spaces/${spaceId}`, { ...as(owner), method: "PATCH", body: { timezone: tz } })).status).toBe(200);
      for (const [from, to] of RANGES) {
        for (const [limit, offset] of PAGES) {
          for (const type of [undefined, "income"]) {
            const qs = new URLSearchParams({ limit: String(limit), offset: String(offset) });
            if (from) qs.set("startDate", from);
            if (to) qs.set("endDate", to);
            const listQs = new URLSearchParams(qs);
            if (type) (qs.set("transactionType", type), listQs.set("type", type));
            const label = `${tz} ${qs}`;
            const mine = await get(owner, `/v1/accounts/${acc.id}/transactions?${qs}`);
            expect(mine.status, label).toBe(200);
            expect(mine.trips, label).toBe(1);
            const listed = await callJson(`/v1/transactions?spaceId=${spaceId}&accountId=${acc.id}&${listQs}`, as(owner));
            expect(listed.status, label).toBe(200);
            expect(mine.body, label).toEqual({ ...listed.body, totalCount: listed.body.pagination.total, hasMore: listed.body.pagination.hasMore });
            totals.add(`${from} ${to} ${type}: ${mine.body.totalCount}`);
          }
        }
      }
    }
    // The zones do move rows in and out of the days: the same filter's total differs between them.
    const byFilter = new Map<string, Set<string>>();
    for (const t of totals) byFilter.set(t.split(":")[0]!, (byFilter.get(t.split(":")[0]!) ?? new Set()).add(t));
    expect([...byFilter.values()].filter((v) => v.size > 1).length).toBeGreaterThan(3);
  });

  it("are a viewer's too; a stranger's are the account's 404 in one round trip, none of them read", async () => {
    const { owner, spaceId, acc } = await world();
    const viewer = await registerUser();
    await addMember(owner, spaceId, viewer, "viewer");
    const { get } = countingApp();
    const path = `/v1/accounts/${acc.id}/transactions?startDate=2026-03-01&endDate=2026-03-03`;
    const own = await get(owner, path);
    expect(own.body.transactions.length).toBeGreaterThan(3);
    const theirs = await get(viewer, path);
    expect(theirs.trips).toBe(1);
    expect(theirs.body).toEqual(own.body);
    const stranger = await registerUser();
    const refused = await get(stranger, path);
    const none = await get(stranger, "/v1/accounts/acc_01doesnotexist000000000000/transactions");
    expect(refused.status).toBe(404);
    expect(refused.body.error).toMatchObject({ code: none.body.error.code, message: none.body.error.message });
    expect(refused.trips).toBe(1);
    // The guards' few rows, as for an account with no transactions at all: none of the account's read.
    const bare = await registerUser();
    const empty = await createAccount(bare, (await callJson("/v1/spaces", { ...as(bare), body: { name: "E", type: "personal", currency: "USD" } })).body.id);
    const baseline = await get(stranger, `/v1/accounts/${empty.id}/transactions?startDate=2026-03-01&endDate=2026-03-03`);
    expect(baseline.status).toBe(404);
    expect(refused.rowsRead).toBe(baseline.rowsRead);
    expect(refused.rowsRead).toBeLessThan(30);
    expect(JSON.stringify(refused.body)).not.toContain("T1");
  });
});

describe("the trade history", () => {
  it("is the space list's trades, newest first, in one round trip, whatever the zone and the date filter", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await callJson("/v1/spaces", { ...as(owner), body: { name: "Trades", type: "personal", currency: "USD", timezone: "Pacific/Kiritimati" } });
    const spaceId = space.body.id as string;
    const broker = await createAccount(owner, spaceId, { name: "Brokerage", type: "brokerage", openingBalance: "100000.00" });
    for (const [i, date] of INSTANTS.entries()) {
      const made = await callJson("/v1/transactions", {
        ...as(owner), body: { spaceId, accountId: broker.id, description: `Trade ${i}`, date, trade: { symbol: "AAPL", side: "buy", quantity: "1", unitPrice: `${i + 1}` } },
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
    }
    const { get } = countingApp();
    for (const tz of ["Pacific/Kiritimati", "America/Los_Angeles"]) {
      expect((await callJson(`/v1/spaces/${spaceId}`, { ...as(owner), method: "PATCH", body: { timezone: tz } })).status).toBe(200);
      // The history takes bare dates only.
      for (const [from, to] of RANGES.filter((r) => r.every((d) => d === undefined || d.length === 10))) {
        const qs = new URLSearchParams({ spaceId });
        if (from) qs.set("from", from);
        if (to) qs.set("to", to);
        const trades = await get(owner, `/v1/trades?${qs}`);
        expect(trades.status, `${tz} ${qs}`).toBe(200);
        expect(trades.trips, `${tz} ${qs}`).toBe(1);
        const listQs = new URLSearchParams({ spaceId, type: "trade", limit: "50" });
        if (from) listQs.set("startDate", from);
        if (to) listQs.set("endDate", to);
        const listed = await callJson(`/v1/transactions?${listQs}`, as(owner));
        expect(trades.body.map((t: { orderId: string }) => t.orderId), `${tz} ${qs}`).toEqual(listed.body.transactions.map((t: { id: string }) => t.id));
      }
    }
    const stranger = await registerUser();
    const refused = await get(stranger, `/v1/trades?spaceId=${spaceId}&from=2026-03-01&to=2026-03-02`);
    expect(refused.status).toBe(404);
    expect(refused.trips).toBe(1);
    expect(refused.rowsRead).toBeLessThan(20);
    expect(JSON.stringify(refused.body)).not.toContain("AAPL");
  });
});

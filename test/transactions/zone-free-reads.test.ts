/**
 * The space's transactions, an account's, and the trades, read in one D1 round trip: a bare-date filter
 * is read before the space's zone is known, widened, and trimmed to the zone's days. The answers must be
 * exactly the ones the zone gives: the space list is checked against the days worked out from the rows'
 * instants alone, and an account's list and the trades against the space list. (The statement's tests
 * are in statement-one-trip.test.ts.)
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingApp } from "../counting-app";
import { addMember, callJson, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { instantIn, rangeEndExclusive } from "../../src/lib/dates";

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
  // A window that ends before it starts in some zones: nothing, and a total of 0. (One that does in every zone,
  // two days the wrong way round, is refused: strict-input.test.ts.)
  ["2026-03-02T12:00:00Z", "2026-03-02"],
];
const PAGES: [number, number][] = [[50, 0], [2, 0], [2, 1], [3, 4], [2, 9]];

/**
 * The page a filter should give, worked out from the rows' instants alone (`rows` in the order they were
 * written): the zone's window, newest first, a tie's later write first.
 */
function expectedPage(rows: { description: string; at: number }[], tz: string, from: string | undefined, to: string | undefined, limit: number, offset: number) {
  const start = from ? instantIn(from, tz) : -Infinity;
  const end = to ? rangeEndExclusive(to, tz) : Infinity;
  const inWindow = rows.map((r, i) => ({ ...r, i })).filter((t) => t.at >= start && t.at < end);
  inWindow.sort((a, b) => b.at - a.at || b.i - a.i);
  return { descriptions: inWindow.slice(offset, offset + limit).map((t) => t.description), total: inWindow.length };
}

describe("the space's transactions", () => {
  it("are the zone's days, read in one round trip with the zone, whatever the zone, the filter and the page", { timeout: 120_000 }, async () => {
    const { owner, spaceId, acc } = await world();
    const { get } = countingApp();
    // The account's opening balance (written first, dated when the account was made), then INSTANTS.
    const all = await callJson(`/v1/transactions?spaceId=${spaceId}&accountId=${acc.id}&limit=100`, as(owner));
    const opening = all.body.transactions.find((t: { subtype: string | null }) => t.subtype === "opening_balance");
    const rows = [{ description: opening.description, at: Date.parse(opening.date) }, ...INSTANTS.map((date, i) => ({ description: `T${i}`, at: Date.parse(date) }))];
    for (const tz of ["Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Los_Angeles", "Asia/Kolkata"]) {
      expect((await callJson(`/v1/spaces/${spaceId}`, { ...as(owner), method: "PATCH", body: { timezone: tz } })).status).toBe(200);
      for (const [from, to] of RANGES) {
        for (const [limit, offset] of PAGES) {
          const qs = new URLSearchParams({ spaceId, accountId: acc.id, limit: String(limit), offset: String(offset) });
          if (from) qs.set("startDate", from);
          if (to) qs.set("endDate", to);
          const label = `${tz} ${qs}`;
          const listed = await get(owner, `/v1/transactions?${qs}`);
          expect(listed.status, label).toBe(200);
          expect(listed.trips, label).toBe(1);
          const want = expectedPage(rows, tz, from, to, limit, offset);
          expect(listed.body.transactions.map((t: { description: string }) => t.description), label).toEqual(want.descriptions);
          expect(listed.body.pagination.total, label).toBe(want.total);
        }
      }
    }
  });

  it("with a day of many rows at an end of the window: read again over the exact window, the same answers", { timeout: 120_000 }, async () => {
    const { owner, spaceId, acc } = await world();
    const all = await callJson(`/v1/transactions?spaceId=${spaceId}&accountId=${acc.id}&limit=100`, as(owner));
    expect(all.status, JSON.stringify(all.body).slice(0, 300)).toBe(200);
    const opening = all.body.transactions.find((t: { subtype: string | null }) => t.subtype === "opening_balance");
    // 600 rows on one instant (an import), copied from one of the API's rows straight into the table.
    const bulkAt = Date.parse("2026-03-02T12:00:00.000Z");
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 599)
       INSERT INTO transactions (id, space_id, account_id, amount, currency, description, merchant_name, normalized_merchant, date, type, subtype, status,
         category_id, category_source, tags, notes, location, counterparty_account_id, trade, provider_transaction_id, ledger_seq, created_at, updated_at)
       SELECT printf('txn_bulk_%03d', n.i), t.space_id, t.account_id, t.amount, t.currency, printf('B%03d', n.i), t.merchant_name, t.normalized_merchant, ?, t.type, t.subtype, t.status,
         t.category_id, t.category_source, t.tags, t.notes, t.location, t.counterparty_account_id, t.trade, t.provider_transaction_id, t.ledger_seq, t.created_at, t.updated_at
         FROM n, (SELECT * FROM transactions WHERE space_id = ? AND description = 'T0') t`,
    ).bind(bulkAt, spaceId).run();
    const rows = [
      { description: opening.description, at: Date.parse(opening.date) },
      ...INSTANTS.map((date, i) => ({ description: `T${i}`, at: Date.parse(date) })),
      ...Array.from({ length: 600 }, (_, i) => ({ description: `B${String(i).padStart(3, "0")}`, at: bulkAt })),
    ];
    const { get } = countingApp();
    for (const tz of ["Pacific/Kiritimati", "America/Los_Angeles"]) {
      expect((await callJson(`/v1/spaces/${spaceId}`, { ...as(owner), method: "PATCH", body: { timezone: tz } })).status).toBe(200);
      for (const [from, to, trips] of [["2026-03-01", "2026-03-02", 2], ["2026-03-02", "2026-03-03", 2], ["2026-03-05", "2026-03-06", 1]] as const) {
        for (const [limit, offset] of [[5, 0], [50, 590], [3, 598]] as const) {
          const qs = new URLSearchParams({ spaceId, accountId: acc.id, startDate: from, endDate: to, limit: String(limit), offset: String(offset) });
          const listed = await get(owner, `/v1/transactions?${qs}`);
          const label = `${tz} ${qs}`;
          expect(listed.status, label).toBe(200);
          const want = expectedPage(rows, tz, from, to, limit, offset);
          expect(listed.body.transactions.map((t: { description: string }) => t.description), label).toEqual(want.descriptions);
          expect(listed.body.pagination.total, label).toBe(want.total);
          expect(listed.trips, label).toBe(trips);
          const mine = await get(owner, `/v1/accounts/${acc.id}/transactions?${new URLSearchParams({ startDate: from, endDate: to, limit: String(limit), offset: String(offset) })}`);
          expect(mine.body.transactions, label).toEqual(listed.body.transactions);
          expect(mine.trips, label).toBe(trips);
        }
      }
    }
  });

  it("are a stranger's 404 in one round trip with none of them read, with or without filters", async () => {
    const { spaceId, acc } = await world();
    const bare = await registerUser();
    const emptySpace = (await callJson("/v1/spaces", { ...as(bare), body: { name: "E", type: "personal", currency: "USD" } })).body.id;
    const emptyAccount = await createAccount(bare, emptySpace);
    const stranger = await registerUser();
    const { get } = countingApp();
    for (const [space, account] of [[spaceId, acc.id], [emptySpace, emptyAccount.id]] as const) {
      for (const filter of ["", `&accountId=${account}`, "&startDate=2026-03-01&endDate=2026-03-03", `&accountId=${account}&startDate=2026-03-01`, "&search=T1", "&type=income"]) {
        const refused = await get(stranger, `/v1/transactions?spaceId=${space}${filter}`);
        expect(refused.status, filter).toBe(404);
        expect(refused.trips, filter).toBe(1);
        expect(refused.rowsRead, filter).toBeLessThan(30);
        expect(JSON.stringify(refused.body)).not.toMatch(/"T\d+"/); // no description (quoted: the error's timestamp holds "T1" from 10:00 to 19:59 UTC)
      }
    }
    // The same rows read for the populated space as for the empty one: none of its transactions.
    const populated = await get(stranger, `/v1/transactions?spaceId=${spaceId}&accountId=${acc.id}&startDate=2026-03-01`);
    const empty = await get(stranger, `/v1/transactions?spaceId=${emptySpace}&accountId=${emptyAccount.id}&startDate=2026-03-01`);
    expect(populated.rowsRead).toBe(empty.rowsRead);
  });
});

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
    expect(JSON.stringify(refused.body)).not.toMatch(/"T\d+"/); // no description (quoted: the error's timestamp holds "T1" from 10:00 to 19:59 UTC)
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

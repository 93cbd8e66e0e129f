/**
 * An account's statement in one D1 round trip: its range is read before the space's zone is known (in the
 * batch that reads it), widened, and trimmed to the zone's days. The answers must be exactly the ones the
 * zone gives: checked against the statement worked out from the entries' instants alone (the opening
 * balance, the entries and their running balances), for zones far from UTC, ranges whose ends fall near
 * the zones' midnights, and the default range (30 days before the zone's today).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingApp } from "../counting-app";
import { addMember, callJson, registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { instantIn, rangeEndExclusive } from "../../src/lib/dates";
import { formatMinor } from "../../src/lib/money";
import { MAX_STATEMENT_ENTRIES } from "../../src/modules/transactions/statement";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "Pacific/Kiritimati", "Pacific/Pago_Pago");

const ZONES = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Los_Angeles", "Asia/Kolkata", "UTC"];

/** Instants around the zones' midnights of March 1st to 3rd, 2026 (ties included). */
const INSTANTS = [
  "2026-02-28T09:59:59.999Z", "2026-02-28T10:00:00.000Z", "2026-03-01T07:59:59.999Z", "2026-03-01T08:00:00.000Z", "2026-03-01T08:00:00.000Z",
  "2026-03-01T09:59:59.999Z", "2026-03-01T10:00:00.000Z", "2026-03-01T10:00:00.000Z", "2026-03-01T23:30:00.000Z", "2026-03-02T08:00:00.000Z",
  "2026-03-02T10:00:00.000Z", "2026-03-02T12:00:00.000Z", "2026-03-03T07:59:59.999Z", "2026-03-03T09:59:59.999Z", "2026-03-03T10:00:00.000Z",
];

const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });

/** The date (YYYY-MM-DD) of instant `ms` in zone `tz`. */
const dayOf = (ms: number, tz: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));
const plusDays = (ymd: string, days: number) => new Date(Date.parse(`${ymd}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Each zone's default start (its today − 30 days), the instant of its midnight. */
const defaultStarts = () => ZONES.map((tz) => instantIn(plusDays(dayOf(Date.now(), tz), -30), tz));

type Entry = { narration: string; minor: number; at: number };

/**
 * An account (opening balance 1000.00) with entries around the zones' midnights of March 1st to 3rd and
 * around each zone's default start; another account's entry beside it. The entries in the order written.
 */
async function world() {
  const owner = await registerUser();
  const space = await callJson("/v1/spaces", { ...as(owner), body: { name: "Zones", type: "personal", currency: "USD", timezone: "Pacific/Kiritimati" } });
  expect(space.status).toBe(201);
  const spaceId = space.body.id as string;
  const acc = await createAccount(owner, spaceId, { openingBalance: "1000.00" });
  const other = await createAccount(owner, spaceId, { name: "Other", openingBalance: "5.00" });
  const listed = await callJson(`/v1/transactions?spaceId=${spaceId}&accountId=${acc.id}`, as(owner));
  const entries: Entry[] = [{ narration: "Opening balance", minor: 100_000, at: Date.parse(listed.body.transactions[0].date) }];
  const recent = defaultStarts().flatMap((m) => [m - 1, m, m + 1]);
  for (const [i, at] of [...INSTANTS.map(Date.parse), ...recent].entries()) {
    const minor = (i % 3 ? -1 : 1) * (i + 1) * 100;
    const made = await callJson("/v1/transactions", {
      ...as(owner), body: { spaceId, accountId: acc.id, amount: formatMinor(minor, 2), description: `T${i}`, date: new Date(at).toISOString() },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    entries.push({ narration: `T${i}`, minor, at });
  }
  await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: other.id, amount: "-1.00", description: "elsewhere", date: "2026-03-02T00:00:00Z" } });
  return { owner, spaceId, acc, entries };
}

/**
 * The statement a range should give in zone `tz`, worked out from the entries alone: value-date order (a
 * tie in the order written), the opening balance everything before the range's start; null when the
 * range ends before it starts.
 */
function expectedStatement(entries: Entry[], tz: string, from: string | undefined, to: string | undefined) {
  const today = dayOf(Date.now(), tz);
  // Without `from`: 30 days before today, or before `to` when `to` is before any zone's default start.
  const first = from ?? (to && to < plusDays(dayOf(Date.now(), "UTC"), -29) ? plusDays(to, -30) : plusDays(today, -30));
  const start = instantIn(first, tz);
  const end = to ? rangeEndExclusive(to, tz) : Infinity;
  if (end <= start) return null;
  const ordered = entries.map((e, i) => ({ ...e, i })).sort((a, b) => a.at - b.at || a.i - b.i);
  const opening = ordered.filter((e) => e.at < start).reduce((s, e) => s + e.minor, 0);
  const inRange = ordered.filter((e) => e.at >= start && e.at < end);
  let running = opening;
  const fmt = (m: number) => formatMinor(m, 2);
  const lines = inRange.map((e) => [e.narration, e.at, fmt(Math.max(-e.minor, 0)), fmt(Math.max(e.minor, 0)), fmt((running += e.minor))]);
  const lastDay = inRange.length ? dayOf(inRange[inRange.length - 1]!.at, tz) : today;
  return {
    from: first,
    to: to ?? (lastDay > today ? lastDay : today),
    openingBalance: fmt(opening),
    closingBalance: fmt(running),
    currentBalance: fmt(entries.reduce((s, e) => s + e.minor, 0)),
    totalDebit: fmt(inRange.reduce((s, e) => s + Math.max(-e.minor, 0), 0)),
    totalCredit: fmt(inRange.reduce((s, e) => s + Math.max(e.minor, 0), 0)),
    entries: lines,
  };
}

/** Ranges whose ends fall near the zones' midnights: March's, and those around the default start. */
function ranges(): [string | undefined, string | undefined][] {
  const utcStart = plusDays(dayOf(Date.now(), "UTC"), -30);
  return [
    [undefined, undefined], ["2026-03-02", undefined], [undefined, "2026-03-02"], ["2026-03-02", "2026-03-02"], ["2026-03-01", "2026-03-03"],
    ["2026-02-28", "2026-03-01"], ["2026-03-03", "2026-03-03"], ["2026-03-05", "2026-03-06"], ["2026-03-03", "2026-03-01"], ["2026-03-06", "2026-03-05"],
    [plusDays(utcStart, -1), utcStart], [utcStart, utcStart], [utcStart, undefined], [plusDays(utcStart, 1), undefined],
    [undefined, plusDays(utcStart, -1)], [undefined, utcStart], [undefined, plusDays(utcStart, 1)],
  ];
}

const statementPath = (accountId: string, from?: string, to?: string) => {
  const qs = new URLSearchParams();
  if (from) qs.set("from", from);
  if (to) qs.set("to", to);
  return `/v1/accounts/${accountId}/ledger${qs.size ? `?${qs}` : ""}`;
};

describe("an account's statement", () => {
  it("is the zone's days, read in one round trip with the zone, whatever the zone and the range", { timeout: 120_000 }, async () => {
    const { owner, spaceId, acc, entries } = await world();
    const { get } = countingApp();
    const answers = new Map<string, Set<string>>();
    let refused = 0;
    for (const tz of ZONES) {
      expect((await callJson(`/v1/spaces/${spaceId}`, { ...as(owner), method: "PATCH", body: { timezone: tz } })).status).toBe(200);
      for (const [from, to] of ranges()) {
        const label = `${tz} ${from} ${to}`;
        const got = await get(owner, statementPath(acc.id, from, to));
        const want = expectedStatement(entries, tz, from, to);
        expect(got.trips, label).toBe(1);
        if (want === null) {
          expect(got.status, label).toBe(422);
          expect(got.body.error.details[0], label).toMatchObject({ field: "to", code: "INVALID_RANGE" });
          refused++;
          continue;
        }
        expect(got.status, label).toBe(200);
        const { entries: lines, ...totals } = got.body;
        expect(totals, label).toEqual({ accountId: acc.id, currency: "USD", ...want, entries: undefined });
        const shown = lines.map((e: any) => [e.narration, Date.parse(e.date), e.debit, e.credit, e.runningBalance]);
        expect(shown, label).toEqual(want.entries);
        // A date is the entry's instant written in the zone's offset, on the zone's day.
        for (const e of lines) expect(e.date.slice(0, 10), label).toBe(dayOf(Date.parse(e.date), tz));
        const key = `${from} ${to}`;
        answers.set(key, (answers.get(key) ?? new Set()).add(JSON.stringify(got.body.entries.map((e: any) => e.narration)) + got.body.openingBalance));
      }
    }
    // The zones do move entries in and out of the days (and the default start with them).
    expect([...answers.values()].filter((v) => v.size > 1).length).toBeGreaterThan(6);
    expect(answers.get("undefined undefined")!.size).toBeGreaterThan(1);
    expect(refused).toBeGreaterThan(ZONES.length);
  });

  it("is a viewer's too; a stranger's is the account's 404 in one round trip, none of its entries read", async () => {
    const { owner, spaceId, acc } = await world();
    const viewer = await registerUser();
    await addMember(owner, spaceId, viewer, "viewer");
    const { get } = countingApp();
    const path = statementPath(acc.id, "2026-03-01", "2026-03-03");
    const own = await get(owner, path);
    expect(own.trips).toBe(1);
    expect(own.body.entries.length).toBeGreaterThan(3);
    const theirs = await get(viewer, path);
    expect(theirs.trips).toBe(1);
    expect(theirs.body).toEqual(own.body);

    const stranger = await registerUser();
    const none = await get(stranger, "/v1/accounts/acc_01doesnotexist000000000000/ledger");
    expect(none.status).toBe(404);
    const bare = await registerUser();
    const empty = await createAccount(bare, (await callJson("/v1/spaces", { ...as(bare), body: { name: "E", type: "personal", currency: "USD" } })).body.id);
    for (const [from, to] of [["2026-03-01", "2026-03-03"], [undefined, undefined], ["2026-03-03", "2026-03-01"]]) {
      const refused = await get(stranger, statementPath(acc.id, from, to));
      // Not a 422 for a backwards range either: the account is not the stranger's to see.
      expect(refused.status).toBe(404);
      expect(refused.body.error).toMatchObject({ code: none.body.error.code, message: none.body.error.message });
      expect(refused.trips).toBe(1);
      expect(JSON.stringify(refused.body)).not.toMatch(/"T\d+"/); // no description (quoted: the error's timestamp holds "T1" from 10:00 to 19:59 UTC)
      // The guards' few rows, as for an account with no entries at all: none of the account's read.
      const baseline = await get(stranger, statementPath(empty.id, from, to));
      expect(baseline.status).toBe(404);
      expect(refused.rowsRead).toBe(baseline.rowsRead);
      expect(refused.rowsRead).toBeLessThan(30);
    }
  });

  it("is of the account's own currency, whatever it is, and not of the other assets at its address", async () => {
    const owner = await registerUser();
    const spaceId = (await callJson("/v1/spaces", { ...as(owner), body: { name: "Assets", type: "personal", currency: "USD", timezone: "Asia/Tokyo" } })).body.id as string;
    const yen = await createAccount(owner, spaceId, { name: "Yen", currency: "JPY", openingBalance: "5000" });
    const broker = await createAccount(owner, spaceId, { name: "Brokerage", type: "brokerage", openingBalance: "1000.00" });
    const spent = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: yen.id, amount: "-300", description: "Ramen", date: "2026-03-02" } });
    expect(spent.status).toBe(201);
    const trade = await callJson("/v1/transactions", {
      ...as(owner), body: { spaceId, accountId: broker.id, description: "Buy", date: "2026-03-02", trade: { symbol: "AAPL", side: "buy", quantity: "2", unitPrice: "100" } },
    });
    expect(trade.status, JSON.stringify(trade.body)).toBe(201);
    const { get } = countingApp();
    const yenStatement = await get(owner, statementPath(yen.id, "2026-03-01", "2026-03-31"));
    expect(yenStatement.trips).toBe(1);
    expect(yenStatement.body).toMatchObject({ currency: "JPY", openingBalance: "5000", closingBalance: "4700", currentBalance: "4700", totalDebit: "300" });
    expect(yenStatement.body.entries.map((e: any) => [e.narration, e.debit, e.runningBalance])).toEqual([["Ramen", "300", "4700"]]);
    // The shares bought sit at the account's address too, in their own asset: only the cash is the statement's.
    const holding = await callJson(`/v1/spaces/${spaceId}/ledger/accounts/accounts:${broker.id}`, as(owner));
    expect(Object.keys(holding.body.data.balances).length).toBeGreaterThan(1);
    const brokerStatement = await get(owner, statementPath(broker.id, "2026-03-01", "2026-03-31"));
    expect(brokerStatement.trips).toBe(1);
    expect(brokerStatement.body).toMatchObject({ currency: "USD", openingBalance: "1000.00", closingBalance: "800.00", currentBalance: "800.00" });
    expect(brokerStatement.body.entries.map((e: any) => e.debit)).toEqual(["200.00"]);
  });
});

describe("a ledger transaction with two Dhanam rows on the account (a trade and its fee)", () => {
  it("is listed once a ledger entry, and counted once in the opening balance", async () => {
    const owner = await registerUser();
    const spaceId = (await callJson("/v1/spaces", { ...as(owner), body: { name: "Fees", type: "personal", currency: "USD", timezone: "UTC" } })).body.id as string;
    const acc = await createAccount(owner, spaceId, { openingBalance: "500.00" });
    const paid = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: acc.id, amount: "-100.00", description: "Trade", date: "2026-03-09T12:00:00Z" } });
    expect(paid.status).toBe(201);
    // A second row of the same ledger transaction on the account, as a provider's trade with a fee writes.
    await env.DB.prepare(
      `INSERT INTO transactions (id, space_id, account_id, amount, currency, description, merchant_name, normalized_merchant, date, type, subtype, status,
         category_id, category_source, tags, notes, location, counterparty_account_id, trade, provider_transaction_id, ledger_seq, created_at, updated_at)
       SELECT 'txn_zzfee', space_id, account_id, -1, currency, 'Fee', merchant_name, normalized_merchant, date, 'fee', NULL, status,
         NULL, NULL, tags, notes, location, counterparty_account_id, trade, provider_transaction_id, ledger_seq, created_at, updated_at FROM transactions WHERE id = ?`,
    ).bind(paid.body.id).run();
    const { get } = countingApp();
    // The day after: the trade is before the start, in the start's band.
    const after = await get(owner, statementPath(acc.id, "2026-03-10", "2026-03-31"));
    expect(after.trips).toBe(1);
    expect(after.body).toMatchObject({ openingBalance: "400.00", closingBalance: "400.00", currentBalance: "400.00" });
    expect(after.body.entries).toEqual([]);
    const on = await get(owner, statementPath(acc.id, "2026-03-09", "2026-03-31"));
    expect(on.body).toMatchObject({ openingBalance: "500.00", closingBalance: "400.00", totalDebit: "100.00" });
    expect(on.body.entries.map((e: any) => [e.voucherNumber, e.debit, e.runningBalance])).toEqual([[paid.body.id, "100.00", "400.00"]]);
  });
});

describe("a statement's size limit", () => {
  it("counts the range's entries in the zone, not the widened read's: exactly the limit is a statement, one more is refused", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const tz = "Pacific/Kiritimati";
    const spaceId = (await callJson("/v1/spaces", { ...as(owner), body: { name: "Big", type: "personal", currency: "USD", timezone: tz } })).body.id as string;
    const acc = await createAccount(owner, spaceId, { openingBalance: "1000.00" });
    const start = instantIn("2026-03-02", tz);
    const end = rangeEndExclusive("2026-03-02", tz);
    // Entries written straight into the ledger's tables (the API would take ten thousand requests): 50 just
    // before the day, the limit's worth in it, 50 just after; each of 0.01.
    const put = (first: number, count: number, at: string) =>
      env.DB.batch([
        env.DB.prepare(
          `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
           INSERT INTO ledger_entries (space_id, address, asset, seq, posting_index, amount, balance_after, timestamp)
           SELECT ?, ?, 'USD/2', ? + i, 0, 1, 0, ${at} FROM n`,
        ).bind(count, spaceId, `accounts:${acc.id}`, first),
        env.DB.prepare(
          `INSERT INTO ledger_transactions (space_id, seq, timestamp, postings, metadata, pre_volumes, post_volumes, created_at)
           SELECT space_id, seq, timestamp, '[]', '{}', '{}', '{}', 0 FROM ledger_entries WHERE space_id = ? AND seq >= ? AND seq < ? + ?`,
        ).bind(spaceId, first, first, count),
      ]);
    await put(1_000_000, 50, `${start} - 1 - i * 1000`);
    await put(2_000_000, MAX_STATEMENT_ENTRIES, `${start} + i * 8`);
    await put(3_000_000, 50, `${end} + i * 1000`);
    const { get } = countingApp();
    const path = statementPath(acc.id, "2026-03-02", "2026-03-02");
    const full = await get(owner, path);
    expect(full.trips).toBe(1);
    expect(full.status).toBe(200);
    expect(full.body.entries).toHaveLength(MAX_STATEMENT_ENTRIES);
    expect(full.body.entries[0]).toMatchObject({ ledgerTxid: 2_000_000, narration: "Ledger transaction 2000000", runningBalance: "1000.51" });
    expect(full.body).toMatchObject({ openingBalance: "1000.50", closingBalance: "1100.50", totalCredit: "100.00", currentBalance: "1000.00" });
    await put(4_000_000, 1, `${end} - 1`);
    const over = await get(owner, path);
    expect(over.trips).toBe(1);
    expect(over.status).toBe(422);
    expect(over.body.error.details[0]).toMatchObject({ field: "from", code: "TOO_BIG" });
  });
});

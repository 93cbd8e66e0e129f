/**
 * GET /v1/analytics/forecast's D1 round trips (issue 10): with a fresh cache, the session, the role, the
 * ledger's state and the cache in one batch. With a cache that is stale for certain (none, or too many
 * changes since) the forecast's reads come in that batch too, and the cache's write (a write of what was
 * computed, so after it) is the second. A cache of yesterday is stale for certain too: its row keeps the
 * instant the space's next day began (`valid_until`), which the batch compares with now without the zone.
 * So is a row without that mark (written before it was kept), and one of an older forecast epoch (the space's
 * currency, zone, rates or recurring decisions changed since).
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { addMember, registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { api, localDays, ok } from "./fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("Asia/Tokyo");

const TZ = "Asia/Tokyo";
const { day, monthDay } = localDays(TZ);
let owner: TestUser;
let viewer: TestUser;
let stranger: TestUser;
let spaceId: string;

const path = (id: string) => `/v1/analytics/forecast?spaceId=${id}`;
const withoutCache = ({ cache, ...rest }: any) => (void cache, rest);

beforeAll(async () => {
  [owner, viewer, stranger] = await Promise.all([registerUser(), registerUser(), registerUser()]);
  const a = api(owner);
  spaceId = (await ok(a.post("/v1/spaces", { name: "Forecast trips", type: "personal", currency: "USD", timezone: TZ }))).id;
  await addMember(owner, spaceId, viewer, "viewer");
  const checking = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "6000.00" });
  const pesos = await createAccount(owner, spaceId, { name: "Pesos", currency: "MXN" });
  await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: [{ base: "USD", quote: "MXN", date: day(-5), rate: "17.50" }] }));
  // Rent on today's day of the month, the last four months (30-day steps are no monthly series on some days: fixture.ts).
  for (const m of [-4, -3, -2, -1]) {
    await ok(a.post("/v1/transactions", { spaceId, accountId: checking.id, amount: "-1200.00", date: monthDay(m), description: "Rent Co", merchantName: "Rent Co" }));
  }
  await ok(a.post("/v1/transactions", { spaceId, accountId: pesos.id, amount: "2500.00", date: day(-20), description: "Factura" }));
  await ok(a.post("/v1/transactions", { spaceId, accountId: checking.id, amount: "-45.10", date: day(-3), description: "Groceries" }));
});

describe("GET /v1/analytics/forecast round trips", () => {
  it("computes a missing forecast in two round trips and serves the cached one in one, the same forecast", async () => {
    await env.DB.prepare("DELETE FROM forecast_cache WHERE space_id = ?").bind(spaceId).run();
    const { get } = countingApp();
    const cold = await get(viewer, path(spaceId));
    expect(cold.status, JSON.stringify(cold.body)).toBe(200);
    expect(cold.body.cache.hit).toBe(false);
    expect(cold.body.recurringSeriesUsed).toBeGreaterThan(0);
    expect(cold.body.conversion.ratesUsed).toEqual([expect.objectContaining({ base: "USD", quote: "MXN", source: "manual" })]);
    expect(cold.trips).toBe(2);
    const warm = await get(viewer, path(spaceId));
    expect(warm.status).toBe(200);
    expect(warm.body.cache).toMatchObject({ hit: true, changesSince: 0, ledgerSeq: cold.body.cache.ledgerSeq });
    expect(warm.trips).toBe(1);
    expect(withoutCache(warm.body)).toEqual(withoutCache(cold.body));
  });

  it("recomputes yesterday's cache and a much-changed one in two round trips, the same forecast", async () => {
    const { get } = countingApp();
    const fresh = await get(viewer, path(spaceId));
    expect(fresh.body.cache.hit).toBe(true);
    // Tokyo has no clock changes: its day starts at 15:00 UTC the day before.
    const startOf = (date: string) => Date.parse(`${date}T00:00:00+09:00`);
    const row = () => env.DB.prepare("SELECT as_of_date, valid_until FROM forecast_cache WHERE space_id = ?").bind(spaceId).first<{ as_of_date: string; valid_until: number }>();
    expect(await row()).toEqual({ as_of_date: day(0), valid_until: startOf(day(1)) });
    // Computed yesterday: valid until today began.
    await env.DB.prepare("UPDATE forecast_cache SET as_of_date = ?, valid_until = ? WHERE space_id = ?").bind(day(-1), startOf(day(0)), spaceId).run();
    const yesterday = await get(viewer, path(spaceId));
    expect(yesterday.body.cache.hit).toBe(false);
    expect(yesterday.trips).toBe(2);
    expect(withoutCache(yesterday.body)).toEqual(withoutCache(fresh.body));
    expect(await row()).toEqual({ as_of_date: day(0), valid_until: startOf(day(1)) });
    // A row from before `valid_until` (and the frame) was kept: stale for certain, the reads ride in the batch.
    await env.DB.prepare("UPDATE forecast_cache SET as_of_date = ?, valid_until = NULL, epoch = NULL WHERE space_id = ?").bind(day(-1), spaceId).run();
    const unmarked = await get(viewer, path(spaceId));
    expect(unmarked.body.cache.hit).toBe(false);
    expect(unmarked.trips).toBe(2);
    expect(withoutCache(unmarked.body)).toEqual(withoutCache(fresh.body));
    // Still valid by its instant but of an older epoch (the zone was changed, say): as stale, as cheaply.
    await env.DB.prepare("UPDATE forecast_cache SET as_of_date = ?, epoch = epoch - 1 WHERE space_id = ?").bind(day(-1), spaceId).run();
    const rezoned = await get(viewer, path(spaceId));
    expect(rezoned.body.cache.hit).toBe(false);
    expect(rezoned.trips).toBe(2);
    expect(withoutCache(rezoned.body)).toEqual(withoutCache(fresh.body));
    await env.DB.prepare("UPDATE forecast_cache SET ledger_seq = ledger_seq - ? WHERE space_id = ?").bind(5, spaceId).run();
    const changed = await get(viewer, path(spaceId));
    expect(changed.body.cache.hit).toBe(false);
    expect(changed.trips).toBe(2);
    expect(withoutCache(changed.body)).toEqual(withoutCache(fresh.body));
    await env.DB.prepare("UPDATE forecast_cache SET ledger_seq = ledger_seq - ? WHERE space_id = ?").bind(4, spaceId).run();
    const fewChanges = await get(viewer, path(spaceId));
    expect(fewChanges.body.cache).toMatchObject({ hit: true, changesSince: 4 });
    expect(fewChanges.trips).toBe(1);
    // A fresh row of an older layout (a whole forecast, as cached before the balances were read apart): not
    // served, computed again (its reads, with the balances, on their own: the SQL judges no payload).
    await env.DB.prepare("UPDATE forecast_cache SET payload = ? WHERE space_id = ?").bind(JSON.stringify(withoutCache(fresh.body)), spaceId).run();
    const older = await get(viewer, path(spaceId));
    expect(older.body.cache.hit).toBe(false);
    expect(older.trips).toBe(3);
    expect(withoutCache(older.body)).toEqual(withoutCache(fresh.body));
    expect((await get(viewer, path(spaceId))).body.cache.hit).toBe(true);
  });

  it("answers a stranger 404 in one round trip, reading nothing of the space", async () => {
    const { get } = countingApp();
    const r = await get(stranger, path(spaceId));
    expect(r.status).toBe(404);
    expect(r.body.forecast).toBeUndefined();
    expect(r.body.accounts).toBeUndefined();
    expect(r.trips).toBe(1);
    const empty = (await ok(api(viewer).post("/v1/spaces", { name: "Empty", type: "personal", currency: "USD", timezone: TZ }))).id;
    const baseline = await get(stranger, path(empty));
    expect(baseline.status).toBe(404);
    expect(r.rowsRead).toBe(baseline.rowsRead);
    // The batch's own bookkeeping only (each statement's access check): as many rows as of an empty space.
    expect(r.rowsRead).toBeLessThan(150);
  });
});

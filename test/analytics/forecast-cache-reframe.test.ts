/**
 * The cached forecast is in the space's currency, over the space's days, at its own rates and with its
 * recurring decisions, over its accounts and its transactions' descriptions and merchants: a change of any of
 * them (PATCH /v1/spaces/{id}, PUT .../rates, PATCH /v1/analytics/recurring/{id}, an account's creation or
 * patch, a transaction's description or merchant edit) must not serve the old one, even when the ledger has not
 * moved and the zone's today is the same day, nor when a forecast read before the change is written after it.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

async function spaceWithForecast() {
  return spaceWithForecastOf(await registerUser());
}

async function spaceWithForecastOf(u: TestUser) {
  const a = api(u);
  const space = await ok(a.post("/v1/spaces", { name: "F", type: "personal", currency: "USD", timezone: "UTC" }));
  const acc = await createAccount(u, space.id, { openingBalance: "1000.00" });
  await ok(a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, amount: "-90.00", date: localDays("UTC").day(-3), description: "Shop" }));
  const first = await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`));
  const again = await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`));
  expect(again.cache.hit).toBe(true);
  return { a, space, first, acc };
}

describe("the cached forecast after the space's currency or zone changes", () => {
  it("is computed again in the new currency", async () => {
    const { a, space, first } = await spaceWithForecast();
    expect(first.currency).toBe("USD");
    await ok(a.patch(`/v1/spaces/${space.id}`, { currency: "EUR" }));
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`));
    expect(after.currency).toBe("EUR");
    expect(after.cache.hit).toBe(false);
  });

  it("is computed again over the new zone's days, though its today is the same date", async () => {
    const { a, space, first } = await spaceWithForecast();
    // A zone an hour from UTC whose today is UTC's today at this moment.
    const zone = ["Etc/GMT-1", "Etc/GMT+1"].find((z) => localDays(z).today === first.asOfDate)!;
    await ok(a.patch(`/v1/spaces/${space.id}`, { timezone: zone }));
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`));
    expect(after.asOfDate).toBe(first.asOfDate);
    expect(after.cache.hit).toBe(false);
    // A PATCH that changes neither keeps the cache.
    await ok(a.patch(`/v1/spaces/${space.id}`, { name: "Renamed", timezone: zone, currency: "USD" }));
    expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`))).cache.hit).toBe(true);
  });

  it("is not served when a forecast read before the change is written after it (the change's bump came first)", async () => {
    const { day } = localDays("UTC");
    const changes: [string, (a: ReturnType<typeof api>, spaceId: string) => Promise<unknown>][] = [
      ["currency", (a, id) => ok(a.patch(`/v1/spaces/${id}`, { currency: "EUR" }))],
      ["zone east", (a, id) => ok(a.patch(`/v1/spaces/${id}`, { timezone: "Etc/GMT-1" }))],
      ["zone west", (a, id) => ok(a.patch(`/v1/spaces/${id}`, { timezone: "Etc/GMT+1" }))],
      ["a rate", (a, id) => ok(a.put(`/v1/spaces/${id}/rates`, { rates: [{ base: "USD", quote: "MXN", date: day(0), rate: "10" }] }))],
      ["a recurring decision", async (a, id) => {
        // A series decided on before (no series is detected here): restoring it drops the decision.
        await env.DB.prepare("INSERT INTO recurring_decisions (space_id, series_key, status, updated_by, created_at, updated_at) VALUES (?, ?, 'dismissed', 'u', 0, 0)")
          .bind(id, `rec_${"0".repeat(24)}`).run();
        return ok(a.patch(`/v1/analytics/recurring/rec_${"0".repeat(24)}`, { spaceId: id, action: "restore" }));
      }],
    ];
    for (const [what, change] of changes) {
      const { a, space } = await spaceWithForecast();
      // What a GET or the cron that read the space before the change writes after it: the old inputs' forecast.
      const racing = (await env.DB.prepare("SELECT * FROM forecast_cache WHERE space_id = ?").bind(space.id).first<Record<string, unknown>>())!;
      await change(a, space.id);
      const cols = Object.keys(racing);
      await env.DB.prepare(`INSERT OR REPLACE INTO forecast_cache (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).bind(...cols.map((c) => racing[c])).run();
      const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`));
      expect(after.cache.hit, what).toBe(false);
      // Computed after the change, it is served from then on.
      expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`))).cache.hit, what).toBe(true);
    }
  });
});

/** env.DB (and its sessions), except that the first batch holding an `UPDATE "spaces"` waits for `before()`. */
function dbPausingSpaceUpdate(before: () => Promise<void>) {
  let armed = true;
  const wrap = <T extends object>(db: T): T =>
    new Proxy(db, {
      get: (t, p) => {
        const v = Reflect.get(t, p);
        if (p === "withSession") return (...args: unknown[]) => wrap((v as (...a: unknown[]) => object).apply(t, args));
        if (p === "batch") {
          return async (stmts: D1PreparedStatement[]) => {
            if (armed && stmts.some((x) => /^update "spaces"/i.test(String(Reflect.get(x, "statement"))))) {
              armed = false;
              await before();
            }
            return (v as (s: D1PreparedStatement[]) => Promise<unknown>).call(t, stmts);
          };
        }
        return typeof v === "function" ? v.bind(t) : v;
      },
    });
  return wrap(env.DB);
}

async function patchThrough(db: D1Database, u: TestUser, path: string, body: unknown) {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`http://api.test${path}`, { method: "PATCH", headers: { authorization: `Bearer ${u.accessToken}`, "cf-connecting-ip": u.ip, "content-type": "application/json" }, body: JSON.stringify(body) }),
    { ...env, DB: db },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res.status;
}

describe("the cached forecast and changes beside the ledger", () => {
  it("is not served in the old currency after two racing PATCHes, the later one read before the earlier", async () => {
    const u = await registerUser();
    const a = api(u);
    const { space } = await spaceWithForecastOf(u);
    // B read the space in USD and writes USD; just before its write, A sets EUR and a GET caches the EUR forecast.
    const db = dbPausingSpaceUpdate(async () => {
      await ok(a.patch(`/v1/spaces/${space.id}`, { currency: "EUR" }));
      expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`))).currency).toBe("EUR");
    });
    expect(await patchThrough(db, u, `/v1/spaces/${space.id}`, { currency: "USD" })).toBe(200);
    const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`));
    expect({ currency: after.currency, hit: after.cache.hit }).toEqual({ currency: "USD", hit: false });
  });

  it("shows an account renamed, or added without a balance", async () => {
    const u = await registerUser();
    const a = api(u);
    const { space, acc } = await spaceWithForecastOf(u);
    await ok(a.patch(`/v1/accounts/${acc.id}`, { name: "Renamed" }));
    expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`))).accounts.map((x: any) => x.name)).toEqual(["Renamed"]);
    await createAccount(u, space.id, { name: "Second" });
    expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`))).accounts.map((x: any) => x.name).sort()).toEqual(["Renamed", "Second"]);
  });

  it("finds a recurring series once its payments' descriptions or merchant are edited to match", async () => {
    for (const field of ["description", "merchantName"] as const) {
      const u = await registerUser();
      const a = api(u);
      const { monthDay } = localDays("UTC");
      const space = await ok(a.post("/v1/spaces", { name: "R", type: "personal", currency: "USD", timezone: "UTC" }));
      const acc = await createAccount(u, space.id, { openingBalance: "5000.00" });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        // The merchant, when there is one, is what a series is matched by; the description otherwise.
        const body = { spaceId: space.id, accountId: acc.id, amount: "-15.99", date: monthDay(-i, -2), description: `Payment ${"abcd"[i]}`, ...(field === "merchantName" ? { merchantName: `Shop ${"abcd"[i]}` } : {}) };
        ids.push((await ok(a.post("/v1/transactions", body))).id);
      }
      expect((await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`))).recurringSeriesUsed).toBe(0);
      for (const id of ids) await ok(a.patch(`/v1/transactions/${id}`, field === "description" ? { description: "Netflix" } : { merchantName: "NETFLIX.COM" }));
      const after = await ok(a.get(`/v1/analytics/forecast?spaceId=${space.id}`));
      expect({ field, used: after.recurringSeriesUsed, hit: after.cache.hit }).toEqual({ field, used: 1, hit: false });
    }
  });
});

/**
 * The nightly forecast refresh (forecastCronTask): a bounded number of spaces a run, the stalest cache first,
 * deleted spaces skipped, and one space that fails does not end the run (it stayed the stalest, so every later
 * run began and ended with it).
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import { refreshForecasts } from "../../src/modules/analytics/forecast";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, ok } from "./fixture";

afterEach(() => vi.useRealTimers());

// 21:50 and 22:00 in Bogota, the same local day (2026-03-20).
const T0 = Date.parse("2026-03-21T02:50:00Z");
const RUN = Date.parse("2026-03-21T03:00:00Z");
const svcAt = (ms: number): Services => ({ env, db: createDb(env.DB), clock: { now: () => ms } });

async function spaceWithRent(name: string) {
  const u = await registerUser();
  const a = api(u);
  const spaceId = (await ok(a.post("/v1/spaces", { name, type: "personal", currency: "USD", timezone: "America/Bogota" }))).id as string;
  const acc = await createAccount(u, spaceId, { name: "Checking", openingBalance: "5000.00" });
  for (const date of ["2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01"]) {
    await ok(a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-1200.00", date, merchantName: "Landlord", description: "Rent" }));
  }
  return { u, a, spaceId };
}

const computedAt = async (spaceId: string) =>
  (await env.DB.prepare("SELECT computed_at FROM forecast_cache WHERE space_id = ?").bind(spaceId).first<{ computed_at: number }>())?.computed_at ?? null;

describe("the forecast cron", () => {
  it("goes on past a space that fails, and skips a deleted space", async () => {
    vi.setSystemTime(T0);
    const broken = await spaceWithRent("Broken");
    const healthy = await spaceWithRent("Healthy");
    const deleted = await spaceWithRent("Deleted");
    // The healthy space has a cache (read at T0); the broken one has none, so it is the stalest and comes first.
    await ok(healthy.a.get(`/v1/analytics/forecast?spaceId=${healthy.spaceId}`));
    expect(await computedAt(healthy.spaceId)).toBe(T0);
    await env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE id = ?").bind(T0, deleted.spaceId).run();
    // A zone the runtime cannot use (a row from before zones were checked): computing its forecast throws.
    await env.DB.prepare("UPDATE spaces SET timezone = 'Mars/Olympus_Mons' WHERE id = ?").bind(broken.spaceId).run();
    vi.spyOn(console, "error").mockImplementation(() => {});

    // A run of one: the broken space, the stalest, fails; it goes to the back of the line, its cache stale.
    expect(await refreshForecasts(svcAt(RUN), RUN, 1)).toBe(0);
    expect(await computedAt(broken.spaceId)).toBe(RUN);
    expect(await computedAt(healthy.spaceId)).toBe(T0);
    // The next run of one is the healthy space's (it began with the broken one again, every night).
    expect(await refreshForecasts(svcAt(RUN + 60_000), RUN + 60_000, 1)).toBe(1);
    expect(await computedAt(healthy.spaceId)).toBe(RUN + 60_000);
    // A whole run goes on past the failing space, and skips the deleted one.
    const done = await refreshForecasts(svcAt(RUN + 120_000), RUN + 120_000);
    expect(done).toBe(1);
    expect(await computedAt(healthy.spaceId)).toBe(RUN + 120_000);
    expect(await computedAt(broken.spaceId)).toBe(RUN + 120_000);
    expect(await computedAt(deleted.spaceId)).toBeNull();
    // The broken space's marker is never served: with a zone it can use again, its next read computes its forecast.
    await env.DB.prepare("UPDATE spaces SET timezone = 'America/Bogota' WHERE id = ?").bind(broken.spaceId).run();
    vi.setSystemTime(RUN + 180_000);
    const read = await ok(broken.a.get(`/v1/analytics/forecast?spaceId=${broken.spaceId}`));
    expect(read.cache).toMatchObject({ hit: false });
    expect(await computedAt(broken.spaceId)).toBe(RUN + 180_000);
  });

  it("refreshes the stalest caches first, a bounded number a run", async () => {
    vi.setSystemTime(T0);
    const older = await spaceWithRent("Older");
    const never = await spaceWithRent("Never");
    vi.setSystemTime(T0 + 60_000);
    const newer = await spaceWithRent("Newer");
    vi.setSystemTime(T0);
    await ok(older.a.get(`/v1/analytics/forecast?spaceId=${older.spaceId}`));
    vi.setSystemTime(T0 + 60_000);
    await ok(newer.a.get(`/v1/analytics/forecast?spaceId=${newer.spaceId}`));

    // The other test's spaces are left out of this run (deleted).
    await env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE id NOT IN (?, ?, ?)").bind(T0, older.spaceId, never.spaceId, newer.spaceId).run();

    expect(await refreshForecasts(svcAt(RUN), RUN, 2)).toBe(2);
    expect(await computedAt(never.spaceId)).toBe(RUN);
    expect(await computedAt(older.spaceId)).toBe(RUN);
    expect(await computedAt(newer.spaceId)).toBe(T0 + 60_000);
    // The refreshed plan is served the same local day: a cache hit.
    vi.setSystemTime(RUN + 60_000);
    const f = await ok(never.a.get(`/v1/analytics/forecast?spaceId=${never.spaceId}`));
    expect(f.cache).toMatchObject({ hit: true, computedAt: new Date(RUN).toISOString() });
    expect(f.asOfDate).toBe("2026-03-20");
  });
});

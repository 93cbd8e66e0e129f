/**
 * A gaming row's value over time (QA: a sync rewrote every past net-worth point since the wallet was first
 * seen on the platform, as it did DeFi's). Through the real app and the gaming simulator: a sync that lowers a
 * platform's holdings and one after which a platform no longer knows the wallet leave the past as it was,
 * and move the dashboard's change by exactly the drop, at the space's reported rates.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fnv1a } from "../../src/sandbox/hash";
import { ok } from "../analytics/fixture";
import { cents, expectedNow, freshAddress, moveLastSync, pointsOf, readings, simulate, syncers, usdTotals, walletSpace } from "../defi/history-fixture";
import { decimalToMinor } from "../../src/modules/prices/decimal";

const usd = (v: string | null) => (v === null ? null : decimalToMinor(v, 2));

/** An address the simulator knows on The Sandbox (always) and on at least one other platform. */
function playingAddress(): { address: string; other: string } {
  for (;;) {
    const address = freshAddress();
    const other = ["axie", "decentraland", "illuvium", "gala"].find((p) => (fnv1a(`${p}:${address}`) & 1) === 1);
    if (other) return { address, other };
  }
}

describe("gaming values at past instants", () => {
  it("a sync that lowers a platform, then one after which another no longer knows the wallet, leave past points alone", { timeout: 90_000 }, async () => {
    const { address, other } = playingAddress();
    const { a, spaceId, day, today } = await walletSpace(address);
    const first = await usdTotals(a, spaceId);
    const platformValue = (t: typeof first, p: string) => cents(t.platforms.find((x) => x.platform === p)?.totalValueUsdDecimal ?? "0.00");
    expect(platformValue(first, other)).toBeGreaterThan(0n);
    const base = await readings(a, spaceId, day(-25), today);
    expect(cents(base.dash.netWorth.currentDecimal)).toBe(expectedNow(first.defi + first.gaming, base.todayRate));

    // The next sync sees a tenth of the wallet's SAND, staked and not.
    await simulate("gaming", address, { percent: { sandbox: 10 } });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const lowered = await usdTotals(a, spaceId);
    expect(platformValue(lowered, "sandbox")).toBeLessThan(platformValue(first, "sandbox"));
    expect(lowered.defi).toBe(first.defi);
    const afterLower = await readings(a, spaceId, day(-25), today);
    expect(afterLower.points.filter((p) => p.date < today)).toEqual(base.points.filter((p) => p.date < today));
    expect(afterLower.dash.netWorth.previousDecimal).toBe(base.dash.netWorth.previousDecimal);
    const nowLowered = expectedNow(lowered.defi + lowered.gaming, afterLower.todayRate);
    expect(cents(afterLower.dash.netWorth.currentDecimal)).toBe(nowLowered);
    expect(nowLowered).toBeLessThan(cents(base.dash.netWorth.currentDecimal));
    expect(cents(afterLower.dash.netWorth.changeDecimal) - cents(base.dash.netWorth.changeDecimal)).toBe(nowLowered - cents(base.dash.netWorth.currentDecimal));

    // The next sync: the other platform no longer knows the wallet (404). It counted until then, not after.
    await simulate("gaming", address, { percent: { sandbox: 10 }, closed: [other] });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const closed = await usdTotals(a, spaceId);
    expect(closed.platforms.map((p) => p.platform)).not.toContain(other);
    expect(closed.gaming).toBe(lowered.gaming - platformValue(lowered, other));
    const afterClose = await readings(a, spaceId, day(-25), today);
    expect(afterClose.points.filter((p) => p.date < today)).toEqual(base.points.filter((p) => p.date < today));
    expect(afterClose.dash.netWorth.previousDecimal).toBe(base.dash.netWorth.previousDecimal);
    const nowClosed = expectedNow(closed.defi + closed.gaming, afterClose.todayRate);
    expect(cents(afterClose.dash.netWorth.currentDecimal)).toBe(nowClosed);
    expect(cents(afterClose.dash.netWorth.changeDecimal) - cents(afterLower.dash.netWorth.changeDecimal)).toBe(nowClosed - nowLowered);
    expect(afterClose.points.find((p) => p.date === today)!.netWorthDecimal).toBe(afterClose.dash.netWorth.currentDecimal);

    const stored = await env.DB.prepare("SELECT platform, value_usd FROM gaming_position_values WHERE space_id = ? AND platform IN ('sandbox', ?) ORDER BY platform, synced_at")
      .bind(spaceId, other).all<{ platform: string; value_usd: string | null }>();
    expect(stored.results.filter((r) => r.platform === "sandbox").length).toBe(2);
    expect(stored.results.filter((r) => r.platform === other).map((r) => r.value_usd === null)).toEqual([false, true]);
  });
});

describe("one value point a gaming row a day", () => {
  it("20 syncs in a day that each change a platform's value leave one point for the day, at the last sync's value; yesterday's point stays", { timeout: 180_000 }, async () => {
    const address = freshAddress();
    const { owner, a, spaceId, day, today } = await walletSpace(address);
    const walletId = (await env.DB.prepare("SELECT id FROM defi_wallets WHERE space_id = ?").bind(spaceId).first<{ id: string }>())!.id;
    const sandboxPoints = () => pointsOf("gaming_position_values", "wallet_id = ? AND platform = 'sandbox'", walletId);
    const sandboxValue = async () =>
      cents((await env.DB.prepare("SELECT total_value_usd AS v FROM gaming_positions WHERE wallet_id = ? AND platform = 'sandbox'").bind(walletId).first<{ v: string }>())!.v);
    const firstValue = await sandboxValue();
    // Yesterday evening's sync saw half the wallet's SAND.
    const todayStart = Date.parse(`${today}T00:00:00Z`);
    await simulate("gaming", address, { percent: { sandbox: 50 } });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const half = await sandboxValue();
    await moveLastSync(spaceId, todayStart - 6 * 3_600_000);
    const before = await sandboxPoints();
    expect(before.map((p) => usd(p.value_usd))).toEqual([firstValue, half]);
    const base = await readings(a, spaceId, day(-25), today);
    const pointsBefore = (await env.DB.prepare("SELECT COUNT(*) AS n FROM gaming_position_values WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!.n;

    // Today: 20 manual syncs (5 a minute per caller: four members), each seeing another share of the SAND.
    const members = await syncers(owner, spaceId, 4);
    const values = new Set<bigint>();
    const started = Date.now();
    let firstDone = 0;
    for (let i = 0; i < 20; i++) {
      await simulate("gaming", address, { percent: { sandbox: 20 + i } });
      await ok(members[Math.floor(i / 5)]!.post("/v1/defi/sync", { spaceId }));
      if (i === 0) firstDone = Date.now();
      values.add(await sandboxValue());
    }
    expect(values.size).toBe(20);
    expect(values.has(half)).toBe(false);

    const after = await usdTotals(a, spaceId);
    const last = cents(after.platforms.find((p) => p.platform === "sandbox")!.totalValueUsdDecimal);
    expect(last).toBe(await sandboxValue());
    const points = await sandboxPoints();
    expect(points.filter((p) => p.synced_at >= todayStart).length).toBe(1);
    expect(points.length).toBe(3);
    expect(points.slice(0, 2)).toEqual(before);
    expect(usd(points[2]!.value_usd)).toBe(last);
    expect(points[2]!.synced_at).toBeGreaterThanOrEqual(started);
    expect(points[2]!.synced_at).toBeLessThanOrEqual(firstDone);
    // No other platform changed: the space holds one point more.
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM gaming_position_values WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!;
    expect(n).toBe(pointsBefore + 1);

    const read = await readings(a, spaceId, day(-25), today);
    expect(read.points.filter((p) => p.date < today)).toEqual(base.points.filter((p) => p.date < today));
    expect(read.dash.netWorth.previousDecimal).toBe(base.dash.netWorth.previousDecimal);
    expect(cents(read.dash.netWorth.currentDecimal)).toBe(expectedNow(after.defi + after.gaming, read.todayRate));
    expect(read.points.find((p) => p.date === today)!.netWorthDecimal).toBe(read.dash.netWorth.currentDecimal);
  });

  it("a platform that forgets the wallet and knows it again the same day has one point for the day, back at its value", { timeout: 90_000 }, async () => {
    const { address, other } = playingAddress();
    const { a, spaceId, day, today } = await walletSpace(address);
    const walletId = (await env.DB.prepare("SELECT id FROM defi_wallets WHERE space_id = ?").bind(spaceId).first<{ id: string }>())!.id;
    const otherPoints = () => pointsOf("gaming_position_values", "wallet_id = ? AND platform = ?", walletId, other);
    const [firstPoint] = await otherPoints();
    const base = await readings(a, spaceId, day(-25), today);

    await simulate("gaming", address, { percent: { [other]: 50 } });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    await simulate("gaming", address, { closed: [other] });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const gone = await usdTotals(a, spaceId);
    expect(gone.platforms.map((p) => p.platform)).not.toContain(other);
    expect((await otherPoints()).map((p) => p.value_usd === null)).toEqual([false, true]);
    const mid = await readings(a, spaceId, day(-25), today);
    expect(cents(mid.dash.netWorth.currentDecimal)).toBe(expectedNow(gone.defi + gone.gaming, mid.todayRate));

    await simulate("gaming", address, { percent: { [other]: 70 } });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const back = await usdTotals(a, spaceId);
    const points = await otherPoints();
    expect(points.length).toBe(2);
    expect(points[0]).toEqual(firstPoint);
    expect(usd(points[1]!.value_usd)).toBe(cents(back.platforms.find((p) => p.platform === other)!.totalValueUsdDecimal));
    const read = await readings(a, spaceId, day(-25), today);
    expect(read.points.filter((p) => p.date < today)).toEqual(base.points.filter((p) => p.date < today));
    expect(read.dash.netWorth.previousDecimal).toBe(base.dash.netWorth.previousDecimal);
    expect(cents(read.dash.netWorth.currentDecimal)).toBe(expectedNow(back.defi + back.gaming, read.todayRate));
  });
});

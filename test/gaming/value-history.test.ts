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
import { cents, expectedNow, freshAddress, readings, simulate, usdTotals, walletSpace } from "../defi/history-fixture";

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

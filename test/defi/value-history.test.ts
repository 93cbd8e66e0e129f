/**
 * A DeFi position's value over time (QA: a sync rewrote every past net-worth point since the position was first
 * seen, and the dashboard's "previous" used today's value, so a loss from DeFi never showed in its change).
 * Through the real app and the Zapper simulator: a sync that lowers a position and one that closes one leave
 * the past as it was, and move the dashboard's change by exactly the drop, at the space's reported rates.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decimalToMinor } from "../../src/modules/prices/decimal";
import { ok } from "../analytics/fixture";
import { cents, expectedNow, freshAddress, readings, simulate, usdTotals, walletSpace } from "./history-fixture";

describe("DeFi values at past instants", () => {
  it("a sync that lowers a position, then one that closes another, leave past points alone and show the drop in the change", { timeout: 90_000 }, async () => {
    const address = freshAddress();
    const { a, spaceId, day, today } = await walletSpace(address);
    const first = await usdTotals(a, spaceId);
    const lido = first.positions.find((p) => p.protocol === "lido")!;
    const uniswap = first.positions.find((p) => p.protocol === "uniswap-v3")!;
    const base = await readings(a, spaceId, day(-25), today);
    // Held since the first sync 20 days ago, at the same value: the period's start already counts it.
    expect(cents(base.dash.netWorth.currentDecimal)).toBe(expectedNow(first.defi + first.gaming, base.todayRate));
    expect(base.points.find((p) => p.date === day(-25))!.netWorthDecimal).toBe("1000.00");
    expect(cents(base.points.find((p) => p.date === day(-10))!.netWorthDecimal)).toBeGreaterThan(100_000n);

    // The next sync sees Lido at a tenth of its size.
    await simulate("zapper", address, { percent: { lido: 10 } });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const lowered = await usdTotals(a, spaceId);
    const lidoNow = lowered.positions.find((p) => p.id === lido.id)!;
    expect(cents(lidoNow.totalValueUSDDecimal)).toBeLessThan(cents(lido.totalValueUSDDecimal));
    expect(lowered.defi).toBe(first.defi - cents(lido.totalValueUSDDecimal) + cents(lidoNow.totalValueUSDDecimal));
    expect(lowered.gaming).toBe(first.gaming);
    const afterLower = await readings(a, spaceId, day(-25), today);
    // Every day before today shows what was known on it; the period's start too.
    expect(afterLower.points.filter((p) => p.date < today)).toEqual(base.points.filter((p) => p.date < today));
    expect(afterLower.dash.netWorth.previousDecimal).toBe(base.dash.netWorth.previousDecimal);
    // Now, and the change, moved by exactly the drop at today's rate (rounded once, as the total is).
    const nowLowered = expectedNow(lowered.defi + lowered.gaming, afterLower.todayRate);
    expect(cents(afterLower.dash.netWorth.currentDecimal)).toBe(nowLowered);
    const drop = nowLowered - cents(base.dash.netWorth.currentDecimal);
    expect(drop).toBeLessThan(0n);
    expect(cents(afterLower.dash.netWorth.changeDecimal) - cents(base.dash.netWorth.changeDecimal)).toBe(drop);
    expect(afterLower.points.find((p) => p.date === today)!.netWorthDecimal).toBe(afterLower.dash.netWorth.currentDecimal);

    // The next sync no longer sees the Uniswap pool: it counted until that sync, not after.
    await simulate("zapper", address, { percent: { lido: 10 }, closed: ["uniswap-v3"] });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const closed = await usdTotals(a, spaceId);
    expect(closed.positions.map((p) => p.id)).not.toContain(uniswap.id);
    expect(closed.defi).toBe(lowered.defi - cents(uniswap.totalValueUSDDecimal));
    const afterClose = await readings(a, spaceId, day(-25), today);
    expect(afterClose.points.filter((p) => p.date < today)).toEqual(base.points.filter((p) => p.date < today));
    expect(afterClose.dash.netWorth.previousDecimal).toBe(base.dash.netWorth.previousDecimal);
    const nowClosed = expectedNow(closed.defi + closed.gaming, afterClose.todayRate);
    expect(cents(afterClose.dash.netWorth.currentDecimal)).toBe(nowClosed);
    expect(cents(afterClose.dash.netWorth.changeDecimal) - cents(afterLower.dash.netWorth.changeDecimal)).toBe(nowClosed - nowLowered);
    expect(afterClose.dash.netWorth.holdings.map((h: any) => h.id)).not.toContain(uniswap.id);
    // Held since before the period: no "first seen" note leaves the loss out.
    expect(afterClose.dash.notes.some((n: string) => n.includes("first seen in the period"))).toBe(false);

    // One point per sync that changed a value, and one closing the pool; a sync that changes nothing adds none.
    const points = async () => (await env.DB.prepare("SELECT position_id, value_usd FROM defi_position_values WHERE space_id = ? ORDER BY position_id, synced_at").bind(spaceId).all<{ position_id: string; value_usd: string | null }>()).results;
    const stored = await points();
    const usd = (v: string | null) => (v === null ? null : decimalToMinor(v, 2));
    expect(stored.filter((p) => p.position_id === lido.id).map((p) => usd(p.value_usd))).toEqual([cents(lido.totalValueUSDDecimal), cents(lidoNow.totalValueUSDDecimal)]);
    expect(stored.filter((p) => p.position_id === uniswap.id).map((p) => p.value_usd === null)).toEqual([false, true]);
    await ok(a.post("/v1/defi/sync", { spaceId }));
    expect(await points()).toEqual(stored);
  });

  it("keeps the history of a wallet of more than 100 positions (the sync's key list is one JSON value)", { timeout: 90_000 }, async () => {
    const address = freshAddress();
    const { a, spaceId, day, today } = await walletSpace(address, () => simulate("zapper", address, { copies: 60 }));
    const first = await usdTotals(a, spaceId);
    expect(first.positions.length).toBeGreaterThanOrEqual(120);
    const base = await readings(a, spaceId, day(-25), today);

    await simulate("zapper", address, { copies: 60, percent: { lido: 50 }, closed: ["uniswap-v3"] });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const after = await usdTotals(a, spaceId);
    expect(after.positions.length).toBe(first.positions.length - 60);
    expect(after.positions.filter((p) => p.protocol === "lido").length).toBe(60);
    const read = await readings(a, spaceId, day(-25), today);
    expect(read.points.filter((p) => p.date < today)).toEqual(base.points.filter((p) => p.date < today));
    expect(read.dash.netWorth.previousDecimal).toBe(base.dash.netWorth.previousDecimal);
    const now = expectedNow(after.defi + after.gaming, read.todayRate);
    expect(cents(read.dash.netWorth.currentDecimal)).toBe(now);
    expect(cents(read.dash.netWorth.changeDecimal) - cents(base.dash.netWorth.changeDecimal)).toBe(now - cents(base.dash.netWorth.currentDecimal));
    const closedPoints = await env.DB.prepare("SELECT COUNT(*) AS n FROM defi_position_values WHERE space_id = ? AND value_usd IS NULL").bind(spaceId).first<{ n: number }>();
    expect(closedPoints!.n).toBe(60);
  });

  it("migration 0039 gives positions stored before it their value now as of their first sync: nothing shown changes", { timeout: 90_000 }, async () => {
    const address = freshAddress();
    const { a, spaceId, day, today } = await walletSpace(address);
    const shown = await readings(a, spaceId, day(-25), today);
    // Rows as they were before the migration: positions, no value history.
    await env.DB.prepare("DELETE FROM defi_position_values WHERE space_id = ?").bind(spaceId).run();
    await env.DB.prepare("DELETE FROM gaming_position_values WHERE space_id = ?").bind(spaceId).run();
    expect((await readings(a, spaceId, day(-25), today)).dash.netWorth.currentDecimal).toBe("1000.00");
    const backfill = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0039_"))!.queries.filter((q) => q.includes("INSERT OR IGNORE"));
    expect(backfill.length).toBe(2);
    for (const q of backfill) await env.DB.prepare(q).run();
    const after = await readings(a, spaceId, day(-25), today);
    expect(after.points).toEqual(shown.points);
    expect(after.dash.netWorth).toEqual(shown.dash.netWorth);
  });
});

/**
 * A DeFi position's value over time (QA: a sync rewrote every past net-worth point since the position was first
 * seen, and the dashboard's "previous" used today's value, so a loss from DeFi never showed in its change).
 * Through the real app and the Zapper simulator: a sync that lowers a position and one that closes one leave
 * the past as it was, and move the dashboard's change by exactly the drop, at the space's reported rates.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { syncWallet, type WalletRow } from "../../src/modules/defi/service";
import { decimalToMinor } from "../../src/modules/prices/decimal";
import { ok } from "../analytics/fixture";
import { cents, expectedNow, freshAddress, moveLastSync, pointsOf, readings, simulate, syncers, usdTotals, walletSpace } from "./history-fixture";

const HOUR = 3_600_000;
const usd = (v: string | null) => (v === null ? null : decimalToMinor(v, 2));

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

describe("one value point a DeFi position a day", () => {
  it("20 syncs in a day that each change a position leave one point for the day, at the last sync's value; yesterday's point stays", { timeout: 180_000 }, async () => {
    const address = freshAddress();
    const { owner, a, spaceId, day, today } = await walletSpace(address);
    const first = await usdTotals(a, spaceId);
    const lido = first.positions.find((p) => p.protocol === "lido")!;
    const lidoPoints = () => pointsOf("defi_position_values", "position_id = ?", lido.id);
    const lidoValue = async () => cents((await env.DB.prepare("SELECT total_value_usd AS v FROM defi_positions WHERE id = ?").bind(lido.id).first<{ v: string }>())!.v);
    // Yesterday evening's sync saw Lido at half its size.
    const todayStart = Date.parse(`${today}T00:00:00Z`);
    await simulate("zapper", address, { percent: { lido: 50 } });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const half = await lidoValue();
    await moveLastSync(spaceId, todayStart - 6 * HOUR);
    const before = await lidoPoints();
    expect(before.map((p) => usd(p.value_usd))).toEqual([cents(lido.totalValueUSDDecimal), half]);
    expect(before[1]!.synced_at).toBe(todayStart - 6 * HOUR);
    const base = await readings(a, spaceId, day(-25), today);

    // Today: 20 manual syncs (5 a minute per caller: four members), each seeing Lido at another size.
    const members = await syncers(owner, spaceId, 4);
    const values = new Set<bigint>();
    const started = Date.now();
    let firstDone = 0;
    for (let i = 0; i < 20; i++) {
      await simulate("zapper", address, { percent: { lido: 20 + i } });
      await ok(members[Math.floor(i / 5)]!.post("/v1/defi/sync", { spaceId }));
      if (i === 0) firstDone = Date.now();
      values.add(await lidoValue());
    }
    expect(values.size).toBe(20);
    expect(values.has(half)).toBe(false);

    const after = await usdTotals(a, spaceId);
    const last = cents(after.positions.find((p) => p.id === lido.id)!.totalValueUSDDecimal);
    expect(last).toBe(await lidoValue());
    const points = await lidoPoints();
    // One point for today, at the last sync's value, where the day's first sync put it; the earlier ones as they were.
    expect(points.filter((p) => p.synced_at >= todayStart).length).toBe(1);
    expect(points.length).toBe(3);
    expect(points.slice(0, 2)).toEqual(before);
    expect(usd(points[2]!.value_usd)).toBe(last);
    expect(points[2]!.synced_at).toBeGreaterThanOrEqual(started);
    expect(points[2]!.synced_at).toBeLessThanOrEqual(firstDone);
    // No other position changed: one point each, from the first sync.
    const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM defi_position_values WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!;
    expect(n).toBe(first.positions.length + 2);

    // The past days and the period's start as before; now at the last sync's value.
    const read = await readings(a, spaceId, day(-25), today);
    expect(read.points.filter((p) => p.date < today)).toEqual(base.points.filter((p) => p.date < today));
    expect(read.dash.netWorth.previousDecimal).toBe(base.dash.netWorth.previousDecimal);
    expect(cents(read.dash.netWorth.currentDecimal)).toBe(expectedNow(after.defi + after.gaming, read.todayRate));
    expect(read.points.find((p) => p.date === today)!.netWorthDecimal).toBe(read.dash.netWorth.currentDecimal);
  });

  it("a position closed and seen again the same day keeps its id and its one point for the day, back at its value", { timeout: 90_000 }, async () => {
    const address = freshAddress();
    const { a, spaceId, day, today } = await walletSpace(address);
    const first = await usdTotals(a, spaceId);
    const lido = first.positions.find((p) => p.protocol === "lido")!;
    const lidoPoints = () => pointsOf("defi_position_values", "position_id = ?", lido.id);
    const [firstPoint] = await lidoPoints();
    const base = await readings(a, spaceId, day(-25), today);

    await simulate("zapper", address, { percent: { lido: 50 } });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    await simulate("zapper", address, { closed: ["lido"] });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const closed = await usdTotals(a, spaceId);
    expect(closed.positions.map((p) => p.protocol)).not.toContain("lido");
    // The day's point says it is gone: it does not count now.
    expect((await lidoPoints()).map((p) => p.value_usd === null)).toEqual([false, true]);
    const mid = await readings(a, spaceId, day(-25), today);
    expect(cents(mid.dash.netWorth.currentDecimal)).toBe(expectedNow(closed.defi + closed.gaming, mid.todayRate));

    await simulate("zapper", address, { percent: { lido: 70 } });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const back = await usdTotals(a, spaceId);
    const lidoBack = back.positions.find((p) => p.protocol === "lido")!;
    expect(lidoBack.id).toBe(lido.id);
    const points = await lidoPoints();
    expect(points.length).toBe(2);
    expect(points[0]).toEqual(firstPoint);
    expect(usd(points[1]!.value_usd)).toBe(cents(lidoBack.totalValueUSDDecimal));
    const read = await readings(a, spaceId, day(-25), today);
    expect(read.points.filter((p) => p.date < today)).toEqual(base.points.filter((p) => p.date < today));
    expect(read.dash.netWorth.previousDecimal).toBe(base.dash.netWorth.previousDecimal);
    expect(cents(read.dash.netWorth.currentDecimal)).toBe(expectedNow(back.defi + back.gaming, read.todayRate));
  });

  it("of two racing syncs, the one that started earlier but writes last changes nothing: positions and points are the later one's", { timeout: 90_000 }, async () => {
    const address = freshAddress();
    const { a, spaceId, day, today } = await walletSpace(address);
    const wallet = (await env.DB.prepare("SELECT * FROM defi_wallets WHERE space_id = ?").bind(spaceId).first<WalletRow>())!;
    const svcAt = (ms: number) => ({ env, db: createDb(env.DB), clock: { now: () => ms } });
    const stored = async () => ({
      defi: await pointsOf("defi_position_values", "space_id = ?", spaceId),
      gaming: await pointsOf("gaming_position_values", "space_id = ?", spaceId),
    });
    const t = Date.now();
    // The later sync (started at t) writes first: Lido at 30%, the Uniswap pool gone, SAND at 30%.
    await simulate("zapper", address, { percent: { lido: 30 }, closed: ["uniswap-v3"] });
    await simulate("gaming", address, { percent: { sandbox: 30 } });
    expect((await syncWallet(svcAt(t), wallet)).status).toBe("ok");
    const later = await usdTotals(a, spaceId);
    const laterPoints = await stored();
    expect(later.positions.map((p) => p.protocol)).not.toContain("uniswap-v3");

    // The earlier sync (started 2 s before) saw Lido at 70%, the pool open, SAND at 70%; its writes land after.
    await simulate("zapper", address, { percent: { lido: 70 } });
    await simulate("gaming", address, { percent: { sandbox: 70 } });
    expect((await syncWallet(svcAt(t - 2000), wallet)).status).toBe("ok");
    expect(await usdTotals(a, spaceId)).toEqual(later);
    expect(await stored()).toEqual(laterPoints);
    const { at } = (await env.DB.prepare("SELECT last_synced_at AS at FROM defi_wallets WHERE id = ?").bind(wallet.id).first<{ at: number }>())!;
    expect(at).toBe(t);
    const read = await readings(a, spaceId, day(-25), today);
    expect(cents(read.dash.netWorth.currentDecimal)).toBe(expectedNow(later.defi + later.gaming, read.todayRate));
  });

  it("in a space whose day began earlier in the UTC day, a sync today leaves the end of its yesterday alone", { timeout: 90_000 }, async () => {
    // A zone whose midnight was at the start of this UTC hour (UTC−h, or UTC+(24−h)), so its yesterday ended in
    // today's UTC day. In the first UTC hour no zone's did (whole-hour zones): the test then runs in UTC.
    // Its steps take seconds and must end within the hour they began in (the zone's day turns with it): started in
    // an hour's last 45 s, it waits for the next hour.
    const untilNextHour = HOUR - (Date.now() % HOUR);
    if (untilNextHour < 45_000) await new Promise((r) => setTimeout(r, untilNextHour + 100));
    const nowMs = Date.now();
    const hour = new Date(nowMs).getUTCHours();
    const timezone = hour === 0 ? "UTC" : hour <= 12 ? `Etc/GMT+${hour}` : `Etc/GMT-${24 - hour}`;
    const localMidnight = Math.floor(nowMs / HOUR) * HOUR;
    const address = freshAddress();
    const { a, spaceId, day, today } = await walletSpace(address, undefined, timezone);
    const first = await usdTotals(a, spaceId);
    const lido = first.positions.find((p) => p.protocol === "lido")!;

    // Half an hour before the space's midnight (its yesterday, today in UTC), a sync saw Lido at half its size.
    await simulate("zapper", address, { percent: { lido: 50 } });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    await moveLastSync(spaceId, localMidnight - HOUR / 2);
    const base = await readings(a, spaceId, day(-25), today);
    const at = (r: typeof base, d: string) => r.points.find((p) => p.date === d)!.netWorthDecimal;
    expect(cents(at(base, day(-1)))).toBeLessThan(cents(at(base, day(-2))));

    // Today there: Lido at a tenth.
    await simulate("zapper", address, { percent: { lido: 10 } });
    await ok(a.post("/v1/defi/sync", { spaceId }));
    const after = await usdTotals(a, spaceId);
    const read = await readings(a, spaceId, day(-25), today);
    expect(read.points.filter((p) => p.date < today)).toEqual(base.points.filter((p) => p.date < today));
    expect(read.dash.netWorth.previousDecimal).toBe(base.dash.netWorth.previousDecimal);
    expect(cents(read.dash.netWorth.currentDecimal)).toBe(expectedNow(after.defi + after.gaming, read.todayRate));
    const points = await pointsOf("defi_position_values", "position_id = ?", lido.id);
    expect(points.map((p) => p.synced_at >= localMidnight)).toEqual([false, false, true]);
  });
});

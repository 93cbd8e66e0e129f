/**
 * Gaming holdings through the real app and the gaming data simulator: the
 * portfolio in seed 000's shape, platforms without a client marked
 * unavailable (never valued), earnings over a period, NFTs with cost and
 * value, idempotent syncs, and holdings for net worth counted once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import "../../src/index";
import { createDb } from "../../src/db/client";
import { gamingHoldings } from "../../src/modules/gaming/holdings";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";

const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });
const cents = (d: string) => BigInt(d.replace(".", ""));
const ADDRESSES = ["0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"];

async function gamer(addresses = ADDRESSES.slice(0, 1)) {
  const owner = await registerUser();
  const space = await createSpace(owner);
  for (const address of addresses) {
    const r = await callJson("/v1/defi/wallets", { ...as(owner), body: { spaceId: space.id, address } });
    if (r.status !== 201) throw new Error(`wallet: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return { owner, spaceId: space.id };
}

async function counts(spaceId: string) {
  const p = await env.DB.prepare("SELECT COUNT(*) AS n FROM gaming_positions WHERE space_id = ?").bind(spaceId).first<{ n: number }>();
  const e = await env.DB.prepare("SELECT COUNT(*) AS n, group_concat(amount_usd) AS s FROM gaming_earnings WHERE space_id = ?").bind(spaceId).first<{ n: number; s: string }>();
  const d = await env.DB.prepare("SELECT group_concat(data) AS d FROM (SELECT data FROM gaming_positions WHERE space_id = ? ORDER BY wallet_id, platform)").bind(spaceId).first<{ d: string }>();
  return { positions: p!.n, earnings: e!.n, amounts: e!.s, data: d!.d };
}

describe("GET /v1/gaming/platforms", () => {
  it("lists the platforms, those without a client as unavailable", async () => {
    const u = await registerUser();
    const { status, body } = await callJson("/v1/gaming/platforms", as(u));
    expect(status).toBe(200);
    const byId = Object.fromEntries(body.platforms.map((p: any) => [p.platform, p]));
    for (const p of ["sandbox", "axie", "decentraland", "illuvium", "gala"]) expect(byId[p].available).toBe(true);
    expect(byId["star-atlas"]).toMatchObject({ available: false, label: "Star Atlas" });
    expect((await callJson("/v1/gaming/platforms")).status).toBe(401);
  });
});

describe("GET /v1/gaming/portfolio", () => {
  it("aggregates the simulator's platforms in seed 000's shape, with totals that add up exactly", async () => {
    const { owner, spaceId } = await gamer();
    const { status, body } = await callJson(`/v1/gaming/portfolio?spaceId=${spaceId}`, as(owner));
    expect(status).toBe(200);
    const sandbox = body.platforms.find((p: any) => p.platform === "sandbox");
    expect(sandbox).toMatchObject({ label: "The Sandbox", chain: "polygon", tokensCount: 1, stakingApy: 8.5, landCount: 3, nftCount: 0, available: true, stale: false });
    expect(sandbox.monthlyEarningsUsd).toBeGreaterThan(0);
    expect(body.parcels.filter((p: any) => p.platform === "The Sandbox")).toEqual(
      expect.arrayContaining([expect.objectContaining({ coordinates: "(-12, 45)", size: "3x3", rentalStatus: "rented", monthlyRental: 150 })]),
    );
    expect(body.proposals).toEqual(expect.arrayContaining([{ id: "SIP-42", title: "Creator Fund Allocation Q1 2026", status: "active", dao: "Sandbox DAO", platform: "sandbox" }]));
    expect(body.earnings.find((e: any) => e.platform === "sandbox" && e.source === "staking")).toMatchObject({ color: "#F1C40F" });
    expect(body.unavailablePlatforms.map((p: any) => p.platform)).toEqual(["star-atlas", "big-time", "enjin"]);
    expect(body.platforms.map((p: any) => p.platform)).not.toContain("star-atlas");
    // Totals: platforms add up to the portfolio, chains to the same.
    const sum = (xs: string[]) => xs.reduce((a, d) => a + cents(d), 0n);
    expect(sum(body.platforms.map((p: any) => p.totalValueUsdDecimal))).toBe(cents(body.totalValueUsdDecimal));
    expect(sum(body.chains.map((c: any) => c.totalValueUsdDecimal))).toBe(cents(body.totalValueUsdDecimal));
    expect(body.votingPowerToken).not.toBeNull();
    expect(body.totalVotesCast).toBe(body.governance.reduce((a: number, g: any) => a + g.totalVotesCast, 0));
  });

  it("is 404 to an outsider", async () => {
    const { spaceId } = await gamer();
    const outsider = await registerUser();
    for (const path of ["portfolio", "nfts", "earnings"]) expect((await callJson(`/v1/gaming/${path}?spaceId=${spaceId}`, as(outsider))).status).toBe(404);
    expect((await callJson(`/v1/gaming/platforms/sandbox/positions?spaceId=${spaceId}`, as(outsider))).status).toBe(404);
  });
});

describe("per-platform positions, NFTs and earnings", () => {
  it("shows a platform's positions, says available: false without values for one with no client, 404 for an unknown one", async () => {
    const { owner, spaceId } = await gamer();
    const sandbox = await callJson(`/v1/gaming/platforms/sandbox/positions?spaceId=${spaceId}`, as(owner));
    expect(sandbox.status).toBe(200);
    expect(sandbox.body).toMatchObject({ platform: "sandbox", available: true, token: "SAND" });
    const pos = sandbox.body.positions[0];
    expect(pos.land).toHaveLength(3);
    expect(pos.staking[0]).toMatchObject({ symbol: "SAND", apy: 8.5, priceStale: false });
    expect(pos.tokens[0].valueUsd).toMatch(/^\d+\.\d{2}$/);
    const none = await callJson(`/v1/gaming/platforms/star-atlas/positions?spaceId=${spaceId}`, as(owner));
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ platform: "star-atlas", label: "Star Atlas", chain: "solana", token: "ATLAS", available: false, summary: null, positions: [] });
    expect((await callJson(`/v1/gaming/platforms/nope/positions?spaceId=${spaceId}`, as(owner))).status).toBe(404);
  });

  it("lists NFTs with acquisition cost, current value and the gain between them", async () => {
    const { owner, spaceId } = await gamer(ADDRESSES);
    const { body } = await callJson(`/v1/gaming/nfts?spaceId=${spaceId}`, as(owner));
    expect(body.nfts.length).toBe(body.totals.count);
    for (const n of body.nfts) expect(cents(n.unrealizedGainDecimal)).toBe(cents(n.currentValueDecimal) - cents(n.acquisitionCostDecimal));
    expect(body.nfts.reduce((a: bigint, n: any) => a + cents(n.currentValueDecimal), 0n)).toBe(cents(body.totals.currentValueDecimal));
  });

  it("sums earnings by platform and source over the period", async () => {
    const { owner, spaceId } = await gamer();
    const get = async (period: string) => (await callJson(`/v1/gaming/earnings?spaceId=${spaceId}&period=${period}`, as(owner))).body;
    const [d7, d30, d90] = [await get("7d"), await get("30d"), await get("90d")];
    expect(d30.period).toBe("30d");
    for (const e of [d7, d30, d90]) {
      expect(e.earnings.reduce((a: bigint, x: any) => a + cents(x.amountUsdDecimal), 0n)).toBe(cents(e.totalDecimal));
      expect(e.byPlatform.reduce((a: bigint, x: any) => a + cents(x.amountUsdDecimal), 0n)).toBe(cents(e.totalDecimal));
      expect(e.bySource.reduce((a: bigint, x: any) => a + cents(x.amountUsdDecimal), 0n)).toBe(cents(e.totalDecimal));
    }
    expect(cents(d7.totalDecimal) < cents(d30.totalDecimal) && cents(d30.totalDecimal) < cents(d90.totalDecimal)).toBe(true);
    // The simulator pays sandbox staking 2.35 ± 20% a day: 7 days lie between 7 × 1.88 and 7 × 2.82.
    const staking7 = cents(d7.earnings.find((x: any) => x.platform === "sandbox" && x.source === "staking").amountUsdDecimal);
    expect(staking7 >= 1316n && staking7 <= 1974n).toBe(true);
    const portfolio = (await callJson(`/v1/gaming/portfolio?spaceId=${spaceId}`, as(owner))).body;
    const monthly = portfolio.platforms.reduce((a: bigint, p: any) => a + cents(p.monthlyEarningsUsdDecimal), 0n);
    expect(monthly).toBe(cents(d30.totalDecimal));
    // The dashboard's 1y is taken too, as 365 days.
    const [year, d365] = [await get("1y"), await get("365d")];
    expect([year.period, year.from, year.totalDecimal]).toEqual(["1y", d365.from, d365.totalDecimal]);
    expect((await callJson(`/v1/gaming/earnings?spaceId=${spaceId}&period=2y`, as(owner))).status).toBe(422);
    expect((await callJson(`/v1/gaming/earnings?spaceId=${spaceId}&period=999d`, as(owner))).status).toBe(422);
    expect((await callJson(`/v1/gaming/earnings?spaceId=${spaceId}&period=abc`, as(owner))).status).toBe(422);
  });
});

describe("gaming sync", () => {
  it("is idempotent: syncing again stores the same rows and earnings, not more", async () => {
    const { owner, spaceId } = await gamer(ADDRESSES);
    const before = await counts(spaceId);
    expect(before.positions).toBeGreaterThanOrEqual(2); // The Sandbox for each wallet at least
    for (let i = 0; i < 2; i++) expect((await callJson("/v1/defi/sync", { ...as(owner), body: { spaceId } })).status).toBe(200);
    expect(await counts(spaceId)).toEqual(before);
  });

  it("gamingHoldings counts each wallet and platform once, matching the portfolio total", async () => {
    const { owner, spaceId } = await gamer(ADDRESSES);
    await callJson("/v1/defi/sync", { ...as(owner), body: { spaceId } });
    const svc = { env, db: createDb(env.DB), clock: { now: () => Date.now() } };
    const holdings = await gamingHoldings(svc, spaceId, Date.now());
    expect(holdings.length).toBe((await counts(spaceId)).positions);
    expect(new Set(holdings.map((h) => h.id)).size).toBe(holdings.length);
    expect(holdings.every((h) => h.source === "gaming" && h.currency === "USD" && h.stale === false)).toBe(true);
    const portfolio = (await callJson(`/v1/gaming/portfolio?spaceId=${spaceId}`, as(owner))).body;
    expect(holdings.reduce((a, h) => a + h.valueMinor, 0n)).toBe(cents(portfolio.totalValueUsdDecimal));
    // Before the wallets were first seen on any platform there was nothing to count; syncs since do not move that.
    expect(await gamingHoldings(svc, spaceId, Date.now() - 3_600_000)).toEqual([]);
  });
});

/**
 * One D1 round trip per authenticated read (issue 10) for gaming: the session, the caller's role in the
 * space and the space's positions and earnings in one batch. The earnings window depends on the space's
 * time zone, which comes in the same batch: a day-wider window is read and trimmed exactly to the zone's
 * days, so a zone ahead of UTC still leaves out the day before its first.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingApp } from "../counting-app";
import { addMember, callJson, createSpace, registerUser, awayFromMidnight } from "../helpers";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("Pacific/Kiritimati", "Pacific/Pago_Pago");

// The second holds something on every platform of the simulator (NFTs included); the first only on the sandbox.
const ADDRESSES = ["0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb"];

async function gamer(addresses = ADDRESSES.slice(0, 1)) {
  const owner = await registerUser();
  const space = await createSpace(owner);
  const walletIds: string[] = [];
  for (const address of addresses) {
    const r = await callJson("/v1/defi/wallets", { token: owner.accessToken, ip: owner.ip, body: { spaceId: space.id, address } });
    expect(r.status).toBe(201);
    walletIds.push(r.body.wallet.id);
  }
  return { owner, spaceId: space.id, walletId: walletIds[0]! };
}

/** The day in `tz` at `now`, minus `back` days, as YYYY-MM-DD. */
function dayIn(tz: string, now: number, back = 0): string {
  const local = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  const [y, m, d] = local.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - back)).toISOString().slice(0, 10);
}

/** Replaces the simulator's earnings with known ones: [platform, source, day, amount]. */
async function setEarnings(spaceId: string, walletId: string, rows: [string, string, string, string][]) {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM gaming_earnings WHERE space_id = ?").bind(spaceId),
    ...rows.map(([platform, source, day, amount]) =>
      env.DB.prepare("INSERT INTO gaming_earnings (space_id, wallet_id, platform, source, day, amount_usd) VALUES (?, ?, ?, ?, ?, ?)").bind(spaceId, walletId, platform, source, day, amount),
    ),
  ]);
}

describe("gaming reads in one D1 round trip", () => {
  it("portfolio, a platform's positions, NFTs and earnings: one round trip each, with data", async () => {
    const s = await gamer(ADDRESSES);
    const { get } = countingApp();
    const portfolio = await get(s.owner, `/v1/gaming/portfolio?spaceId=${s.spaceId}`);
    expect(portfolio).toMatchObject({ status: 200, trips: 1 });
    expect(portfolio.body.platforms.length).toBeGreaterThan(0);
    expect(portfolio.body.earnings.length).toBeGreaterThan(0);
    const sandbox = await get(s.owner, `/v1/gaming/platforms/sandbox/positions?spaceId=${s.spaceId}`);
    expect(sandbox).toMatchObject({ status: 200, trips: 1 });
    expect(sandbox.body.positions).toHaveLength(2);
    expect(sandbox.body.summary).toEqual(portfolio.body.platforms.find((p: { platform: string }) => p.platform === "sandbox"));
    const nfts = await get(s.owner, `/v1/gaming/nfts?spaceId=${s.spaceId}`);
    expect(nfts).toMatchObject({ status: 200, trips: 1 });
    expect(nfts.body.nfts.length).toBeGreaterThan(0);
    expect(nfts.body.nfts.map(({ walletId, ...n }: { walletId: string }) => n)).toEqual(portfolio.body.nfts);
    const earnings = await get(s.owner, `/v1/gaming/earnings?spaceId=${s.spaceId}&period=90d`);
    expect(earnings).toMatchObject({ status: 200, trips: 1 });
    expect(earnings.body.earnings.length).toBeGreaterThan(0);
    // A platform without a client and an unknown one answer as before, in one round trip.
    expect(await get(s.owner, `/v1/gaming/platforms/star-atlas/positions?spaceId=${s.spaceId}`)).toMatchObject({ status: 200, trips: 1, body: { available: false, summary: null, positions: [] } });
    expect(await get(s.owner, `/v1/gaming/platforms/nope/positions?spaceId=${s.spaceId}`)).toMatchObject({ status: 404, trips: 1, body: { error: { message: "Platform not found" } } });
  });

  it("trims the earnings to the space's own days, ahead of UTC or behind it", async () => {
    const now = Date.now();
    for (const tz of ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"]) {
      const s = await gamer();
      await env.DB.prepare("UPDATE spaces SET timezone = ? WHERE id = ?").bind(tz, s.spaceId).run();
      const first = dayIn(tz, now, 29); // the first of the zone's last 30 days
      await setEarnings(s.spaceId, s.walletId, [
        ["sandbox", "staking", first, "1.25"],
        ["sandbox", "staking", dayIn(tz, now, 30), "100.00"], // the day before: out of every 30-day figure
        ["sandbox", "staking", dayIn(tz, now, 31), "1000.00"],
        ["axie", "rental", dayIn(tz, now), "2.50"],
      ]);
      const { get } = countingApp();
      const earnings = await get(s.owner, `/v1/gaming/earnings?spaceId=${s.spaceId}&period=30d`);
      expect(earnings).toMatchObject({ status: 200, trips: 1 });
      expect(earnings.body).toMatchObject({ period: "30d", from: first, to: dayIn(tz, now), total: 3.75, totalDecimal: "3.75" });
      expect(earnings.body.earnings.map((e: { platform: string; source: string; amountUsdDecimal: string }) => [e.platform, e.source, e.amountUsdDecimal])).toEqual([
        ["axie", "rental", "2.50"],
        ["sandbox", "staking", "1.25"],
      ]);
      const portfolio = await get(s.owner, `/v1/gaming/portfolio?spaceId=${s.spaceId}`);
      expect(portfolio.trips).toBe(1);
      expect(portfolio.body.platforms.find((p: { platform: string }) => p.platform === "sandbox").monthlyEarningsUsdDecimal).toBe("1.25");
      expect(portfolio.body.earnings.map((e: { amountUsdDecimal: string }) => e.amountUsdDecimal)).toEqual(["2.50", "1.25"]);
      const sandbox = await get(s.owner, `/v1/gaming/platforms/sandbox/positions?spaceId=${s.spaceId}`);
      expect(sandbox.trips).toBe(1);
      expect(sandbox.body.summary.monthlyEarningsUsdDecimal).toBe("1.25");
      // One more day of period takes in the day before.
      expect((await get(s.owner, `/v1/gaming/earnings?spaceId=${s.spaceId}&period=31d`)).body.totalDecimal).toBe("103.75");
    }
  });

  it("answers a viewer as the owner, and a stranger the space's 404 in one round trip that reads none of its rows", async () => {
    const s = await gamer();
    const viewer = await registerUser();
    await addMember(s.owner, s.spaceId, viewer, "viewer");
    const stranger = await registerUser();
    await createSpace(stranger);
    const { get } = countingApp();
    for (const path of ["portfolio", "nfts", "earnings?period=365d", "platforms/sandbox/positions"].map((p) => `/v1/gaming/${p}${p.includes("?") ? "&" : "?"}spaceId=${s.spaceId}`)) {
      const mine = await get(s.owner, path);
      expect(mine).toMatchObject({ status: 200, trips: 1 });
      expect((await get(viewer, path)).body).toEqual(mine.body);
      const theirs = await get(stranger, path);
      expect(theirs).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Space not found" } } });
      expect(JSON.stringify(theirs.body)).not.toContain("sandbox");
      expect(theirs.rowsRead).toBeLessThan(20);
    }
    // The owner's year of earnings is many rows: the stranger's handful above is not them.
    expect((await get(s.owner, `/v1/gaming/earnings?period=365d&spaceId=${s.spaceId}`)).rowsRead).toBeGreaterThan(20);
  });
});

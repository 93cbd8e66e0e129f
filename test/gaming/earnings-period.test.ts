/**
 * An earnings period is the space's days from `from` to `to` (its today), both ends: a provider's day after the
 * space's today (UTC's day in Mexico City's evening) was summed into a period whose `to` said today.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { awayFromMidnight, callJson, createSpace, registerUser } from "../helpers";

await awayFromMidnight("America/Mexico_City", "Pacific/Kiritimati");

/** The day in `tz` at `now`, minus `back` days (negative: ahead), as YYYY-MM-DD. */
function dayIn(tz: string, now: number, back = 0): string {
  const local = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  const [y, m, d] = local.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - back)).toISOString().slice(0, 10);
}

describe("gaming earnings by period", () => {
  it("sum the space's days from `from` to its today, not a day after it", { timeout: 60_000 }, async () => {
    for (const tz of ["America/Mexico_City", "Pacific/Kiritimati"]) {
      const owner = await registerUser();
      const space = await createSpace(owner, { currency: "MXN" });
      const auth = { token: owner.accessToken, ip: owner.ip };
      const added = await callJson("/v1/defi/wallets", { ...auth, body: { spaceId: space.id, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" } });
      expect(added.status).toBe(201);
      await env.DB.prepare("UPDATE spaces SET timezone = ? WHERE id = ?").bind(tz, space.id).run();
      const now = Date.now();
      const row = (day: string, amount: string) =>
        env.DB.prepare("INSERT INTO gaming_earnings (space_id, wallet_id, platform, source, day, amount_usd) VALUES (?, ?, 'sandbox', 'staking', ?, ?)").bind(space.id, added.body.wallet.id, day, amount);
      await env.DB.batch([
        env.DB.prepare("DELETE FROM gaming_earnings WHERE space_id = ?").bind(space.id),
        row(dayIn(tz, now, 6), "1.25"), // the first of the last 7 days
        row(dayIn(tz, now), "2.50"), // today
        row(dayIn(tz, now, -1), "40.00"), // tomorrow: in no period ending today
      ]);
      const week = await callJson(`/v1/gaming/earnings?spaceId=${space.id}&period=7d`, auth);
      expect(week.status).toBe(200);
      expect(week.body).toMatchObject({ from: dayIn(tz, now, 6), to: dayIn(tz, now), totalDecimal: "3.75" });
      const portfolio = await callJson(`/v1/gaming/portfolio?spaceId=${space.id}`, auth);
      expect(portfolio.body.platforms.find((p: { platform: string }) => p.platform === "sandbox").monthlyEarningsUsdDecimal).toBe("3.75");
      const positions = await callJson(`/v1/gaming/platforms/sandbox/positions?spaceId=${space.id}`, auth);
      expect(positions.body.summary.monthlyEarningsUsdDecimal).toBe("3.75");
    }
  });
});

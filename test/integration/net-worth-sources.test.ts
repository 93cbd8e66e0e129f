/**
 * Net worth counts every kind of holding once: the ledger's accounts, a manual
 * asset's latest valuation, DeFi positions and gaming holdings, each converted
 * to the space's currency. The dashboard's total must equal the sum of what
 * each module reports about itself.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";

const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });
const cents = (d: string) => {
  const neg = d.startsWith("-");
  const [i, f = ""] = (neg ? d.slice(1) : d).split(".");
  const v = BigInt(i!) * 100n + BigInt((f + "00").slice(0, 2));
  return neg ? -v : v;
};

describe("net worth across modules", () => {
  it("adds accounts, a manual asset, DeFi and gaming exactly once (USD space)", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner, { currency: "USD" });
    const acc = await callJson("/v1/accounts", { ...as(owner), body: { spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: "1234.56" } });
    expect(acc.status).toBe(201);
    const asset = await callJson("/v1/assets", { ...as(owner), body: { spaceId: space.id, name: "Car", type: "vehicle", currency: "USD", value: "18500.00" } });
    expect(asset.status).toBe(201);
    const wallet = await callJson("/v1/defi/wallets", { ...as(owner), body: { spaceId: space.id, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", label: "DeFi" } });
    expect(wallet.status).toBe(201);

    const defi = await callJson(`/v1/defi/positions?spaceId=${space.id}`, as(owner));
    expect(defi.status).toBe(200);
    const gaming = await callJson(`/v1/gaming/portfolio?spaceId=${space.id}`, as(owner));
    expect(gaming.status).toBe(200);
    const defiTotal = cents(defi.body.summary.totalValueUSDDecimal);
    const gamingTotal = cents(gaming.body.totalValueUsdDecimal);
    expect(defiTotal).toBeGreaterThan(0n);

    const dash = await callJson(`/v1/analytics/dashboard?spaceId=${space.id}&period=30d`, as(owner));
    expect(dash.status).toBe(200);
    const nw = dash.body.netWorth;
    const bySource = (s: string) => nw.holdings.filter((h: any) => h.source === s);
    expect(bySource("asset").map((h: any) => h.valueDecimal)).toEqual(["18500.00"]);
    expect(bySource("defi").reduce((n: bigint, h: any) => n + cents(h.valueDecimal), 0n)).toBe(defiTotal);
    expect(bySource("gaming").reduce((n: bigint, h: any) => n + cents(h.valueDecimal), 0n)).toBe(gamingTotal);
    // Everything is USD here, so the total is the exact sum, each holding once.
    expect(cents(nw.currentDecimal)).toBe(123456n + 1850000n + defiTotal + gamingTotal);
  });
});

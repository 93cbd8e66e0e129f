/**
 * A DeFi wallet linked today is no gain (QA-B F8): Dhanam first saw its positions today, but the wallet held
 * them before, and it cannot be told their past (a manual asset or account can be back-dated). The dashboard's
 * change leaves out of both sides a holding first seen during the period by such a source, and says so; net
 * worth now counts it all the same. A position seen before the period is compared as any holding.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { as } from "../providers/helpers";
import { api, localDays, ok } from "./fixture";

describe("the dashboard's change with a DeFi wallet linked today", () => {
  it("leaves the wallet's positions out of the change and names them", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Wallets", type: "personal", currency: "USD", timezone: "UTC" }))).id;
    await createAccount(owner, spaceId, { name: "Checking", openingBalance: "1000.00", openingBalanceDate: day(-30) });
    const linked = await callJson("/v1/defi/wallets", { ...as(owner), body: { spaceId, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" } });
    expect(linked.status).toBe(201);

    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`));
    expect(Number(dash.netWorth.currentDecimal)).toBeGreaterThan(1000); // counted now
    expect(dash.netWorth.previousDecimal).toBe("1000.00");
    expect([dash.netWorth.changeDecimal, dash.netWorth.trend]).toEqual(["0.00", "flat"]);
    expect(dash.notes.some((n: string) => n.startsWith("The change leaves out") && n.includes("first seen in the period"))).toBe(true);

    // Seen before the period: compared on both days like any holding.
    const before = Date.now() - 20 * 86_400_000;
    await env.DB.prepare("UPDATE defi_positions SET first_seen_at = ? WHERE space_id = ?").bind(before, spaceId).run();
    await env.DB.prepare("UPDATE gaming_positions SET first_seen_at = ? WHERE space_id = ?").bind(before, spaceId).run();
    // And the values that sync recorded (net worth at a past instant reads the value known then).
    await env.DB.prepare("UPDATE defi_position_values SET synced_at = ? WHERE space_id = ?").bind(before, spaceId).run();
    await env.DB.prepare("UPDATE gaming_position_values SET synced_at = ? WHERE space_id = ?").bind(before, spaceId).run();
    const later = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`));
    expect(later.netWorth.previousDecimal).toBe(later.netWorth.currentDecimal);
    expect(later.notes.some((n: string) => n.includes("first seen in the period"))).toBe(false);
  });
});

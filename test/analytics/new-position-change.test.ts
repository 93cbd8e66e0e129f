/**
 * "First seen in the period" is judged per wallet, not per DeFi position (review of 49c18f4): a wallet linked
 * weeks ago that opens a NEW position during the period (money moved from a counted account into Aave) is
 * compared like any holding, since the cash that paid for it left the checking account; leaving the position
 * out reported a loss of the whole deposit although net worth did not move.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { as } from "../providers/helpers";
import { api, localDays, ok } from "./fixture";

describe("the dashboard's change with a new position in a wallet linked long ago", () => {
  it("a deposit from checking into a new position of an old wallet is no loss", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day, today } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "W", type: "personal", currency: "USD", timezone: "UTC" }))).id;
    const chk = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "10000.00", openingBalanceDate: day(-30) });
    const linked = await callJson("/v1/defi/wallets", { ...as(owner), body: { spaceId, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" } });
    expect(linked.status).toBe(201);
    // The wallet and its positions were seen 20 days ago (as in test/analytics/new-wallet-change.test.ts).
    const before = Date.now() - 20 * 86_400_000;
    await env.DB.prepare("UPDATE defi_positions SET first_seen_at = ? WHERE space_id = ?").bind(before, spaceId).run();
    await env.DB.prepare("UPDATE gaming_positions SET first_seen_at = ? WHERE space_id = ?").bind(before, spaceId).run();
    await env.DB.prepare("UPDATE defi_position_values SET synced_at = ? WHERE space_id = ?").bind(before, spaceId).run();
    await env.DB.prepare("UPDATE gaming_position_values SET synced_at = ? WHERE space_id = ?").bind(before, spaceId).run();
    const base = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`));
    expect(base.netWorth.changeDecimal).toBe("0.00");

    // Today: 5,000 leaves checking and becomes a new Aave position in the same wallet (the next sync inserts a
    // new position_key with first_seen_at = now and its first value point, exactly what syncWallet does).
    await ok(a.post("/v1/transactions", { spaceId, accountId: chk.id, amount: "-5000.00", description: "Deposit to Aave", date: today }));
    await env.DB.prepare(
      `INSERT INTO defi_positions (id, space_id, wallet_id, position_key, protocol, network, type, label, tokens, total_value_usd, baseline_value_usd, apy, first_seen_at, synced_at)
       SELECT id || 'x', space_id, wallet_id, position_key || ':new', 'Aave', network, type, 'USDC deposit', tokens, '5000.00', '5000.00', apy, ?, ? FROM defi_positions WHERE space_id = ? LIMIT 1`,
    ).bind(Date.now(), Date.now(), spaceId).run();
    await env.DB.prepare(
      `INSERT INTO defi_position_values (position_id, space_id, wallet_id, synced_at, value_usd)
       SELECT id, space_id, wallet_id, first_seen_at, total_value_usd FROM defi_positions WHERE space_id = ? AND position_key LIKE '%:new'`,
    ).bind(spaceId).run();

    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=7d`));
    // Net worth did not move (checking −5,000, Aave +5,000) ...
    expect(dash.netWorth.currentDecimal).toBe(base.netWorth.currentDecimal);
    // ... so the change must be 0, not −5,000.
    expect([dash.netWorth.changeDecimal, dash.netWorth.trend]).toEqual(["0.00", "flat"]);
    expect(dash.notes.some((n: string) => n.includes("first seen in the period"))).toBe(false);
  });
});

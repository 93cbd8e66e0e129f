/**
 * Of two racing syncs of a wallet, the one that started earlier but writes last changes nothing (lib/value-history's
 * notSuperseded): its gaming earnings too, which it used to write over the later sync's amounts.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { syncWallet, type WalletRow } from "../../src/modules/defi/service";
import { callJson, createSpace, registerUser } from "../helpers";

describe("gaming earnings of racing syncs", () => {
  it("an overtaken sync writes no earnings; the later sync's stay", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const added = await callJson("/v1/defi/wallets", { token: owner.accessToken, ip: owner.ip, body: { spaceId: space.id, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" } });
    expect(added.status).toBe(201);
    const wallet = (await env.DB.prepare("SELECT * FROM defi_wallets WHERE id = ?").bind(added.body.wallet.id).first<WalletRow>())!;
    const earnings = () => env.DB.prepare("SELECT platform, source, day, amount_usd FROM gaming_earnings WHERE wallet_id = ? ORDER BY platform, source, day").bind(wallet.id).all();
    // The later sync's amounts (marked so an overwrite shows), then a sync that started 2 s before it lands.
    await env.DB.prepare("UPDATE gaming_earnings SET amount_usd = '999.99' WHERE wallet_id = ?").bind(wallet.id).run();
    const later = (await earnings()).results;
    expect(later.length).toBeGreaterThan(0);
    const { at } = (await env.DB.prepare("SELECT last_synced_at AS at FROM defi_wallets WHERE id = ?").bind(wallet.id).first<{ at: number }>())!;
    const svc = { env, db: createDb(env.DB), clock: { now: () => at - 2000 } };
    expect((await syncWallet(svc, wallet)).status).toBe("ok");
    expect((await earnings()).results).toEqual(later);
    // A sync after the later one writes its amounts.
    expect((await syncWallet({ ...svc, clock: { now: () => at + 1000 } }, wallet)).status).toBe("ok");
    expect((await earnings()).results.every((r) => r.amount_usd !== "999.99")).toBe(true);
  });
});

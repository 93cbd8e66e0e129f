/**
 * A Bitso account linked again (relinks.ts, review of ed3f6f0): Bitso accounts have no digits, and the login
 * key is a hash of the API key, which a relink cannot reuse (a revoked key is gone; the user issues another).
 * The account is told by what Bitso says of it: its account status's client id, kept with the connection.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { as, ownerWithSpace, waitForJob } from "../providers/helpers";
import { api, ok } from "./fixture";
import { dashboardFigures as cash, disconnect } from "./relink-helpers";


/** The space's trade history (its first page), as what each trade was: symbol, side, time, quantity, price, fees. */
async function trades(owner: Parameters<typeof api>[0], spaceId: string) {
  const list = await ok(api(owner).get(`/v1/trades?spaceId=${spaceId}`));
  return (list as Record<string, string>[]).map((t) => [t.tradingSymbol, t.transactionType, t.exchangeTime, t.tradedQuantity, t.tradedPrice, t.fees, t.netAmount].join(" "));
}

describe("a Bitso account linked again", () => {
  it("a Bitso account linked again with a new API key counts once, also one connected before its client id was kept", { timeout: 180_000 }, async () => {
    const { owner } = await ownerWithSpace();
    const spaceId = (await ok(api(owner).post("/v1/spaces", { name: "Bitso", type: "personal", currency: "MXN", timezone: "UTC" }))).id;
    const key1 = `key-${crypto.randomUUID()}`;
    const r1 = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId, apiKey: key1, apiSecret: "s1" } });
    expect(r1.status, JSON.stringify(r1.body)).toBe(201);
    await waitForJob(r1.body.jobId);
    // Connected before the client id was kept (migration 0034): its next sync, while the key works, asks Bitso.
    await env.DB.prepare("UPDATE provider_connections SET provider_client_id = NULL WHERE id = ?").bind(r1.body.connection.id).run();
    const sync = await callJson("/v1/providers/bitso/sync", { ...as(owner), body: { spaceId } });
    expect(sync.status, JSON.stringify(sync.body)).toBe(202);
    await waitForJob(sync.body.jobId);
    const once = await cash(owner, spaceId);
    const tradesOnce = await trades(owner, spaceId);
    expect(tradesOnce.length).toBeGreaterThan(5);
    await disconnect(owner, r1.body.connection.id);
    // A second key of the SAME Bitso account (the user revoked the first and issued another in Bitso's app):
    // the simulator answers a key from its seed, so the new key gets the first key's seed.
    const k1 = (await env.DB.prepare("SELECT seed, created_at FROM sandbox_bitso_keys WHERE api_key = ?").bind(key1).first<{ seed: string; created_at: number }>())!;
    const key2 = `key-${crypto.randomUUID()}`;
    await env.DB.prepare("INSERT INTO sandbox_bitso_keys (api_key, api_secret, seed, created_at) VALUES (?, 's2', ?, ?)").bind(key2, k1.seed, k1.created_at).run();
    const r2 = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId, apiKey: key2, apiSecret: "s2" } });
    expect(r2.status, JSON.stringify(r2.body)).toBe(201);
    await waitForJob(r2.body.jobId);
    const after = await cash(owner, spaceId);
    expect(after).toEqual(once);
    // Trade history lists each trade once, as cash flow counts it (QA-6 F5: 48 rows for 24 trades).
    expect(await trades(owner, spaceId)).toEqual(tradesOnce);
    // Known by Bitso's own account id, which both keys answer.
    const ids = (await env.DB.prepare("SELECT provider_client_id AS id FROM provider_connections WHERE space_id = ? ORDER BY created_at").bind(spaceId).all<{ id: string | null }>()).results.map((r) => r.id);
    expect(ids.length).toBe(2);
    expect(ids[0]).not.toBeNull();
    expect(ids[1]).toBe(ids[0]);
  });

  it("another Bitso account (its own keys) is another account: both count", { timeout: 180_000 }, async () => {
    const { owner } = await ownerWithSpace();
    const spaceId = (await ok(api(owner).post("/v1/spaces", { name: "Bitso", type: "personal", currency: "MXN", timezone: "UTC" }))).id;
    const r1 = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId, apiKey: `key-${crypto.randomUUID()}`, apiSecret: "s1" } });
    expect(r1.status, JSON.stringify(r1.body)).toBe(201);
    await waitForJob(r1.body.jobId);
    const once = await cash(owner, spaceId);
    await disconnect(owner, r1.body.connection.id);
    const r2 = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId, apiKey: `key-${crypto.randomUUID()}`, apiSecret: "s2" } });
    expect(r2.status, JSON.stringify(r2.body)).toBe(201);
    await waitForJob(r2.body.jobId);
    const after = await cash(owner, spaceId);
    // The first account's fees still count (its accounts are out from their disconnection on, not on every day).
    expect(Number(after.expenses)).toBeGreaterThan(Number(once.expenses));
  });
});

/**
 * What Bitso's answers leave out is said, not silent (a QA run): a balance in a currency with no asset here (the
 * simulator's USDT) is listed as `unsupported` with Bitso's exact decimal, and a key Bitso refuses at
 * POST /bitso/sync is a `connectionErrors` entry (it was a 202 with no accounts, as if the key held nothing).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { balancesOf } from "../../src/sandbox/bitso";
import { callJson } from "../helpers";
import { as, ownerWithSpace, waitForJob } from "./helpers";

const connect = (owner: Parameters<typeof as>[0], spaceId: string, apiKey: string, apiSecret: string) =>
  callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId, apiKey, apiSecret } });

describe("Bitso balances the app cannot show", () => {
  it("lists a balance in an unsupported currency, with Bitso's exact decimal, at connect and at sync", { timeout: 90_000 }, async () => {
    const alice = await ownerWithSpace();
    const apiKey = `key-${crypto.randomUUID()}`;
    const connected = await connect(alice.owner, alice.spaceId, apiKey, "alice-secret");
    expect(connected.status).toBe(201);
    const connectionId = connected.body.connection.id as string;
    const seed = (await env.DB.prepare("SELECT seed FROM sandbox_bitso_keys WHERE api_key = ?").bind(apiKey).first<{ seed: string }>())!.seed;
    const usdt = balancesOf(seed).find((b) => b.currency === "usdt")!.total;
    expect(usdt).toMatch(/^\d+\.\d{6}$/);
    expect(connected.body.unsupported).toEqual([{ connectionId, currency: "USDT", balance: usdt }]);
    expect(connected.body.accounts.map((a: { symbol: string }) => a.symbol).sort()).toEqual(["BTC", "ETH", "MXN"]);
    await waitForJob(connected.body.jobId);

    const synced = await callJson("/v1/providers/bitso/sync", { ...as(alice.owner), body: { spaceId: alice.spaceId } });
    expect(synced.status).toBe(202);
    expect(synced.body).toMatchObject({ unsupported: [{ connectionId, currency: "USDT", balance: usdt }], connectionErrors: [], status: "queued" });
    expect(synced.body.accounts).toHaveLength(3);
    await waitForJob(synced.body.jobId);
  });

  it("a key Bitso refuses at POST /bitso/sync is a connection error naming Bitso's code, not an empty list of accounts", { timeout: 90_000 }, async () => {
    const alice = await ownerWithSpace();
    const apiKey = `key-${crypto.randomUUID()}`;
    const connected = await connect(alice.owner, alice.spaceId, apiKey, "alice-secret");
    expect(connected.status).toBe(201);
    const connectionId = connected.body.connection.id as string;
    await waitForJob(connected.body.jobId);

    // The key stops working: in the simulator, connecting it elsewhere with another secret issues it again.
    const bob = await ownerWithSpace();
    const taken = await connect(bob.owner, bob.spaceId, apiKey, "bob-secret");
    expect(taken.status).toBe(201);
    await waitForJob(taken.body.jobId);
    const refused = await callJson("/v1/providers/bitso/sync", { ...as(alice.owner), body: { spaceId: alice.spaceId } });
    expect(refused.status).toBe(202);
    expect(refused.body.connectionErrors).toEqual([
      { connectionId, status: 422, code: "PROVIDER_ERROR", message: "bitso: Invalid Nonce or Invalid Signature", providerCode: "0201", retryable: false },
    ]);
    expect(refused.body).toMatchObject({ accounts: [], status: "queued" });
    // The queued sync meets the same refusal and says so on the connection.
    expect((await waitForJob(refused.body.jobId)).status).toBe("failed");
    const listed = (await callJson(`/v1/providers/connections?spaceId=${alice.spaceId}`, as(alice.owner))).body.connections[0];
    expect(listed).toMatchObject({ id: connectionId, status: "error" });
  });
});

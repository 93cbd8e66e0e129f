/**
 * Zapper and the gaming data API answering with a redirect to another host: the key (Zapper's Basic auth, the gaming
 * API's x-api-key) is not sent after it. The requests go out with `redirect: "manual"` and a 3xx is refused as the
 * provider clients refuse it: the wallet's sync fails with that reason (DeFi), the platform is skipped (gaming).
 * Through the real clients and sync, the redirect put in front of the simulators by the sandbox handler.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { createDb } from "../../src/db/client";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { fetchAppBalances } from "../../src/modules/defi/client";
import { syncWallet, type WalletRow } from "../../src/modules/defi/service";
import { fetchGamingPortfolio } from "../../src/modules/gaming/client";
import { callJson, createSpace, registerUser } from "../helpers";

/** Paths answered with a redirect to another host, and how each such request was made. */
let redirecting: string[] = [];
const seen: { path: string; redirect: string }[] = [];

beforeAll(() => {
  registerSandboxHandler((request, e) => {
    const path = new URL(request.url).pathname;
    if (redirecting.some((p) => path.startsWith(p))) {
      seen.push({ path, redirect: request.redirect });
      return new Response(null, { status: 302, headers: { location: "https://collector.example/steal" } });
    }
    return app.fetch(request, e);
  });
});

afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

const ADDRESS = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";

describe("a DeFi or gaming data provider's redirect", () => {
  it("is not followed: Zapper's and the gaming API's requests are made with redirect: manual, and a 3xx is an error naming it", async () => {
    redirecting = ["/sandbox/zapper", "/sandbox/gaming"];
    seen.length = 0;
    try {
      const zapper = await fetchAppBalances(env, ADDRESS, ["ethereum"]).catch((e) => e);
      const gaming = await fetchGamingPortfolio(env, "axie", ADDRESS).catch((e) => e);
      expect(seen.map((r) => r.redirect)).toEqual(["manual", "manual"]);
      expect([zapper.name, zapper.status, zapper.message]).toEqual(["ZapperError", 502, "Zapper answered with a redirect (HTTP 302), which is not followed"]);
      expect([gaming.name, gaming.status, gaming.message]).toEqual(["GamingApiError", 502, "Gaming API answered with a redirect (HTTP 302) for axie, which is not followed"]);
    } finally {
      redirecting = [];
    }
  });

  it("fails the wallet's sync with that reason; with Zapper back, the next sync succeeds", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const added = await callJson("/v1/defi/wallets", { token: owner.accessToken, ip: owner.ip, body: { spaceId: space.id, address: ADDRESS, label: "Main" } });
    expect(added.status).toBe(201);
    const wallet = (await env.DB.prepare("SELECT * FROM defi_wallets WHERE id = ?").bind(added.body.wallet.id).first<WalletRow>())!;
    const svc = { env, db: createDb(env.DB), clock: { now: () => Date.now() } };
    redirecting = ["/sandbox/zapper"];
    seen.length = 0;
    let result;
    try {
      result = await syncWallet(svc, wallet);
    } finally {
      redirecting = [];
    }
    expect(seen.length).toBe(1);
    expect(result).toMatchObject({ status: "failed", error: "Zapper answered with a redirect (HTTP 302), which is not followed" });
    const positions = await callJson(`/v1/defi/positions?spaceId=${space.id}`, { token: owner.accessToken, ip: owner.ip });
    expect(positions.body.wallets[0]).toMatchObject({ lastSyncStatus: "failed", lastSyncError: "Zapper answered with a redirect (HTTP 302), which is not followed" });
    expect(await syncWallet(svc, wallet)).toMatchObject({ status: "ok" });
  });
});

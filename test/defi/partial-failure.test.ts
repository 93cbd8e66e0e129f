/**
 * A wallet's DeFi and gaming positions come from two providers: Zapper down (503 here, in front of its simulator)
 * fails the DeFi part of the sync, recorded on the wallet, but no longer leaves the gaming platforms unsynced.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { callJson, createSpace, registerUser } from "../helpers";

let zapperDown = false;
beforeAll(() => {
  registerSandboxHandler((request, e) => {
    if (zapperDown && new URL(request.url).pathname.startsWith("/sandbox/zapper/")) return Promise.resolve(new Response("unavailable", { status: 503 }));
    return app.fetch(request, e);
  });
});
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

describe("Zapper down", () => {
  it("fails the wallet's DeFi sync with the reason and still syncs its gaming platforms", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    const auth = { token: owner.accessToken, ip: owner.ip };
    zapperDown = true;
    try {
      const added = await callJson("/v1/defi/wallets", { ...auth, body: { spaceId: space.id, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" } });
      expect(added.status).toBe(201);
      expect(added.body.wallet).toMatchObject({ lastSyncStatus: "failed", lastSyncError: "Zapper answered 503" });
      expect(added.body.sync).toMatchObject({ status: "failed", positions: 0, gamingPlatforms: 1 }); // the simulator's The Sandbox knows every wallet
      const portfolio = await callJson(`/v1/gaming/portfolio?spaceId=${space.id}`, auth);
      expect(portfolio.body.platforms.map((p: { platform: string }) => p.platform)).toEqual(["sandbox"]);
      expect((await callJson(`/v1/defi/positions?spaceId=${space.id}`, auth)).body.positions).toEqual([]);
    } finally {
      zapperDown = false;
    }
  });
});

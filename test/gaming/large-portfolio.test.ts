/**
 * A wallet with a large gaming collection, through the real client, sync and reads (one platform's answer set in
 * front of the simulator, the others not knowing the wallet): 20,000 NFTs made the stored row too big for D1
 * (SQLITE_TOOBIG) and connecting the wallet a 500. Now the row keeps the most valuable NFTs and every total
 * counts all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { STORED_ITEMS_MAX } from "../../src/modules/gaming/service";
import { callJson, createSpace, registerUser } from "../helpers";

let gaming: string | null = null;
beforeAll(() => {
  registerSandboxHandler((request, e) => {
    const path = new URL(request.url).pathname;
    if (gaming !== null && path.startsWith("/sandbox/gaming/v1/platforms/")) {
      return Promise.resolve(path.startsWith("/sandbox/gaming/v1/platforms/sandbox/") ? new Response(gaming, { status: 200 }) : new Response("{}", { status: 404 }));
    }
    return app.fetch(request, e);
  });
});
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

const COUNT = 20_000;
/** The last STORED_ITEMS_MAX.nfts are the valuable ones. */
const valueOf = (i: number) => (i >= COUNT - STORED_ITEMS_MAX.nfts ? "1000.01" : `0.${String(i % 100).padStart(2, "0")}`);

describe("a gaming platform answering 20,000 NFTs", () => {
  it("connects the wallet; lists the most valuable NFTs and counts every one in the totals and the platform's value", { timeout: 120_000 }, async () => {
    const owner = await registerUser();
    const space = await createSpace(owner, { currency: "USD" });
    gaming = JSON.stringify({
      tokens: [],
      nfts: Array.from({ length: COUNT }, (_, i) => ({
        tokenId: `nft-${i}`, name: `Parcel ${i} of the Mexico City district, estate block`, collection: "The Sandbox LAND collection",
        acquisitionCostUsd: "2.5", currentValueUsd: valueOf(i), acquiredAt: "2024-01-01",
      })),
      earnings: [],
    });
    try {
      const auth = { token: owner.accessToken, ip: owner.ip };
      const added = await callJson("/v1/defi/wallets", { ...auth, body: { spaceId: space.id, address: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" } });
      expect(added.status).toBe(201);
      expect(added.body.sync).toMatchObject({ status: "ok", gamingPlatforms: 1 });

      let current = 0n;
      for (let i = 0; i < COUNT; i++) current += BigInt(valueOf(i).replace(".", ""));
      const expectedValue = `${current / 100n}.${String(current % 100n).padStart(2, "0")}`;

      const nfts = await callJson(`/v1/gaming/nfts?spaceId=${space.id}`, auth);
      expect(nfts.status).toBe(200);
      expect(nfts.body.nfts).toHaveLength(STORED_ITEMS_MAX.nfts);
      expect(nfts.body.nfts[0].tokenId).toBe(`nft-${COUNT - STORED_ITEMS_MAX.nfts}`);
      expect(nfts.body.nfts.every((n: { currentValueDecimal: string }) => n.currentValueDecimal === "1000.01")).toBe(true);
      expect(nfts.body.totals).toMatchObject({ count: COUNT, currentValueDecimal: expectedValue, acquisitionCostDecimal: "50000.00" });

      const portfolio = await callJson(`/v1/gaming/portfolio?spaceId=${space.id}`, auth);
      expect(portfolio.status).toBe(200);
      expect(portfolio.body.platforms).toEqual([expect.objectContaining({ platform: "sandbox", nftCount: COUNT, totalValueUsdDecimal: expectedValue })]);
      expect(portfolio.body.totalValueUsdDecimal).toBe(expectedValue);
    } finally {
      gaming = null;
    }
  });
});

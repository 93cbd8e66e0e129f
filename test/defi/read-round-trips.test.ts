/**
 * One D1 round trip per authenticated read (issue 10) for DeFi positions: the session, the caller's role
 * in the space and the space's positions and wallets in one batch; a stranger's batch reads none of them.
 */
import { describe, expect, it } from "vitest";
import { countingApp } from "../counting-app";
import { addMember, callJson, createSpace, registerUser } from "../helpers";

const ADDRESSES = ["0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb"];

describe("GET /v1/defi/positions in one round trip", () => {
  it("lists the positions, filtered or not, for the owner and a viewer; a stranger gets the space's 404 reading none of them", async () => {
    const owner = await registerUser();
    const space = await createSpace(owner);
    for (const address of ADDRESSES) {
      const r = await callJson("/v1/defi/wallets", { token: owner.accessToken, ip: owner.ip, body: { spaceId: space.id, address, label: "Secret Vault" } });
      expect(r.status).toBe(201);
    }
    const { get } = countingApp();
    const all = await get(owner, `/v1/defi/positions?spaceId=${space.id}`);
    expect(all).toMatchObject({ status: 200, trips: 1 });
    expect(all.body.positions.length).toBeGreaterThanOrEqual(4); // the simulator's Uniswap pool and Lido staking, for each wallet
    expect(all.body.wallets).toHaveLength(2);
    expect(all.body.positions.every((p: { walletAddress: string }) => p.walletAddress !== "")).toBe(true);
    const protocol = all.body.positions[0].protocol as string;
    const network = all.body.positions[0].network as string;
    const filtered = await get(owner, `/v1/defi/positions?spaceId=${space.id}&protocol=${protocol}&network=${network}`);
    expect(filtered).toMatchObject({ status: 200, trips: 1 });
    expect(filtered.body.positions).toEqual(all.body.positions.filter((p: { protocol: string; network: string }) => p.protocol === protocol && p.network === network));
    expect(filtered.body.wallets).toEqual(all.body.wallets);

    const viewer = await registerUser();
    await addMember(owner, space.id, viewer, "viewer");
    const viewed = await get(viewer, `/v1/defi/positions?spaceId=${space.id}`);
    expect(viewed).toMatchObject({ status: 200, trips: 1 });
    expect(viewed.body).toEqual(all.body);

    const stranger = await registerUser();
    const theirs = await get(stranger, `/v1/defi/positions?spaceId=${space.id}`);
    expect(theirs).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Space not found" } } });
    expect(JSON.stringify(theirs.body)).not.toContain("Secret");
    expect(theirs.rowsRead).toBeLessThan(all.rowsRead);
    expect(theirs.rowsRead).toBeLessThan(20);
  });
});

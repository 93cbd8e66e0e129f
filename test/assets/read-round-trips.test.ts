/**
 * One D1 round trip per authenticated read (issue 10) for manual assets: the session, the caller's role
 * in the asset's space and the asset's reads in one batch, for the list, an asset, its valuations and its
 * Zestimate. A stranger gets the same 404 as for an asset that does not exist, in one round trip that
 * reads none of the space's rows.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingApp } from "../counting-app";
import { addMember, callJson, createSpace, registerUser } from "../helpers";
import { createAsset, SAMPLE_ADDRESS } from "./helpers";

const DAY = 86_400_000;

const pastId = (assetId: string, i: number) => `val_past${String(i).padStart(3, "0")}_${assetId}`;

/** `n` older valuations of the asset, straight into D1 (the route would take `n` requests). */
async function pastValuations(assetId: string, spaceId: string, n: number) {
  const base = Date.parse("2024-01-01T00:00:00Z");
  await env.DB.batch(
    Array.from({ length: n }, (_, i) =>
      env.DB.prepare(
        `INSERT INTO asset_valuations (id, asset_id, space_id, value, currency, date, valued_at, source, created_at) VALUES (?, ?, ?, ?, 'USD', ?, ?, 'manual', ?)`,
      ).bind(pastId(assetId, i), assetId, spaceId, 700_000_00 + i, new Date(base + i * DAY).toISOString().slice(0, 10), base + i * DAY, base + i * DAY),
    ),
  );
}

async function ownedAsset() {
  const owner = await registerUser();
  const space = await createSpace(owner);
  const house = await createAsset(owner, space.id, { name: "Secret Chalet", value: "850000.10", address: SAMPLE_ADDRESS });
  await createAsset(owner, space.id, { name: "Boat", type: "vehicle", value: "12000" });
  await pastValuations(house.id, space.id, 30);
  return { owner, spaceId: space.id, houseId: house.id };
}

describe("one D1 round trip per asset read", () => {
  it("lists assets, reads one and its valuations, in one round trip each, with the values as before", async () => {
    const s = await ownedAsset();
    const { get } = countingApp();

    const list = await get(s.owner, `/v1/assets?spaceId=${s.spaceId}`);
    expect(list).toMatchObject({ status: 200, trips: 1 });
    expect(list.body.assets.map((a: { name: string }) => a.name)).toEqual(["Boat", "Secret Chalet"]);
    expect(list.body.pagination).toMatchObject({ total: 2, hasMore: false });
    const typed = await get(s.owner, `/v1/assets?spaceId=${s.spaceId}&type=vehicle&limit=1`);
    expect(typed).toMatchObject({ status: 200, trips: 1 });
    expect(typed.body.assets.map((a: { name: string }) => a.name)).toEqual(["Boat"]);
    expect(typed.body.pagination).toMatchObject({ total: 1, limit: 1 });

    const one = await get(s.owner, `/v1/assets/${s.houseId}`);
    expect(one).toMatchObject({ status: 200, trips: 1 });
    // The latest valuation is the one made at creation (today), not the 30 older ones.
    expect(one.body).toMatchObject({ id: s.houseId, currentValueDecimal: "850000.10", valuationSource: "manual", address: SAMPLE_ADDRESS });
    expect(one.body).toEqual(list.body.assets.find((a: { id: string }) => a.id === s.houseId));

    const page = await get(s.owner, `/v1/assets/${s.houseId}/valuations?limit=5&offset=1`);
    expect(page).toMatchObject({ status: 200, trips: 1 });
    expect(page.body).toMatchObject({ assetId: s.houseId, currency: "USD", pagination: { total: 31, limit: 5, offset: 1, hasMore: true } });
    expect(page.body.valuations.map((v: { id: string }) => v.id)).toEqual([29, 28, 27, 26, 25].map((i) => pastId(s.houseId, i)));
    expect(page.body.valuations[0]).toMatchObject({ value: 700000.29, valueDecimal: "700000.29", date: "2024-01-30", valuedAt: "2024-01-30T00:00:00.000Z", assetId: s.houseId });
    // The member's batch did read the asset's valuations: the stranger's below reads none of them.
    const all = await get(s.owner, `/v1/assets/${s.houseId}/valuations?limit=100`);
    expect(all.body.valuations).toHaveLength(31);
    expect(all.rowsRead).toBeGreaterThanOrEqual(31);
  });

  it("answers a viewer as a member, a stranger the 404 of a missing asset in one round trip that reads nothing of it, and an ended session 401", async () => {
    const s = await ownedAsset();
    const { get } = countingApp();
    const viewer = await registerUser();
    await addMember(s.owner, s.spaceId, viewer, "viewer");
    for (const path of [`/v1/assets/${s.houseId}`, `/v1/assets/${s.houseId}/valuations`, `/v1/assets?spaceId=${s.spaceId}`]) {
      const mine = await get(s.owner, path);
      const theirs = await get(viewer, path);
      expect(theirs).toMatchObject({ status: 200, trips: 1 });
      expect(theirs.body).toEqual(mine.body);
    }

    const stranger = await registerUser();
    for (const suffix of ["", "/valuations"]) {
      const theirs = await get(stranger, `/v1/assets/${s.houseId}${suffix}`);
      const none = await get(stranger, `/v1/assets/ast_01doesnotexist000000000000${suffix}`);
      expect(none.status).toBe(404);
      expect(theirs).toMatchObject({ status: 404, trips: 1 });
      expect(theirs.body.error).toMatchObject({ code: none.body.error.code, message: none.body.error.message, details: none.body.error.details });
      expect(theirs.body.error).toMatchObject({ code: "RESOURCE_NOT_FOUND", message: "Asset not found" });
      expect(JSON.stringify(theirs.body)).not.toContain("Chalet");
      expect(theirs.rowsRead).toBeLessThan(20); // the checks' handful, not the asset's 31 valuations
    }
    const list = await get(stranger, `/v1/assets?spaceId=${s.spaceId}`);
    expect(list).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Space not found" } } });
    expect(list.rowsRead).toBeLessThan(20);

    expect((await callJson("/v1/auth/logout", { token: viewer.accessToken, ip: viewer.ip, method: "POST" })).status).toBe(204);
    for (const path of [`/v1/assets/${s.houseId}`, `/v1/assets/${s.houseId}/valuations`, `/v1/assets/ast_01doesnotexist000000000000`, `/v1/assets?spaceId=${s.spaceId}`]) {
      expect((await get(viewer, path)).status).toBe(401);
    }
  });

  it("reads an asset's Zestimate after one round trip of D1; a stranger's is the asset's 404", async () => {
    const s = await ownedAsset();
    const { get } = countingApp();
    const z = await get(s.owner, `/v1/real-estate/${s.houseId}/zestimate`);
    expect(z).toMatchObject({ status: 200, trips: 1 });
    expect(z.body).toMatchObject({ zestimate: 875000, zestimateDecimal: "875000.00", address: expect.anything() });
    const theirs = await get(await registerUser(), `/v1/real-estate/${s.houseId}/zestimate`);
    expect(theirs).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Asset not found" } } });
    expect(JSON.stringify(theirs.body)).not.toContain("Chalet");
  });
});

/**
 * Two PATCHes of one asset at once, each of another field (a member renames the car while another records its sale):
 * both land. A PATCH writes only the fields it names; a whole-row write put back what the other had just changed.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";

describe("PATCH /v1/assets/{id} at once with another PATCH", () => {
  it("keeps both changes: the name one sends and the sale day the other does", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await ok(a.post("/v1/assets", { spaceId, name: `Car ${i}`, type: "vehicle", currency: "USD", value: "9000.00", valuationDate: day(-30) }))).id);
    await Promise.all(ids.flatMap((id, i) => [
      ok(a.patch(`/v1/assets/${id}`, { name: `Renamed ${i}` })),
      ok(a.patch(`/v1/assets/${id}`, { disposedOn: day(-1), description: "sold" })),
    ]));
    for (const [i, id] of ids.entries()) {
      const stored = await ok(a.get(`/v1/assets/${id}`));
      expect({ name: stored.name, disposedOn: stored.disposedOn, description: stored.description }).toEqual({ name: `Renamed ${i}`, disposedOn: day(-1), description: "sold" });
    }
  });

  it("answers with the row as stored: what a GET then reads", async () => {
    const owner = await registerUser();
    const a = api(owner);
    const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const asset = await ok(a.post("/v1/assets", { spaceId, name: "Boat", type: "vehicle", currency: "USD", value: "100.00" }));
    const renamed = await ok(a.patch(`/v1/assets/${asset.id}`, { name: "Yacht", value: "150.00" }));
    expect({ name: renamed.name, description: renamed.description }).toEqual({ name: "Yacht", description: asset.description });
    expect(renamed).toEqual(await ok(a.get(`/v1/assets/${asset.id}`)));
  });
});

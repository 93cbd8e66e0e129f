/**
 * A user may own at most MAX_OWNED_SPACES live spaces. Many limits are a space's (its sync bucket, its documents'
 * storage, its webhooks): a user who could open spaces without end multiplied them. The cap is counted in the write,
 * so creates at once cannot pass it together; a deleted space frees its place; spaces one is a member of do not count.
 */
import { describe, expect, it } from "vitest";
import { MAX_OWNED_SPACES } from "../../src/modules/spaces/service";
import { addMember, call, callJson, createSpace, enableTwoFactor, registerUser } from "../helpers";

describe("spaces one user owns", () => {
  it("are at most MAX_OWNED_SPACES, however many creates arrive at once; a deleted one frees its place", { timeout: 120_000 }, async () => {
    const owner = await registerUser();
    // A space of someone else's the owner belongs to does not count.
    const friend = await registerUser();
    await addMember(friend, (await createSpace(friend)).id, owner, "admin");
    const create = (i: number) => callJson("/v1/spaces", { token: owner.accessToken, ip: owner.ip, body: { name: `S${i}`, type: "personal", currency: "USD" } });
    const answers = [];
    for (let wave = 0; wave < 4; wave++) answers.push(...(await Promise.all(Array.from({ length: 13 }, (_, i) => create(wave * 13 + i)))));
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(created).toHaveLength(MAX_OWNED_SPACES);
    expect(refused.map((r) => [r.status, r.body.error.details[0].code])).toEqual(Array(52 - MAX_OWNED_SPACES).fill([422, "LIMIT_REACHED"]));
    // A refused create left nothing behind.
    const listed = (await callJson("/v1/spaces", { token: owner.accessToken, ip: owner.ip })).body as { role: string }[];
    expect(listed.filter((s) => s.role === "owner")).toHaveLength(MAX_OWNED_SPACES);
    expect(listed).toHaveLength(MAX_OWNED_SPACES + 1);

    await enableTwoFactor(owner);
    expect((await call(`/v1/spaces/${created[0]!.body.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip })).status).toBe(204);
    expect((await create(99)).status).toBe(201);
    expect((await create(100)).status).toBe(422);
  });
});

/**
 * A household member leaves by themselves (QA of households over a family's life): DELETE of their own member row was
 * the owner's only, so an adult child who moved out stayed in (403), their email shown to the household, until the
 * owner acted. Spaces already let anyone but the owner leave; a household's members (role `member`) now may too. An
 * executor still may not (the owner relies on them for Life Beat: test/lifebeat/households.test.ts), and no one but
 * the owner removes anyone else.
 */
import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";
import { as, householdWorld, invitationToken, registerWithEmail } from "../lifebeat/helpers";

describe("leaving a household", () => {
  it("a member (role member) leaves; the executor and the owner may not; no member removes another", async () => {
    const w = await householdWorld();
    const childEmail = `child-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const inv = await callJson(`/v1/households/${w.householdId}/members`, { ...as(w.owner), body: { email: childEmail, relationship: "child", role: "member" } });
    const child = await registerWithEmail(childEmail);
    expect((await callJson(`/v1/households/invitations/${await invitationToken(childEmail)}/accept`, { ...as(child), method: "POST" })).status).toBe(200);
    const ownerRow = (await callJson(`/v1/households/${w.householdId}`, as(w.owner))).body.members.find((m: any) => m.role === "owner").id;

    for (const target of [w.executorId, ownerRow, "hhm_nope"]) {
      const r = await callJson(`/v1/households/${w.householdId}/members/${target}`, { ...as(child), method: "DELETE" });
      expect({ target, status: r.status }).toEqual({ target, status: 403 });
    }
    const stranger = await registerUser();
    expect((await callJson(`/v1/households/${w.householdId}/members/${inv.body.id}`, { ...as(stranger), method: "DELETE" })).status).toBe(404);
    const members = (await callJson(`/v1/households/${w.householdId}`, as(w.owner))).body.members.map((m: any) => m.id);
    expect(members).toEqual([ownerRow, w.executorId, inv.body.id]);

    // The executor may not leave by themselves; the child may, and reads the household no more.
    const executorLeaves = await callJson(`/v1/households/${w.householdId}/members/${w.executorId}`, { ...as(w.executor), method: "DELETE" });
    expect({ status: executorLeaves.status, message: executorLeaves.body.error.message }).toEqual({ status: 403, message: "Only the household's owner may do this" });
    expect((await callJson(`/v1/households/${w.householdId}/members/${inv.body.id}`, { ...as(child), method: "DELETE" })).status).toBe(204);
    expect((await callJson(`/v1/households/${w.householdId}`, as(child))).status).toBe(404);
    expect((await callJson(`/v1/life-beat?householdId=${w.householdId}`, as(child))).status).toBe(404);
    const after = (await callJson(`/v1/households/${w.householdId}`, as(w.owner))).body.members.map((m: any) => m.id);
    expect(after).toEqual([ownerRow, w.executorId]);
    // The owner cannot leave their own household.
    const ownerLeaves = await callJson(`/v1/households/${w.householdId}/members/${ownerRow}`, { ...as(w.owner), method: "DELETE" });
    expect({ status: ownerLeaves.status, message: ownerLeaves.body.error.message }).toEqual({ status: 403, message: "The owner cannot be removed from the household" });
    // The owner may invite the child again later.
    expect((await callJson(`/v1/households/${w.householdId}/members`, { ...as(w.owner), body: { email: childEmail, relationship: "child", role: "member" } })).status).toBe(201);
  });
});

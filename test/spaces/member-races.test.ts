/**
 * PATCH and DELETE of one member at once (QA's sweep of concurrent admin actions). Each checked the roles, then wrote
 * without looking again: the owner's promotion of X to admin racing an admin's removal of X ended with PATCH 200
 * {"role":"admin"}, DELETE 204 and no row (a promotion reported of someone already removed), and the other way round
 * an admin removed a member who was an admin by then. Each write now holds only over the roles it read; one that
 * another's write overtook answers as what that left warrants (members.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, createSpace, registerUser, userApi } from "../helpers";
import { racingApp } from "../racing-app";

async function ownerAdminAndMember() {
  const owner = await registerUser();
  const admin = await registerUser();
  const x = await registerUser();
  const space = await createSpace(owner);
  await addMember(owner, space.id, admin, "admin");
  await addMember(owner, space.id, x, "member");
  return { owner, admin, x, spaceId: space.id };
}

const roleOf = async (spaceId: string, userId: string) =>
  (await env.DB.prepare("SELECT role FROM space_members WHERE space_id = ? AND user_id = ?").bind(spaceId, userId).first<{ role: string }>())?.role ?? null;

describe("a member's PATCH and DELETE at once", () => {
  it("a promotion that a removal overtook is the member's 404, not a 200 of someone already removed", { timeout: 60_000 }, async () => {
    const { owner, admin, x, spaceId } = await ownerAdminAndMember();
    let removal: { status: number } | undefined;
    // The owner's PATCH has read X as a member; the admin's DELETE lands before its write.
    const racing = racingApp(/^update "?space_members"? /i, async () => (removal = await userApi(admin).del(`/v1/spaces/${spaceId}/members/${x.id}`)));
    const promotion = await racing.patch(owner, `/v1/spaces/${spaceId}/members/${x.id}`, { role: "admin" });
    expect(racing.fired()).toBe(true);
    expect(removal?.status).toBe(204);
    expect({ status: promotion.status, message: promotion.body?.error?.message }).toEqual({ status: 404, message: "Member not found" });
    expect(await roleOf(spaceId, x.id)).toBeNull();
  });

  it("a removal that a promotion overtook is a 403: an admin never removes an admin", { timeout: 60_000 }, async () => {
    const { owner, admin, x, spaceId } = await ownerAdminAndMember();
    let promotion: { status: number; body: any } | undefined;
    // The admin's DELETE has read X as a member; the owner's promotion of X to admin lands before its write.
    const racing = racingApp(/^delete from "?space_members"? /i, async () => (promotion = await userApi(owner).patch(`/v1/spaces/${spaceId}/members/${x.id}`, { role: "admin" })));
    const removal = await racing.del(admin, `/v1/spaces/${spaceId}/members/${x.id}`);
    expect(racing.fired()).toBe(true);
    expect([promotion?.status, promotion?.body.role]).toEqual([200, "admin"]);
    expect({ status: removal.status, message: removal.body?.error?.message }).toEqual({ status: 403, message: "You can only remove members below your own role" });
    expect(await roleOf(spaceId, x.id)).toBe("admin");
  });

  it("a second DELETE of one member is its 404 (DELETE is not documented idempotent)", { timeout: 60_000 }, async () => {
    const { owner, admin, x, spaceId } = await ownerAdminAndMember();
    let first: { status: number } | undefined;
    const racing = racingApp(/^delete from "?space_members"? /i, async () => (first = await userApi(owner).del(`/v1/spaces/${spaceId}/members/${x.id}`)));
    const second = await racing.del(admin, `/v1/spaces/${spaceId}/members/${x.id}`);
    expect(racing.fired()).toBe(true);
    expect(first?.status).toBe(204);
    expect({ status: second.status, message: second.body?.error?.message }).toEqual({ status: 404, message: "Member not found" });
  });

  it("a change by an admin demoted meanwhile is refused as the demoted role is", { timeout: 60_000 }, async () => {
    const { owner, admin, x, spaceId } = await ownerAdminAndMember();
    let demotion: { status: number } | undefined;
    // The admin's PATCH of X (member to viewer) has passed its checks; the owner makes the admin a member before its write.
    const racing = racingApp(/^update "?space_members"? /i, async () => (demotion = await userApi(owner).patch(`/v1/spaces/${spaceId}/members/${admin.id}`, { role: "member" })));
    const change = await racing.patch(admin, `/v1/spaces/${spaceId}/members/${x.id}`, { role: "viewer" });
    expect(racing.fired()).toBe(true);
    expect(demotion?.status).toBe(200);
    expect(change.status).toBe(403);
    expect([await roleOf(spaceId, x.id), await roleOf(spaceId, admin.id)]).toEqual(["member", "member"]);
  });
});

/**
 * What a viewer may not see or run, per API.md: the member list (it carries
 * every member's email) and rule application, a dry run included, are for
 * members and up.
 */
import { describe, expect, it } from "vitest";
import { addMember, callJson, createSpace, registerUser } from "../helpers";

async function spaceWithViewerAndMember() {
  const owner = await registerUser();
  const viewer = await registerUser();
  const member = await registerUser();
  const space = await createSpace(owner);
  await addMember(owner, space.id, viewer, "viewer");
  await addMember(owner, space.id, member, "member");
  return { owner, viewer, member, space };
}

describe("viewer role", () => {
  it("cannot list a space's members and their emails", async () => {
    const { owner, viewer, member, space } = await spaceWithViewerAndMember();
    const asViewer = await callJson(`/v1/spaces/${space.id}/members`, { token: viewer.accessToken, ip: viewer.ip });
    expect(asViewer.status).toBe(403);
    expect(asViewer.body.error.code).toBe("FORBIDDEN");
    expect(JSON.stringify(asViewer.body)).not.toContain(owner.email);

    const asMember = await callJson(`/v1/spaces/${space.id}/members`, { token: member.accessToken, ip: member.ip });
    expect(asMember.status).toBe(200);
    expect(asMember.body.map((m: any) => m.email).sort()).toEqual([owner.email, viewer.email, member.email].sort());
  });

  it("cannot apply category rules, not even as a dry run", async () => {
    const { viewer, member, space } = await spaceWithViewerAndMember();
    for (const dryRun of [true, false]) {
      const res = await callJson("/v1/categories/apply-rules", { token: viewer.accessToken, ip: viewer.ip, body: { spaceId: space.id, dryRun } });
      expect(res.status, `dryRun ${dryRun}`).toBe(403);
      expect(res.body.error.code).toBe("FORBIDDEN");
    }
    const asMember = await callJson("/v1/categories/apply-rules", { token: member.accessToken, ip: member.ip, body: { spaceId: space.id, dryRun: true } });
    expect(asMember.status).toBe(200);
    expect(asMember.body.dryRun).toBe(true);
  });

  it("still reads the space itself", async () => {
    const { viewer, space } = await spaceWithViewerAndMember();
    expect((await callJson(`/v1/spaces/${space.id}`, { token: viewer.accessToken, ip: viewer.ip })).status).toBe(200);
  });
});

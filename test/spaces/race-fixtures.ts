/** The spaces the deletion-race tests overtake: one whose owner deletes it, one whose owner removes or demotes another. */
import { expect } from "vitest";
import { addMember, call, createSpace, enableTwoFactor, registerUser, userApi } from "../helpers";

/** An owner with 2FA (a space's deletion asks for it), their space, and the deletion as the owner asks for it. */
export async function spaceToDelete() {
  const owner = await registerUser();
  const space = await createSpace(owner);
  await enableTwoFactor(owner);
  const deleteIt = async () => {
    const res = await call(`/v1/spaces/${space.id}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip });
    expect(res.status).toBe(204);
  };
  return { owner, spaceId: space.id, deleteIt };
}

/** An owner (no 2FA), their space and a second user of it with `role`, with the owner's removal and demotion of them. */
export async function spaceWith(role: "member" | "admin") {
  const owner = await registerUser();
  const other = await registerUser();
  const space = await createSpace(owner);
  await addMember(owner, space.id, other, role);
  const removeIt = async () => expect((await userApi(owner).del(`/v1/spaces/${space.id}/members/${other.id}`)).status).toBe(204);
  const demoteIt = async () => expect((await userApi(owner).patch(`/v1/spaces/${space.id}/members/${other.id}`, { role: "viewer" })).status).toBe(200);
  return { owner, other, spaceId: space.id, removeIt, demoteIt };
}

/**
 * An admin's DELETE /v1/providers/connections/{id} whose removal at the provider fails (Plaid rate-limiting
 * /item/remove): the disconnection stands here, and the item is removed at Plaid by the hourly retry, as a deleted
 * space's are (remove.ts). It used to wipe the access token at once, so the item stayed linked to the user's bank at
 * Plaid for good, with nothing here able to remove it. Past the retry window the token goes all the same.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DISCONNECT_REMOVAL_GIVEN_UP, DISCONNECT_REMOVAL_PENDING, DISCONNECTED_BY_ADMIN, getConnection, openCredentials } from "../../src/modules/providers/connections";
import { retryPendingRemovals } from "../../src/modules/providers/remove";
import { callJson } from "../helpers";
import { as, connRow, directServices, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, waitForJob } from "./helpers";

const itemStatus = async (accessToken: string) =>
  (await env.DB.prepare("SELECT status FROM sandbox_plaid_items WHERE access_token = ?").bind(accessToken).first<{ status: string }>())!.status;

async function disconnectedWhilePlaidRefuses() {
  const { owner, spaceId } = await ownerWithSpace();
  const l = await linkPlaid(owner, spaceId);
  expect((await waitForJob(l.jobId)).status).toBe("completed");
  const accessToken = await plaidAccessToken(l.connection.id);
  await plaidControl("item/rate_limit", { access_token: accessToken, requests: 1 });
  const del = await callJson(`/v1/providers/connections/${l.connection.id}`, { ...as(owner), method: "DELETE" });
  expect(del.status).toBe(200);
  expect(del.body).toMatchObject({ providerRemoved: false, connection: { status: "disconnected", statusReason: DISCONNECT_REMOVAL_PENDING } });
  expect(await itemStatus(accessToken)).not.toBe("removed");
  return { owner, id: l.connection.id as string, accessToken };
}

describe("a disconnection whose removal at the provider failed", () => {
  it("keeps the token sealed until the hourly retry removes the item at Plaid, then wipes it", { timeout: 90_000 }, async () => {
    const { owner, id, accessToken } = await disconnectedWhilePlaidRefuses();
    const { svc } = directServices();
    // A second DELETE (idempotent: 409) does not drop what the retry needs.
    expect((await callJson(`/v1/providers/connections/${id}`, { ...as(owner), method: "DELETE" })).status).toBe(409);
    expect(await openCredentials(env, (await getConnection(svc, id))!)).toMatchObject({ accessToken });

    await retryPendingRemovals(svc);
    expect(await itemStatus(accessToken)).toBe("removed");
    expect(await connRow(id)).toMatchObject({ status: "disconnected", status_reason: DISCONNECTED_BY_ADMIN });
    expect(await openCredentials(env, (await getConnection(svc, id))!)).toEqual({});
  });

  it("wipes the token all the same once the retry window has passed", { timeout: 90_000 }, async () => {
    const { id, accessToken } = await disconnectedWhilePlaidRefuses();
    await plaidControl("item/rate_limit", { access_token: accessToken, requests: 5 });
    const { svc } = directServices(() => Date.now() + 8 * 86_400_000);
    await retryPendingRemovals(svc);
    expect(await connRow(id)).toMatchObject({ status: "disconnected", status_reason: DISCONNECT_REMOVAL_GIVEN_UP });
    expect(await openCredentials(env, (await getConnection(svc, id))!)).toEqual({});
  });
});

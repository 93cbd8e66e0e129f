/**
 * Review of the outbound deadline (stop 44): a request whose side effect happened at the provider but whose answer
 * never came back in time. A deleted space's Plaid item whose /item/remove was carried out by Plaid, the answer held
 * past OUTBOUND_TIMEOUT_MS: the hourly retry asks Plaid again, Plaid no longer knows the access token
 * (INVALID_ACCESS_TOKEN, the item is gone), and the connection must then count as removed (its credentials wiped),
 * not stay REMOVAL_PENDING, retried and logged as failing every hour for seven days with the token kept.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { getConnection, openCredentials, REMOVAL_PENDING } from "../../src/modules/providers/connections";
import { retryPendingRemovals } from "../../src/modules/providers/remove";
import { call, enableTwoFactor } from "../helpers";
import { directServices, linkPlaid, ownerWithSpace, plaidAccessToken, plaidControl, waitForJob } from "./helpers";

/** /item/remove for this access token: carried out by the simulator, then its answer held until the deadline. */
let removeThenHang: string | null = null;

beforeAll(() => {
  registerSandboxHandler(async (request, e) => {
    if (removeThenHang && new URL(request.url).pathname.endsWith("/item/remove") && (await request.clone().text()).includes(removeThenHang)) {
      await app.fetch(request.clone(), e);
      return new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true }));
    }
    return app.fetch(request, e);
  });
});
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

const connRow = (id: string) => env.DB.prepare("SELECT status, status_reason FROM provider_connections WHERE id = ?").bind(id).first<{ status: string; status_reason: string | null }>();

describe("a Plaid /item/remove that Plaid carried out but answered past the deadline", () => {
  it("is settled by the next retry (Plaid no longer knows the token), not retried for a week", { timeout: 90_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    await enableTwoFactor(owner);
    const l = await linkPlaid(owner, spaceId);
    expect((await waitForJob(l.jobId)).status).toBe("completed");
    const accessToken = await plaidAccessToken(l.connection.id);
    const itemStatus = async () => (await env.DB.prepare("SELECT status FROM sandbox_plaid_items WHERE access_token = ?").bind(accessToken).first<{ status: string }>())!.status;
    // The space's deletion finds Plaid rate-limiting the removal: the connection waits for the hourly retry.
    await plaidControl("item/rate_limit", { access_token: accessToken, requests: 1 });
    expect((await call(`/v1/spaces/${spaceId}`, { method: "DELETE", token: owner.accessToken, ip: owner.ip })).status).toBe(204);
    expect(await connRow(l.connection.id)).toMatchObject({ status: "disconnected", status_reason: REMOVAL_PENDING });

    // The retry: Plaid removes the item, and its answer is held past the (short) deadline.
    const { svc } = directServices();
    const short = { ...svc, env: { ...svc.env, OUTBOUND_TIMEOUT_MS: "2000" } }; // room for the requests that answer (and for the held one to be carried out) on a loaded machine
    removeThenHang = accessToken;
    expect(await retryPendingRemovals(short)).toBe(0);
    removeThenHang = null;
    expect(await itemStatus()).toBe("removed");

    // The next retry: the item is gone at Plaid (INVALID_ACCESS_TOKEN): that is the removal done.
    await retryPendingRemovals(svc);
    expect(await connRow(l.connection.id)).toMatchObject({ status: "disconnected", status_reason: "space_deleted" });
    expect(await openCredentials(env, (await getConnection(svc, l.connection.id))!)).toEqual({});
  });
});

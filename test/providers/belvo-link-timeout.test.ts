/**
 * Belvo's link creation (POST /api/links/, which logs into the bank and stores the user's bank credentials at Belvo)
 * carried out by Belvo, its answer held past OUTBOUND_TIMEOUT_MS (review of stop 44). The connect fails as a timeout,
 * and no connection here holds the link's id, so no disconnect or space deletion could ever remove it: Belvo would
 * keep the user's bank password (and bill the link). The connect names its link (Belvo's `external_id`), finds it by
 * that name when the answer is lost, and removes it.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import type { AuthContext } from "../../src/env";
import { registerSandboxHandler } from "../../src/lib/outbound";
import { connectBelvo } from "../../src/modules/providers/belvo";
import { directServices, ownerWithSpace } from "./helpers";

/** POST /api/links/ naming this username: carried out by the simulator, then its answer held until the deadline. */
let createThenHang: string | null = null;

beforeAll(() => {
  registerSandboxHandler(async (request, e) => {
    const path = new URL(request.url).pathname;
    if (createThenHang && request.method === "POST" && path.endsWith("/api/links/") && (await request.clone().text()).includes(createThenHang)) {
      await app.fetch(request.clone(), e);
      return new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true }));
    }
    return app.fetch(request, e);
  });
});
afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));

describe("a Belvo link created at Belvo whose answer came past the deadline", () => {
  it("is not left at Belvo with the user's bank credentials", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const { svc } = directServices();
    const short = { ...svc, env: { ...svc.env, OUTBOUND_TIMEOUT_MS: "2000" } }; // room for the requests that answer (and for the held one to be carried out) on a loaded machine
    const auth: AuthContext = { userId: owner.id, sessionId: "ses_test", email: owner.email, twoFactorEnabled: false, stepUpAt: Date.now() };
    const username = `t${crypto.randomUUID().slice(0, 8)}`;
    createThenHang = username;
    let failure: unknown;
    try {
      await connectBelvo(short, auth, { spaceId, institution: "banamex", username, password: "pw" });
    } catch (e) {
      failure = e;
    } finally {
      createThenHang = null;
    }
    expect(failure).toBeDefined(); // the connect failed: Belvo timed out
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_connections WHERE space_id = ? AND provider = 'belvo'").bind(spaceId).first("n")).toBe(0);
    // The link Belvo made is gone from Belvo too (it was made: one row, now deleted).
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM sandbox_belvo_links WHERE username = ?").bind(username).first("n")).toBe(1);
    const live = await env.DB.prepare("SELECT COUNT(*) AS n FROM sandbox_belvo_links WHERE username = ? AND status != 'deleted'").bind(username).first("n");
    expect(live).toBe(0);
  });
});

/**
 * D1 round trips of the rate reads (issue 10). A space's manual rates: the session, the role and the
 * rates in one batch. `GET /v1/rates`: the stored rates are read once (whether the day is stored is seen
 * in them), with the session check when getRate is given the caller; a day not stored yet is fetched,
 * then stored and read again in one batch.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import type { AuthContext, Services } from "../../src/env";
import { verifyAccessToken } from "../../src/modules/auth/tokens";
import { getRate } from "../../src/modules/rates/service";
import { canonicalRate } from "../../src/modules/rates/exact";
import { sandboxRate } from "../../src/sandbox/rates";
import { countingApp } from "../counting-app";
import { addMember, callJson, createSpace, registerUser, type TestUser } from "../helpers";

/** Services over a D1 that counts its batches, and the caller as the auth middleware leaves a GET (session unchecked). */
async function countedCall(u: TestUser) {
  const counter = { trips: 0 };
  const DB = { prepare: env.DB.prepare.bind(env.DB), batch: (s: D1PreparedStatement[]) => (counter.trips++, env.DB.batch(s)) } as unknown as D1Database;
  const e = { ...env, DB } as Env;
  const svc: Services = { env: e, db: createDb(e.DB), clock: { now: () => Date.now() } };
  const auth: AuthContext = { ...(await verifyAccessToken(svc, u.accessToken)), email: "", twoFactorEnabled: false, stepUpAt: null, unverified: true };
  return { svc, auth, counter };
}

describe("GET /v1/rates round trips", () => {
  it("reads a stored day in one round trip with the session check; a day not stored costs one more, storing and reading", async () => {
    const u = await registerUser();
    const date = "2024-05-07";
    await env.DB.prepare("DELETE FROM exchange_rates WHERE date = ?").bind(date).run();
    const cold = await countedCall(u);
    const fetched = await getRate(cold.svc, { base: "MXN", quote: "EUR", date }, cold.auth);
    expect(cold.counter.trips).toBe(2);
    expect(cold.auth.unverified).toBe(false);
    expect(fetched).toMatchObject({ derivation: "cross via USD", rateDate: date, exact: false });
    expect(fetched.ratesUsed.map((r) => [r.quote, r.rate, r.source])).toEqual([["MXN", canonicalRate(sandboxRate("MXN", date)!), "sandbox-fx"], ["EUR", canonicalRate(sandboxRate("EUR", date)!), "sandbox-fx"]]);
    const warm = await countedCall(u);
    expect(await getRate(warm.svc, { base: "MXN", quote: "EUR", date }, warm.auth)).toEqual(fetched);
    expect(warm.counter.trips).toBe(1);
    expect(warm.auth.unverified).toBe(false);
  });

  it("through the app: the same answer, the session checked in the rates' batch", async () => {
    const u = await registerUser();
    const date = "2024-05-08";
    await env.DB.prepare("DELETE FROM exchange_rates WHERE date = ?").bind(date).run();
    const { get } = countingApp();
    const cold = await get(u, `/v1/rates?base=USD&quote=MXN&date=${date}`);
    expect(cold).toMatchObject({ status: 200, trips: 2, body: { rate: canonicalRate(sandboxRate("MXN", date)!), derivation: "direct", exact: true, rateDate: date } });
    const warm = await get(u, `/v1/rates?base=USD&quote=MXN&date=${date}`);
    expect(warm).toMatchObject({ status: 200, trips: 1, body: cold.body });
  });
});

describe("a space's manual rates in one round trip", () => {
  it("lists them in one round trip for a viewer; a stranger's 404 reads none", async () => {
    const [owner, viewer, stranger] = [await registerUser(), await registerUser(), await registerUser()];
    const space = await createSpace(owner);
    await addMember(owner, space.id, viewer, "viewer");
    const rates = Array.from({ length: 60 }, (_, i) => ({ base: "USD", quote: "MXN", date: `2023-${String(1 + Math.floor(i / 28)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`, rate: `17.${String(i).padStart(2, "0")}` }));
    expect((await callJson(`/v1/spaces/${space.id}/rates`, { method: "PUT", token: owner.accessToken, ip: owner.ip, body: { rates } })).status).toBe(200);
    const { get } = countingApp();
    const listed = await get(viewer, `/v1/spaces/${space.id}/rates?from=2023-01-01&to=2023-01-31`);
    expect(listed.status).toBe(200);
    expect(listed.trips).toBe(1);
    expect(listed.body.rates).toHaveLength(28);
    expect(listed.body.rates[0]).toEqual({ base: "USD", quote: "MXN", date: "2023-01-28", rate: "17.27", source: "manual", setBy: owner.id, updatedAt: expect.any(String) });
    expect(listed.body.hasMore).toBe(false);
    const theirs = await get(stranger, `/v1/spaces/${space.id}/rates`);
    expect(theirs).toMatchObject({ status: 404, trips: 1, body: { error: { code: "RESOURCE_NOT_FOUND", message: "Space not found" } } });
    expect(theirs.body.rates).toBeUndefined();
    expect(theirs.rowsRead).toBeLessThan(20);
  });
});

/**
 * Token leases of the `general` policy (middleware/token-leases.ts): a burst of one user's requests
 * spends tokens its isolate leased, so most of the burst makes no limiter call, while the headers
 * count down by one per request and the bucket never lets more through than the limit.
 */
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { POLICIES } from "../../src/lib/rate-limits";
import { LEASE_MS } from "../../src/middleware/token-leases";
import { registerUser, type TestUser } from "../helpers";

/** The app with a RATE_LIMITER binding that counts the limiter calls of each key. */
function countingApp() {
  const takes = new Map<string, number>();
  const real = env.RATE_LIMITER;
  const names = new Map<string, string>();
  const limiter = {
    idFromName: (name: string) => {
      const id = real.idFromName(name);
      names.set(id.toString(), name);
      return id;
    },
    get: (id: DurableObjectId) => {
      const stub = real.get(id);
      const name = names.get(id.toString())!;
      return new Proxy(stub, {
        get: (target, prop) =>
          prop === "take"
            ? (...args: unknown[]) => {
                takes.set(name, (takes.get(name) ?? 0) + 1);
                return (target.take as (...a: unknown[]) => unknown)(...args);
              }
            : Reflect.get(target, prop),
      });
    },
  } as unknown as typeof env.RATE_LIMITER;
  const send = async (u: TestUser, path: string) => {
    const ctx = createExecutionContext();
    const headers = { authorization: `Bearer ${u.accessToken}`, "cf-connecting-ip": u.ip };
    const res = await app.fetch(new Request(`http://api.test${path}`, { headers }), { ...env, RATE_LIMITER: limiter }, ctx);
    await waitOnExecutionContext(ctx);
    await res.arrayBuffer();
    return res;
  };
  return { takes, send };
}

/** The stored bucket of a user's general policy (tokens as of its last take). */
async function bucketOf(userId: string) {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`general:user:${userId}`));
  return runInDurableObject(stub, (_, state) =>
    state.storage.sql.exec<{ tokens: number }>("SELECT tokens FROM bucket WHERE id = 1").toArray()[0]?.tokens ?? POLICIES.general.limit,
  );
}

/** A new user, and a lease window gone by since its registration's requests, so that they count for no demand. */
async function quietUser(): Promise<TestUser> {
  const u = await registerUser();
  await new Promise((r) => setTimeout(r, LEASE_MS + 50));
  return u;
}

const remainingOf = (res: Response) => Number(res.headers.get("x-ratelimit-remaining"));

describe("token leases (general policy)", () => {
  it("serves a burst mostly from leased tokens, counting down by one per request", async () => {
    const u = await quietUser();
    const { takes, send } = countingApp();
    const key = `general:user:${u.id}`;
    const before = await bucketOf(u.id);
    const remaining: number[] = [];
    // Sequential: each request sees the demand of those before it.
    for (let i = 0; i < 20; i++) {
      const res = await send(u, "/v1/spaces");
      expect(res.status).toBe(200);
      remaining.push(remainingOf(res));
    }
    const first = remaining[0]!;
    expect(remaining).toEqual(Array.from({ length: 20 }, (_, i) => first - i));
    // Within one second (about 150 ms here): calls at the 1st, 2nd, 4th, 8th and 16th request, for leases
    // of 1, 3, 7 and 15 tokens. Split over two demand windows by a slow machine, a few more.
    expect(takes.get(key)).toBeGreaterThanOrEqual(5);
    expect(takes.get(key)).toBeLessThanOrEqual(10);
    // The bucket was charged for every request served, and at most one lease is unspent.
    const after = await bucketOf(u.id);
    const charged = before - after;
    expect(charged).toBeGreaterThanOrEqual(20 - 1); // a second of refill is 0.28 of a token
    expect(charged).toBeLessThanOrEqual(20 + 15);
  });

  it("serves waves of parallel requests mostly from leases, and charges the bucket for each request served", async () => {
    const u = await quietUser();
    const { takes, send } = countingApp();
    const key = `general:user:${u.id}`;
    const before = await bucketOf(u.id);
    const waves = 3;
    for (let w = 0; w < waves; w++) {
      const statuses = (await Promise.all(Array.from({ length: 16 }, () => send(u, "/v1/spaces")))).map((r) => r.status);
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    // The first wave calls for each request (no lease yet, each asks for a token or so more); later
    // waves spend what it leased, and each call of theirs asks for a whole lease.
    expect(takes.get(key)).toBeLessThanOrEqual(16 + 4);
    const charged = before - (await bucketOf(u.id));
    expect(charged).toBeGreaterThanOrEqual(waves * 16 - 1);
    expect(charged).toBeLessThanOrEqual(waves * 16 + 16);
  });

  it("gives an expired lease's unspent tokens back with the next call", async () => {
    const u = await quietUser();
    const { send } = countingApp();
    for (let i = 0; i < 8; i++) await send(u, "/v1/spaces"); // the 8th call leases 7
    const leasedOut = await bucketOf(u.id);
    await new Promise((r) => setTimeout(r, LEASE_MS + 50));
    const next = await send(u, "/v1/spaces");
    // 7 tokens back, 1 taken (and about a third of a token of refill).
    const back = (await bucketOf(u.id)) - leasedOut;
    expect(back).toBeGreaterThanOrEqual(6);
    expect(back).toBeLessThan(7);
    expect(remainingOf(next)).toBe(Math.floor(await bucketOf(u.id)));
  });

  it("never lets a burst through past the limit: the last tenth of the bucket is not lent", async () => {
    const u = await quietUser();
    const { takes, send } = countingApp();
    const key = `general:user:${u.id}`;
    const spec = POLICIES.general;
    // Spend the bucket down to 20 tokens, as 980 earlier requests would have.
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
    await runInDurableObject(stub, (limiter) => {
      while (limiter.take(spec, Date.now()).remaining > 20);
    });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await send(u, "/v1/spaces")).status);
    // At most 20 more (plus a few tokens of refill), then 429s; below the floor every request asked the object.
    const served = statuses.filter((s) => s === 200).length;
    expect(served).toBeGreaterThanOrEqual(20);
    expect(served).toBeLessThanOrEqual(21);
    expect(statuses.slice(served).every((s) => s === 429)).toBe(true);
    expect(takes.get(key)).toBe(30);
  });

  it("leases nothing to a lone request", async () => {
    const u = await quietUser();
    const { takes, send } = countingApp();
    await send(u, "/v1/spaces");
    await new Promise((r) => setTimeout(r, LEASE_MS + 50));
    await send(u, "/v1/spaces");
    expect(takes.get(`general:user:${u.id}`)).toBe(2);
    // Nothing was lent: the bucket was charged for the two requests alone.
    const left = await bucketOf(u.id);
    expect(left).toBeGreaterThan(997.9);
    expect(left).toBeLessThan(999);
  });
});

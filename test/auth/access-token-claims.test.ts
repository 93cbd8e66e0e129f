/**
 * Access tokens must carry the claims that bound them: `exp`, `iat`, `sub`
 * and `sid`, with a life no longer than the 15 minutes we sign them for.
 */
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { call, registerUser, type TestUser } from "../helpers";

const sessionOf = (u: TestUser) => JSON.parse(atob(u.accessToken.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid as string;

/** Signs with the test JWT_SECRET (vitest.config.ts) and only the claims asked for. */
async function sign(claims: { sub?: string; sid?: string; iat?: number; exp?: number }) {
  const jwt = new SignJWT({ typ: "access", ...(claims.sid ? { sid: claims.sid } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("dhanam-ledger")
    .setAudience("dhanam-api");
  if (claims.sub) jwt.setSubject(claims.sub);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(env.JWT_SECRET));
}

describe("access tokens", () => {
  async function setup() {
    const u = await registerUser();
    const now = Math.floor(Date.now() / 1000);
    const full = { sub: u.id, sid: sessionOf(u), iat: now - 5, exp: now + 600 };
    const me = async (claims: typeof full | Partial<typeof full>) => (await call("/v1/auth/me", { token: await sign(claims), ip: u.ip })).status;
    expect(await me(full)).toBe(200); // control: the forged token is otherwise good
    return { now, full, me };
  }

  it("refuse a token without exp", async () => {
    const { full, me } = await setup();
    expect(await me({ ...full, exp: undefined })).toBe(401);
  });

  it("refuse a token without iat", async () => {
    const { full, me } = await setup();
    expect(await me({ ...full, iat: undefined })).toBe(401);
  });

  it("refuse a token without sid or sub", async () => {
    const { full, me } = await setup();
    expect(await me({ ...full, sid: undefined })).toBe(401);
    expect(await me({ ...full, sub: undefined })).toBe(401);
  });

  it("refuse a token issued more than 15 minutes ago, whatever its exp says", async () => {
    const { now, full, me } = await setup();
    expect(await me({ ...full, iat: now - 16 * 60, exp: now + 365 * 86400 })).toBe(401);
  });

  it("refuse a token issued in the future", async () => {
    const { now, full, me } = await setup();
    expect(await me({ ...full, iat: now + 300, exp: now + 900 })).toBe(401);
  });

  it("refuse a token whose sub or sid is not a string (it was a 500: the value reached SQL), on reads and writes", async () => {
    const { full } = await setup();
    const u = await registerUser();
    for (const odd of [{ sub: ["a"] }, { sub: { a: 1 } }, { sid: ["s"] }, { sid: 7 }, { sub: "x".repeat(65) }]) {
      // Claims of the wrong type, as a forger would write them.
      const jwt = new SignJWT({ typ: "access", sid: full.sid, ...odd } as never)
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuer("dhanam-ledger")
        .setAudience("dhanam-api")
        .setIssuedAt(full.iat)
        .setExpirationTime(full.exp);
      if (!("sub" in odd)) jwt.setSubject(full.sub);
      const token = await jwt.sign(new TextEncoder().encode(env.JWT_SECRET));
      for (const [path, method] of [["/v1/auth/me", "GET"], ["/v1/spaces", "GET"], ["/v1/spaces", "POST"]] as const) {
        const res = await call(path, { token, ip: u.ip, method, ...(method === "POST" ? { body: { name: "x", type: "personal", currency: "USD" } } : {}) });
        expect(res.status, `${JSON.stringify(odd)} ${method} ${path}`).toBe(401);
      }
    }
  });
});

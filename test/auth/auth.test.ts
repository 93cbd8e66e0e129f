import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { PBKDF2_ITERATIONS, hashPassword, verifyPassword } from "../../src/lib/password";
import { toBase64Url } from "../../src/lib/crypto";
import { countingApp } from "../counting-app";
import { call, callJson, nextIp, registerUser } from "../helpers";

describe("passwords", () => {
  it("uses PBKDF2-SHA256 at the production cap of 100,000 iterations with a per-user salt", async () => {
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    const a = await hashPassword("s3cret-pass");
    const b = await hashPassword("s3cret-pass");
    expect(a.split("$")[1]).toBe("100000");
    expect(a).not.toBe(b); // different salts
    expect(await verifyPassword("s3cret-pass", a)).toBe(true);
    expect(await verifyPassword("wrong", a)).toBe(false);
  });

  it("stores only the hash", async () => {
    const user = await registerUser();
    const row = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?").bind(user.id).first<{ password_hash: string }>();
    expect(row!.password_hash.startsWith("pbkdf2-sha256$100000$")).toBe(true);
    expect(row!.password_hash).not.toContain(user.password);
  });
});

describe("register and login", () => {
  it("registers with the seed shape and a 15-minute access token", async () => {
    const ip = nextIp();
    const { status, body } = await callJson("/v1/auth/register", {
      ip,
      body: { name: "Ana", email: "Ana.Garcia@Example.com", password: "long-enough-pw", locale: "es" },
    });
    expect(status).toBe(201);
    expect(body.user).toMatchObject({ email: "ana.garcia@example.com", name: "Ana", locale: "es", twoFactorEnabled: false });
    expect(body.user.id).toMatch(/^usr_/);
    expect(body.tokens.expiresIn).toBe(900);
    expect(body.tokens.refreshToken).toMatch(/^rt_/);
  });

  it("rejects a duplicate email with 409", async () => {
    const u = await registerUser();
    const { status, body } = await callJson("/v1/auth/register", {
      ip: nextIp(),
      body: { name: "X", email: u.email.toUpperCase(), password: "another-password" },
    });
    expect(status).toBe(409);
    expect(body.error.code).toBe("DUPLICATE_RESOURCE");
  });

  it("refuses a password of only spaces, and keeps the spaces of one that has more", async () => {
    const email = () => `spaces-${crypto.randomUUID()}@example.com`;
    const blank = await callJson("/v1/auth/register", { ip: nextIp(), body: { name: "X", email: email(), password: "        " } });
    expect(blank.status).toBe(422);
    expect(blank.body.error.details[0]).toMatchObject({ field: "password" });
    const spaced = email();
    expect((await callJson("/v1/auth/register", { ip: nextIp(), body: { name: "X", email: spaced, password: " pass word " } })).status).toBe(201);
    expect((await callJson("/v1/auth/login", { ip: nextIp(), body: { email: spaced, password: "pass word" } })).status).toBe(401);
    expect((await callJson("/v1/auth/login", { ip: nextIp(), body: { email: spaced, password: " pass word " } })).status).toBe(200);
  });

  it("logs in and returns user and tokens; me returns the user", async () => {
    const u = await registerUser();
    const { status, body } = await callJson("/v1/auth/login", { ip: u.ip, body: { email: u.email, password: u.password } });
    expect(status).toBe(200);
    expect(body.user.id).toBe(u.id);
    const me = await callJson("/v1/auth/me", { token: body.tokens.accessToken, ip: u.ip });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(u.email);
  });

  it("me reads the user with the session check in one round trip; an ended session is a 401", async () => {
    const ip = nextIp();
    const reg = await callJson("/v1/auth/register", { ip, body: { name: "Me Myself", email: `me-${crypto.randomUUID().slice(0, 8)}@example.com`, password: "correct horse battery", locale: "en" } });
    expect(reg.status).toBe(201);
    const u = { id: reg.body.user.id, email: reg.body.user.email, password: "", ip, accessToken: reg.body.tokens.accessToken, refreshToken: reg.body.tokens.refreshToken };
    const { get } = countingApp();
    const me = await get(u, "/v1/auth/me");
    expect(me.status).toBe(200);
    expect(me.body).toEqual(reg.body.user);
    expect(me.trips).toBe(1);
    const out = await callJson("/v1/auth/logout", { method: "POST", token: u.accessToken, ip, body: { refreshToken: u.refreshToken } });
    expect(out.status).toBeLessThan(300);
    const ended = await get(u, "/v1/auth/me");
    expect(ended.status).toBe(401);
    expect(JSON.stringify(ended.body)).not.toContain("Me Myself");
  });

  it("answers a wrong password and an unknown email identically", async () => {
    const u = await registerUser();
    const wrong = await callJson("/v1/auth/login", { ip: u.ip, body: { email: u.email, password: "not-it-at-all" } });
    const unknown = await callJson("/v1/auth/login", { ip: u.ip, body: { email: "nobody@example.com", password: "not-it-at-all" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    expect(wrong.body.error.code).toBe("UNAUTHORIZED");
  });
});

describe("refresh tokens", () => {
  it("rotate on every use", async () => {
    const u = await registerUser();
    const r1 = await callJson("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: u.refreshToken } });
    expect(r1.status).toBe(200);
    expect(r1.body.tokens.refreshToken).not.toBe(u.refreshToken);
    const r2 = await callJson("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: r1.body.tokens.refreshToken } });
    expect(r2.status).toBe(200);
  });

  it("are stored hashed, never in clear", async () => {
    const u = await registerUser();
    const hit = await env.DB.prepare("SELECT count(*) AS n FROM refresh_tokens WHERE token_hash = ?").bind(u.refreshToken).first<{ n: number }>();
    expect(hit!.n).toBe(0);
  });

  it("revoke the whole family when a used token is presented again", async () => {
    const u = await registerUser();
    const r1 = await callJson("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: u.refreshToken } });
    expect(r1.status).toBe(200);
    // The original token is replayed (e.g. stolen): 401, and the session dies.
    const replay = await callJson("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: u.refreshToken } });
    expect(replay.status).toBe(401);
    // The legitimate newer token no longer works either, nor its access token.
    const next = await callJson("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: r1.body.tokens.refreshToken } });
    expect(next.status).toBe(401);
    const me = await call("/v1/auth/me", { token: r1.body.tokens.accessToken, ip: u.ip });
    expect(me.status).toBe(401);
  });

  it("let only one of two concurrent uses of a token win", async () => {
    const u = await registerUser();
    const results = await Promise.all(
      [1, 2].map(() => call("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: u.refreshToken } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("reject an unknown token", async () => {
    const { status } = await callJson("/v1/auth/refresh", { ip: nextIp(), body: { refreshToken: "rt_nope" } });
    expect(status).toBe(401);
  });
});

describe("access tokens", () => {
  it("stop working after logout", async () => {
    const u = await registerUser();
    expect((await call("/v1/auth/logout", { method: "POST", token: u.accessToken, ip: u.ip })).status).toBe(204);
    const me = await callJson("/v1/auth/me", { token: u.accessToken, ip: u.ip });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe("UNAUTHORIZED");
    // The session's refresh token is dead too.
    expect((await call("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: u.refreshToken } })).status).toBe(401);
  });

  async function forge(claims: Record<string, unknown>, expOffsetSec: number, secret = env.JWT_SECRET) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ typ: "access", ...claims })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("dhanam-ledger")
      .setAudience("dhanam-api")
      .setIssuedAt(now - 60)
      .setExpirationTime(now + expOffsetSec)
      .sign(new TextEncoder().encode(secret));
  }

  it("reject an expired token", async () => {
    const u = await registerUser();
    const [, payload] = u.accessToken.split(".");
    const { sid } = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
    const fresh = await forge({ sub: u.id, sid }, 60);
    expect((await call("/v1/auth/me", { token: fresh, ip: u.ip })).status).toBe(200); // control: forging works
    const expired = await forge({ sub: u.id, sid }, -60);
    expect((await call("/v1/auth/me", { token: expired, ip: u.ip })).status).toBe(401);
  });

  it("reject a token signed with another key", async () => {
    const u = await registerUser();
    const bad = await forge({ sub: u.id, sid: "ses_x" }, 60, "some-other-secret-that-is-long-enough-123");
    expect((await call("/v1/auth/me", { token: bad, ip: u.ip })).status).toBe(401);
  });

  it("reject a tampered payload", async () => {
    const a = await registerUser();
    const b = await registerUser();
    const [h, p, s] = a.accessToken.split(".");
    const claims = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    claims.sub = b.id;
    const tampered = `${h}.${toBase64Url(new TextEncoder().encode(JSON.stringify(claims)))}.${s}`;
    expect((await call("/v1/auth/me", { token: tampered, ip: a.ip })).status).toBe(401);
  });

  it("reject alg: none", async () => {
    const u = await registerUser();
    const [, p] = u.accessToken.split(".");
    const header = toBase64Url(new TextEncoder().encode(JSON.stringify({ alg: "none", typ: "JWT" })));
    expect((await call("/v1/auth/me", { token: `${header}.${p}.`, ip: u.ip })).status).toBe(401);
  });

  it("reject a missing or malformed Authorization header", async () => {
    expect((await call("/v1/auth/me")).status).toBe(401);
    expect((await call("/v1/auth/me", { headers: { authorization: "Basic abc" } })).status).toBe(401);
    expect((await call("/v1/auth/me", { token: "not-a-jwt" })).status).toBe(401);
  });
});

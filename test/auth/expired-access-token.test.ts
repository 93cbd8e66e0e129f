/**
 * An access token that verifies but whose time is up says so, and how to renew it: still a 401 UNAUTHORIZED (what
 * the SDKs refresh on), with a TOKEN_EXPIRED detail. A forged, tampered or garbled token keeps the generic 401 and
 * no detail: nothing about why.
 */
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { expect, it } from "vitest";
import { toBase64Url } from "../../src/lib/crypto";
import { callJson, registerUser, type TestUser } from "../helpers";

const claimsOf = (token: string) => JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));

/** An access token of `u`'s session, issued `ageSec` ago, valid for `ttlSec` from then. */
async function tokenOf(u: TestUser, ageSec: number, ttlSec: number, secret = env.JWT_SECRET, extra: Record<string, unknown> = {}) {
  const { sid, lng } = claimsOf(u.accessToken);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ typ: "access", sid, lng, ...extra })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer("dhanam-ledger")
    .setAudience("dhanam-api")
    .setSubject(u.id)
    .setIssuedAt(now - ageSec)
    .setExpirationTime(now - ageSec + ttlSec)
    .sign(new TextEncoder().encode(secret));
}

const me = (u: TestUser, token: string) => callJson("/v1/auth/me", { token, ip: u.ip });
const GENERIC = { code: "UNAUTHORIZED", message: "Authentication token invalid or expired", details: [] };

it("an expired access token is told so, and how to renew it", async () => {
  const u = await registerUser();
  expect((await me(u, await tokenOf(u, 60, 600))).status).toBe(200); // control: the forging signs what the API accepts
  for (const token of [await tokenOf(u, 700, 600), await tokenOf(u, 16 * 60, 60 * 60)]) {
    // Past its exp; and older than an access token lives, whatever its exp says.
    const res = await me(u, token);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({
      code: "UNAUTHORIZED",
      message: "Access token expired; renew it with POST /v1/auth/refresh",
      details: [{ field: "Authorization", code: "TOKEN_EXPIRED", message: "The access token has expired" }],
    });
  }
  // Renewing works, and the new token is accepted.
  const renewed = await callJson("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: u.refreshToken } });
  expect(renewed.status).toBe(200);
  expect((await me(u, renewed.body.tokens.accessToken)).status).toBe(200);
});

it("a forged, tampered or garbled token says nothing about why", async () => {
  const u = await registerUser();
  const [h, p, s] = u.accessToken.split(".");
  const tampered = `${h}.${toBase64Url(new TextEncoder().encode(JSON.stringify({ ...claimsOf(u.accessToken), exp: 1 })))}.${s}`;
  const tokens = [
    // Expired, but signed with another key: its claims are no one's word.
    await tokenOf(u, 700, 600, "some-other-secret-that-is-long-enough-123"),
    // An expired payload under the real token's signature.
    tampered,
    // Expired, signed with the key, but no access token.
    await tokenOf(u, 700, 600, env.JWT_SECRET, { typ: "refresh" }),
    "garbage",
    `${h}.${p}`,
  ];
  for (const token of tokens) {
    const res = await me(u, token);
    expect(res.status, token).toBe(401);
    expect(res.body.error, token).toMatchObject(GENERIC);
  }
});

it("speaks the token's language", async () => {
  for (const [locale, message, detail] of [
    ["es", "El token de acceso expiró; renuévalo con POST /v1/auth/refresh.", "El token de acceso expiró."],
    ["pt", "O token de acesso expirou; renove-o com POST /v1/auth/refresh.", "O token de acesso expirou."],
  ] as const) {
    const u = await registerUser({ locale });
    const res = await me(u, await tokenOf(u, 700, 600));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "UNAUTHORIZED", message, details: [{ field: "Authorization", code: "TOKEN_EXPIRED", message: detail }] });
    // A forged one is refused in the generic words of the language the request asks for.
    const forged = await callJson("/v1/auth/me", { token: "garbage", ip: u.ip, headers: { "accept-language": locale } });
    expect(forged.body.error.message).toBe(locale === "es" ? "El token de autenticación no es válido o ha expirado." : "O token de autenticação é inválido ou expirou.");
  }
});

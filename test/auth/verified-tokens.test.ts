/**
 * The isolate's memory of verified access tokens (verified-tokens.ts) must
 * not extend a token's life or let anything past jose that jose would refuse.
 */
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { ACCESS_TTL_SECONDS, verifyAccessToken } from "../../src/modules/auth/tokens";
import { MAX_VERIFIED_TOKENS, recallVerified, rememberVerified } from "../../src/modules/auth/verified-tokens";

const svcAt = (ms: number, secret = env.JWT_SECRET) => ({ env: { ...env, JWT_SECRET: secret }, db: createDb(env.DB), clock: { now: () => ms } });
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

async function sign(opts: { iatSec: number; expSec: number; nbfSec?: number; sub?: string; sid?: string }, secret = env.JWT_SECRET) {
  const jwt = new SignJWT({ typ: "access", sid: opts.sid ?? "ses_cache", lng: "es" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer("dhanam-ledger")
    .setAudience("dhanam-api")
    .setSubject(opts.sub ?? "usr_cache")
    .setIssuedAt(opts.iatSec)
    .setExpirationTime(opts.expSec);
  if (opts.nbfSec !== undefined) jwt.setNotBefore(opts.nbfSec);
  return jwt.sign(new TextEncoder().encode(secret));
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    return (err as { status?: number }).status ?? 500;
  }
}

describe("verified access tokens", () => {
  it("expire at their exp after being remembered", async () => {
    const iat = T0 / 1000;
    const token = await sign({ iatSec: iat, expSec: iat + 600 });
    expect(await verifyAccessToken(svcAt(T0), token)).toEqual({ userId: "usr_cache", sessionId: "ses_cache", locale: "es" });
    expect(recallVerified(env.JWT_SECRET, token, iat, ACCESS_TTL_SECONDS)).toMatchObject({ userId: "usr_cache", exp: iat + 600 });
    // Remembered now; still answered inside its life, refused at and after exp.
    expect(await status(verifyAccessToken(svcAt(T0 + 599_999), token))).toBe(200);
    expect(await status(verifyAccessToken(svcAt(T0 + 600_000), token))).toBe(401);
    expect(await status(verifyAccessToken(svcAt(T0 + 300_000), token))).toBe(200); // jose again, then remembered again
  });

  it("keep the maximum token age whatever exp says, and refuse an iat in the future", async () => {
    const iat = T0 / 1000;
    const token = await sign({ iatSec: iat, expSec: iat + 10 * ACCESS_TTL_SECONDS });
    expect(await status(verifyAccessToken(svcAt(T0), token))).toBe(200);
    expect(recallVerified(env.JWT_SECRET, token, iat, ACCESS_TTL_SECONDS)).not.toBeNull();
    expect(await status(verifyAccessToken(svcAt(T0 + ACCESS_TTL_SECONDS * 1000), token))).toBe(200);
    expect(await status(verifyAccessToken(svcAt(T0 + (ACCESS_TTL_SECONDS + 1) * 1000), token))).toBe(401);
    // A clock before the token's iat: refused, though the token was verified before.
    expect(await status(verifyAccessToken(svcAt(T0), token))).toBe(200);
    expect(await status(verifyAccessToken(svcAt(T0 - 1000), token))).toBe(401);
  });

  it("keep nbf", () => {
    const claims = { userId: "u", sessionId: "s", lng: "en", iat: 100, exp: 1000, nbf: 200 };
    rememberVerified(env.JWT_SECRET, "t.nbf", claims);
    expect(recallVerified(env.JWT_SECRET, "t.nbf", 150, ACCESS_TTL_SECONDS)).toBeNull();
    rememberVerified(env.JWT_SECRET, "t.nbf", claims);
    expect(recallVerified(env.JWT_SECRET, "t.nbf", 200, ACCESS_TTL_SECONDS)).toEqual(claims);
  });

  it("answer nothing for another secret, a changed token, or one jose refused", async () => {
    const iat = T0 / 1000;
    const token = await sign({ iatSec: iat, expSec: iat + 600 });
    expect(await status(verifyAccessToken(svcAt(T0), token))).toBe(200);
    expect(recallVerified(env.JWT_SECRET, token, iat, ACCESS_TTL_SECONDS)).not.toBeNull();
    // The secret rotated: the remembered token is checked against the new one, and fails.
    expect(await status(verifyAccessToken(svcAt(T0, "another-secret-that-is-long-enough-0123456789"), token))).toBe(401);
    // One character of the signature changed.
    const [h, p, s] = token.split(".");
    const flipped = `${h}.${p}.${s!.slice(0, -2)}${s!.at(-2) === "A" ? "B" : "A"}${s!.at(-1)}`;
    expect(await status(verifyAccessToken(svcAt(T0), flipped))).toBe(401);
    // Signed with another key: refused, and not remembered by the attempt.
    const forged = await sign({ iatSec: iat, expSec: iat + 600 }, "another-secret-that-is-long-enough-0123456789");
    expect(await status(verifyAccessToken(svcAt(T0), forged))).toBe(401);
    expect(recallVerified(env.JWT_SECRET, forged, iat, ACCESS_TTL_SECONDS)).toBeNull();
  });

  it("forget the oldest past the bound", () => {
    const claims = { userId: "u", sessionId: "s", lng: "en", iat: 100, exp: 1000 };
    for (let i = 0; i <= MAX_VERIFIED_TOKENS; i++) rememberVerified(env.JWT_SECRET, `bound.${i}`, claims);
    expect(recallVerified(env.JWT_SECRET, "bound.0", 150, ACCESS_TTL_SECONDS)).toBeNull();
    expect(recallVerified(env.JWT_SECRET, `bound.${MAX_VERIFIED_TOKENS}`, 150, ACCESS_TTL_SECONDS)).toEqual(claims);
  });
});

/**
 * Limits on guessing passwords and second-factor codes, per account and
 * independent of IP (the `auth` policy is per IP, and addresses are cheap to
 * rotate). Each guess is an attempt in the RATE_LIMITER Durable Object; a
 * right guess is taken back out, so only failures count, and once the window
 * is full even a right guess is refused until it opens again.
 */
import type { Services } from "../../env";
import { sha256Hex } from "../../lib/crypto";
import { ApiError } from "../../lib/errors";
import { GUESS_LIMITS, type GuessKind } from "../../lib/rate-limits";

/**
 * Password guesses count per email, whether or not it has an account, so
 * that the limit's 429 does not tell which emails exist. Hashed so that the
 * object's name carries no address.
 */
export const passwordSubject = async (email: string) => `email:${await sha256Hex(email)}`;
export const secondFactorSubject = (userId: string) => `user:${userId}`;

/** Runs `check` (true: right guess) as one limited attempt; 429 with Retry-After when the window is full. */
export async function limitGuess(svc: Services, kind: GuessKind, subject: string, check: () => Promise<boolean>): Promise<boolean> {
  const ns = svc.env.RATE_LIMITER;
  const limiter = ns.get(ns.idFromName(`guess:${kind}:${subject}`));
  const attempt = await limiter.beginAttempt(GUESS_LIMITS[kind], svc.clock.now());
  if (!attempt.allowed) {
    const what = kind === "password" ? "password" : "two-factor code";
    throw new ApiError(429, "RATE_LIMIT_EXCEEDED", `Too many wrong attempts at the ${what} for this account; retry later`, [], {
      "Retry-After": String(Math.ceil(attempt.retryAfterMs / 1000)),
    });
  }
  // A check that throws stays counted: it is not known to have been right.
  const ok = await check();
  if (ok) await limiter.succeeded(attempt.attemptId);
  return ok;
}

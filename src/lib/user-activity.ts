/**
 * A user's last sign of life, kept by their `general` rate-limit bucket: every authenticated request takes a
 * token from it, so its last take is their last request (no D1 write for activity). Life Beat reads it as the
 * owner's activity.
 */
import type { Services } from "../env";
import { policySpec } from "./rate-limits";

const generalBucketOf = (env: Env, userId: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`general:user:${userId}`));

/** The user's last authenticated request or sign-in (epoch ms), or null if none. */
export async function lastActivity(env: Env, userId: string): Promise<number | null> {
  return (await generalBucketOf(env, userId).lastTakenAt()) ?? null;
}

/**
 * A sign-in is activity before any request follows it (an owner who signs in is alive): noted as a take of no
 * tokens, which spends nothing of the bucket.
 */
export async function noteSignIn(svc: Services, userId: string): Promise<void> {
  await generalBucketOf(svc.env, userId).take(policySpec("general", svc.env.RATE_LIMIT_MULTIPLIER), svc.clock.now(), 0);
}

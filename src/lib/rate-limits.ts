/** The rate-limit policies of API.md: token buckets refilled over a window. */
import type { BucketSpec } from "../../durable-objects/rate-limiter";

export type Policy = "auth" | "general" | "sync" | "bulk";

export const POLICIES: Record<Policy, BucketSpec> = {
  auth: { limit: 10, windowMs: 60_000 },
  general: { limit: 1000, windowMs: 3_600_000 },
  sync: { limit: 5, windowMs: 60_000 },
  bulk: { limit: 100, windowMs: 3_600_000 },
};

/**
 * Policies whose tokens a Worker isolate may lease for a subject's bursts (middleware/token-leases.ts).
 * Only the large hourly budget: the small ones (auth, sync, bulk) are taken one request at a time.
 */
export const LEASED_POLICIES: ReadonlySet<Policy> = new Set<Policy>(["general"]);

/**
 * Limits on guessing, per account and independent of IP (the `auth` policy
 * alone is per IP, and IPs are cheap): failed attempts allowed in any window.
 */
export type GuessKind = "password" | "secondFactor";

export const GUESS_LIMITS: Record<GuessKind, BucketSpec> = {
  password: { limit: 10, windowMs: 15 * 60_000 },
  secondFactor: { limit: 5, windowMs: 15 * 60_000 },
};

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

/**
 * Calls out that an unauthenticated request can cause, capped over all callers: a provider webhook
 * naming a key id we have not seen makes us fetch the key from the provider, so forged webhooks with
 * fresh key ids would otherwise turn into unlimited calls on our provider credentials. Providers rotate
 * their keys rarely, and a genuine webhook refused here is retried by the provider.
 */
export const OUTBOUND_LIMITS = {
  plaidWebhookKeyFetch: { limit: 10, windowMs: 10 * 60_000 },
} satisfies Record<string, BucketSpec>;

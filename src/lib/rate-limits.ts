/** The rate-limit policies of API.md: token buckets refilled over a window. */
import type { BucketSpec, TakeResult } from "../../durable-objects/rate-limiter";
import type { Services } from "../env";
import { ApiError } from "./errors";

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
 * Calls out that an unauthenticated request can cause: a provider webhook naming a key id we have not seen
 * makes us fetch the key from the provider, so forged webhooks with fresh key ids would otherwise turn into
 * unlimited calls on our provider credentials. Capped per client address first (so one sender spends little
 * of the rest), then over all callers. Only a webhook naming an item we hold spends them (plaid/webhook.ts),
 * so a forger without one of our item ids cannot use them up. Providers rotate their keys rarely, and a
 * genuine webhook refused here is retried by the provider.
 */
export const OUTBOUND_LIMITS = {
  plaidWebhookKeyFetchPerClient: { limit: 5, windowMs: 10 * 60_000 },
  plaidWebhookKeyFetch: { limit: 30, windowMs: 10 * 60_000 },
  /** The daily re-check of a key we hold, per key id: once an hour at most (a failed one waits that long). */
  plaidWebhookKeyRecheck: { limit: 1, windowMs: 60 * 60_000 },
} satisfies Record<string, BucketSpec>;

/**
 * Household invitations email words the inviter chose (their name, the household's) to an address they chose,
 * so they have limits of their own on top of `general`: per inviting user, and per invited address, so that
 * removing a member and inviting again, or many accounts together, cannot flood one inbox.
 */
export const INVITATION_LIMITS = {
  perInviter: { limit: 20, windowMs: 86_400_000 },
  /** From one inviter to one address: removing and inviting again cannot flood it. */
  perPair: { limit: 3, windowMs: 86_400_000 },
  /**
   * To one address from everyone: many accounts together cannot flood it either. Above a pair's, so that one
   * stranger's invitations cannot use up what a family's need (a block takes four accounts).
   */
  perAddress: { limit: 10, windowMs: 86_400_000 },
} satisfies Record<string, BucketSpec>;

/**
 * Adding a member to a space looks the address up among the users, and says whether it found one: anyone may create a
 * space and so be its admin, so those lookups are guesses at who has an account, limited per adding user (a household
 * adds a few members; `general` alone would allow a thousand an hour).
 */
export const MEMBER_ADD_LIMITS = {
  perAdder: { limit: 30, windowMs: 86_400_000 },
} satisfies Record<string, BucketSpec>;

/**
 * Wallets synced (a wallet's connection syncs it too) by one user across all their spaces, a token a wallet. Each
 * costs a provider call a network and platform (six a wallet, 25 wallets a space); the `sync` policy's bucket is a
 * space's, and a user may open spaces without end, so without this one user's syncs multiplied with the spaces they
 * opened. Counted by wallet, not by request: at 10 requests a minute, syncs of spaces of 25 wallets made ~1,500
 * provider calls a minute; now at most 180. A whole space (25 wallets) always fits in the bucket.
 */
export const DEFI_SYNC_LIMITS = {
  perUser: { limit: 30, windowMs: 60_000 },
} satisfies Record<string, BucketSpec>;

/**
 * Links (link tokens, public-token exchanges, bank and exchange logins) started by one user across all their spaces.
 * The `sync` policy keys a link by its operation, space and caller (there is no connection yet), and a user may own
 * fifty spaces and administer others', so without this one user's link calls to the providers multiplied with their
 * spaces (5 a minute each: over a thousand a minute). Each is a provider call, a bank login for Belvo; a household
 * links a few institutions at a time (two requests each for Plaid), well within this.
 */
export const PROVIDER_LINK_LIMITS = {
  perUser: { limit: 30, windowMs: 60_000 },
} satisfies Record<string, BucketSpec>;

/** A policy's bucket with RATE_LIMIT_MULTIPLIER applied (bench only; anything but a number above 1 means 1). */
export function policySpec(policy: Policy, multiplier: string | undefined): BucketSpec {
  const spec = POLICIES[policy];
  const m = Number(multiplier);
  return Number.isFinite(m) && m > 1 ? { limit: Math.floor(spec.limit * m), windowMs: spec.windowMs } : spec;
}

/** The `X-RateLimit-*` headers of a take. */
export const rateLimitHeaders = (r: TakeResult): Record<string, string> => ({
  "X-RateLimit-Limit": String(r.limit),
  "X-RateLimit-Remaining": String(r.remaining),
  "X-RateLimit-Reset": String(Math.ceil(r.resetAt / 1000)),
});

/** The 429 of a refused take, with its headers and `Retry-After`. */
const refusal = (r: TakeResult, message: string) =>
  new ApiError(429, "RATE_LIMIT_EXCEEDED", message, [], {
    ...rateLimitHeaders(r),
    "Retry-After": String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))),
  });

/** The 429 of a refused take of `policy`. */
export const rateLimited = (r: TakeResult, policy: Policy) => refusal(r, `Too many requests for the ${policy} policy; retry later`);

/** `cost` tokens (one by default) from the bucket `key` of the limiter. */
const takeOne = (svc: Services, key: string, spec: BucketSpec, cost = 1): Promise<TakeResult> =>
  svc.env.RATE_LIMITER.get(svc.env.RATE_LIMITER.idFromName(key)).take(spec, svc.clock.now(), cost);

/**
 * One token from each of `subjects`' buckets of `policy`, for a limit keyed by what a service has found
 * the caller may act on (so after its access check: a caller cannot spend the buckets of what it may not
 * see). Throws the 429 when any bucket is empty (the others' tokens stay spent); otherwise returns the
 * take with the fewest tokens left, for the response's headers, or null for no subjects.
 */
export async function takeTokens(svc: Services, policy: Policy, subjects: string[]): Promise<TakeResult | null> {
  if (subjects.length === 0) return null;
  const spec = policySpec(policy, svc.env.RATE_LIMIT_MULTIPLIER);
  const takes = await Promise.all([...new Set(subjects)].map((s) => takeOne(svc, `${policy}:${s}`, spec)));
  const refused = takes.filter((t) => !t.allowed).sort((a, b) => b.retryAfterMs - a.retryAfterMs)[0];
  if (refused) throw rateLimited(refused, policy);
  return takes.reduce((least, t) => (t.remaining < least.remaining ? t : least));
}

/**
 * One token from each of `buckets` (a limiter key and its spec) in turn, for limits of their own that a service
 * takes once the caller may act (INVITATION_LIMITS). Stops at the first empty bucket with its 429 (`message`):
 * the buckets after it spend nothing on a refused request, so put first the one a caller over its limit must
 * not spend for others (the inviter's own, before the invited address's).
 */
export async function takeInTurn(svc: Services, buckets: [key: string, spec: BucketSpec, cost?: number][], message: string): Promise<void> {
  for (const [key, spec, cost] of buckets) {
    const r = await takeOne(svc, key, spec, cost);
    if (!r.allowed) throw refusal(r, message);
  }
}

/**
 * Rate limiting through the RATE_LIMITER Durable Object. The subject is the
 * authenticated user, or for the `auth` policy the client address as
 * Cloudflare reports it in CF-Connecting-IP (which a client cannot set through
 * Cloudflare), normalized to its IPv4 address or IPv6 /64 (see client-ip.ts);
 * X-Forwarded-For and friends are deliberately ignored.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { clientSubject } from "../lib/client-ip";
import { LEASED_POLICIES, type Policy, policySpec, rateLimited, rateLimitHeaders } from "../lib/rate-limits";
import { TokenLeases } from "./token-leases";
import type { BucketSpec, TakeResult } from "../../durable-objects/rate-limiter";

type SubjectFn = (c: Context<AppEnv>) => string | Promise<string>;

const defaultSubject = (policy: Policy): SubjectFn =>
  policy === "auth" ? (c) => clientSubject(c.req.header("cf-connecting-ip")) : (c) => `user:${c.get("auth").userId}`;

export function rateLimit(policy: Policy, subject: SubjectFn = defaultSubject(policy)): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const spec = policySpec(policy, c.env.RATE_LIMIT_MULTIPLIER);
    const key = `${policy}:${await subject(c)}`;
    const taking = take(c, key, spec, LEASED_POLICIES.has(policy)).then((r) => {
      if (r.allowed) c.set("rateTaken", [...(c.get("rateTaken") ?? []), { key, spec }]);
      return remember(key, r, c.get("services").clock.now());
    });
    taking.catch(() => undefined); // awaited below; this only keeps a failure from counting as unhandled meanwhile
    // A read runs while the limiter answers, unless its subject was refused here lately: some reads call a
    // provider or write (a day's rates, a Life Beat fold), and a client over its limit must cause none of
    // that. A write always waits for the limiter's word before it starts.
    if (c.req.method === "GET" && !refusedLately(key, c.get("services").clock.now())) {
      try {
        await next();
      } finally {
        enforce(c, await taking, policy);
      }
      return;
    }
    enforce(c, await taking, policy);
    await next();
  };
}

/**
 * Keys this isolate saw refused, until their bucket has a token again. Bounded (cleared when full): at worst
 * a refused subject's next read in this isolate runs while the limiter answers, as before it was refused.
 */
const refusedUntil = new Map<string, number>();
const MAX_REFUSED_KEYS = 10_000;

function remember(key: string, r: TakeResult, now: number): TakeResult {
  // A take that spent the bucket's last token counts as a refusal ahead: the next request is refused unless a token
  // has come back meanwhile (in at most windowMs / limit, which resetAt / limit bounds), so until then the subject's
  // reads wait for the limiter too. Else a client at its limit had one read do its work with each refill (the read
  // after the refill's was refused only once it had run).
  const until = r.allowed ? (r.remaining < 1 ? now + Math.ceil((r.resetAt - now) / r.limit) : 0) : now + r.retryAfterMs;
  if (until <= now) {
    refusedUntil.delete(key);
  } else {
    if (refusedUntil.size >= MAX_REFUSED_KEYS) refusedUntil.clear();
    refusedUntil.set(key, until);
  }
  return r;
}

const refusedLately = (key: string, now: number) => (refusedUntil.get(key) ?? 0) > now;

/** This isolate's token leases (token-leases.ts), shared by its requests. */
const leases = new TokenLeases();

/** A request's token: from the isolate's lease of the key when it has one, otherwise from the key's limiter. */
async function take(c: Context<AppEnv>, key: string, spec: BucketSpec, leased: boolean): Promise<TakeResult> {
  const now = c.get("services").clock.now();
  // A token spent from the lease needs no stub: the id's hash is not paid for then.
  const local = leased ? leases.spend(key, now) : null;
  if (local) return local;
  const limiter = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key));
  if (!leased) return limiter.take(spec, now);
  const ask = leases.ask(key, now);
  let r: TakeResult;
  try {
    r = await limiter.take(spec, now, 1, ask);
  } catch (err) {
    leases.settle(key, now, ask, null);
    throw err;
  }
  // The lease's second starts when it arrives.
  return leases.settle(key, c.get("services").clock.now(), ask, r);
}

/**
 * Sets the rate-limit headers and refuses a request over its policy's limit. A read's are set after it ran: the
 * headers of a narrower bucket the route took stand then, unless this one refuses: reported (reportRateLimit), or
 * on the 429 the route's bucket refused with (its Retry-After and limits, not this policy's).
 */
function enforce(c: Context<AppEnv>, r: TakeResult, policy: Policy): void {
  if (r.allowed && (c.get("rateLimitReported") || (c.finalized && c.res.status === 429))) return;
  for (const [k, v] of Object.entries(rateLimitHeaders(r))) {
    c.header(k, v);
    if (c.finalized) c.res.headers.set(k, v);
  }
  if (!r.allowed) throw rateLimited(r, policy);
}

/** Reports a route's own bucket (API.md's narrower policy) in the response's rate-limit headers, over the caller's `general` one. */
export function reportRateLimit(c: Context<AppEnv>, r: TakeResult | null): void {
  if (!r) return;
  for (const [k, v] of Object.entries(rateLimitHeaders(r))) c.header(k, v);
  c.set("rateLimitReported", true);
}

/**
 * Gives back the tokens this request took: its session turned out to have ended (middleware/auth.ts), and a revoked
 * token must spend nothing of its user's limits (1,000 reads with a stolen, logged-out token used to leave its owner
 * rate-limited). Best effort: a refund that fails leaves the token spent, as before.
 */
export async function refundTaken(c: Context<AppEnv>): Promise<void> {
  const taken = c.get("rateTaken") ?? [];
  c.set("rateTaken", []);
  await Promise.all(taken.map(({ key, spec }) => c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key)).refund(spec, 1).catch(() => undefined)));
}

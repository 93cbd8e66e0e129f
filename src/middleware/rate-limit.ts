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
import { ApiError } from "../lib/errors";
import { LEASED_POLICIES, POLICIES, type Policy } from "../lib/rate-limits";
import { TokenLeases } from "./token-leases";
import type { BucketSpec, TakeResult } from "../../durable-objects/rate-limiter";

/** Applies RATE_LIMIT_MULTIPLIER (bench only); anything but a number above 1 means 1. */
function scaled(spec: BucketSpec, multiplier: string | undefined): BucketSpec {
  const m = Number(multiplier);
  return Number.isFinite(m) && m > 1 ? { limit: Math.floor(spec.limit * m), windowMs: spec.windowMs } : spec;
}

type SubjectFn = (c: Context<AppEnv>) => string | Promise<string>;

const defaultSubject = (policy: Policy): SubjectFn =>
  policy === "auth" ? (c) => clientSubject(c.req.header("cf-connecting-ip")) : (c) => `user:${c.get("auth").userId}`;

export function rateLimit(policy: Policy, subject: SubjectFn = defaultSubject(policy)): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const spec = scaled(POLICIES[policy], c.env.RATE_LIMIT_MULTIPLIER);
    const key = `${policy}:${await subject(c)}`;
    const taking = take(c, key, spec, LEASED_POLICIES.has(policy));
    taking.catch(() => undefined); // awaited below; this only keeps a failure from counting as unhandled meanwhile
    // A read runs while the limiter answers (it changes nothing, so a refused one is just not answered);
    // a write waits for the limiter's word before it starts.
    if (c.req.method === "GET") {
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

/** Sets the rate-limit headers and refuses a request over its policy's limit. */
function enforce(c: Context<AppEnv>, r: TakeResult, policy: Policy): void {
  const headers = {
    "X-RateLimit-Limit": String(r.limit),
    "X-RateLimit-Remaining": String(r.remaining),
    "X-RateLimit-Reset": String(Math.ceil(r.resetAt / 1000)),
  };
  for (const [k, v] of Object.entries(headers)) {
    c.header(k, v);
    if (c.finalized) c.res.headers.set(k, v);
  }
  if (!r.allowed) {
    throw new ApiError(429, "RATE_LIMIT_EXCEEDED", `Too many requests for the ${policy} policy; retry later`, [], {
      ...headers,
      "Retry-After": String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))),
    });
  }
}

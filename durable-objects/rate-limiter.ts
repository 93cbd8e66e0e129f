/**
 * Rate limits, one Durable Object instance per `policy:subject` key, so a
 * limit is only ever updated by one thread and survives restarts in the
 * object's own SQLite storage. Request policies are token buckets (`take`);
 * guessing limits count failed attempts in a sliding window
 * (`beginAttempt`/`succeeded`).
 */
import { DurableObject } from "cloudflare:workers";

export interface BucketSpec {
  /** Bucket capacity and the number of tokens refilled per window. */
  limit: number;
  windowMs: number;
}

export interface TakeResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms at which the bucket is full again. */
  resetAt: number;
  /** Milliseconds until one token is available (0 when allowed). */
  retryAfterMs: number;
  /** Tokens lent to the caller on top of this request's (see `LeaseAsk`); taken from `remaining` already. */
  leased?: number;
}

/**
 * What a Worker isolate asks with a take (middleware/token-leases.ts): `want` more tokens to spend
 * locally on the same subject's next requests without a call here, and `refund`, the unspent tokens
 * of its previous lease, given back.
 */
export interface LeaseAsk {
  want: number;
  refund: number;
}

/** No more than this many tokens are lent at once. */
export const MAX_LEASE = 16;
/** No more than this many are given back at once (an isolate may hold a few leases' worth). */
export const MAX_REFUND = 4 * MAX_LEASE;
/** Tokens are lent only above this share of the bucket: the last tenth is taken one request at a time. */
const LEASE_FLOOR = 0.1;

export interface AttemptResult {
  allowed: boolean;
  /** Identifies the attempt for `succeeded`; 0 when refused. */
  attemptId: number;
  /** Milliseconds until the oldest counted failure leaves the window (0 when allowed). */
  retryAfterMs: number;
}

export class RateLimiter extends DurableObject<Env> {
  private tokens: number | null = null;
  private updatedAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS attempt (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL)");
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS bucket (id INTEGER PRIMARY KEY CHECK (id = 1), tokens REAL NOT NULL, updated_at INTEGER NOT NULL)");
    const row = ctx.storage.sql.exec<{ tokens: number; updated_at: number }>("SELECT tokens, updated_at FROM bucket WHERE id = 1").toArray()[0];
    if (row) {
      this.tokens = row.tokens;
      this.updatedAt = row.updated_at;
    }
  }

  /**
   * Takes `cost` tokens if the bucket has them; never goes below zero. With `lease`, first puts back the
   * refund (never above the limit), then, if allowed, also lends up to `want` tokens while the bucket
   * stays above its floor. Lent tokens are taken here, so leases can never let more requests through
   * than the limit; at worst a subject is refused while another isolate holds unspent tokens.
   */
  take(spec: BucketSpec, now: number = Date.now(), cost = 1, lease?: LeaseAsk): TakeResult {
    const ratePerMs = spec.limit / spec.windowMs;
    // The bucket's own time: a caller whose clock is behind is answered as of the bucket's clock.
    const base = Math.max(this.updatedAt, now);
    const elapsed = base - this.updatedAt;
    let tokens = this.tokens === null ? spec.limit : Math.min(spec.limit, this.tokens + elapsed * ratePerMs);
    if (lease) tokens = Math.min(spec.limit, tokens + clamp(lease.refund, MAX_REFUND));
    const allowed = tokens >= cost;
    let leased = 0;
    if (allowed) {
      tokens -= cost;
      if (lease) leased = Math.max(0, Math.min(clamp(lease.want, MAX_LEASE), Math.floor(tokens - spec.limit * LEASE_FLOOR)));
      tokens -= leased;
    }
    this.tokens = tokens;
    // Callers' clocks differ (each isolate sends its own `now`): one that is behind refills nothing, and the
    // bucket's clock never goes back with it, or the next caller would be refilled for that stretch again.
    this.updatedAt = base;
    this.ctx.storage.sql.exec(
      "INSERT INTO bucket (id, tokens, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at",
      tokens,
      this.updatedAt,
    );
    return {
      allowed,
      limit: spec.limit,
      remaining: Math.floor(tokens),
      resetAt: base + Math.ceil((spec.limit - tokens) / ratePerMs),
      // From the caller's clock: the wait until the bucket's clock has refilled the token.
      retryAfterMs: allowed ? 0 : base - now + Math.ceil((cost - tokens) / ratePerMs),
      leased,
    };
  }

  /**
   * Gives back `tokens` taken by requests that turned out not to count: a revoked session's, refused once its
   * session was seen (middleware/auth.ts). Added as of the bucket's last take (never above the limit), so the refill
   * still runs from then; not a take: lastTakenAt is unchanged.
   */
  refund(spec: BucketSpec, tokens: number): void {
    if (this.tokens === null || !(tokens > 0)) return;
    this.tokens = Math.min(spec.limit, this.tokens + clamp(tokens, MAX_REFUND));
    this.ctx.storage.sql.exec("UPDATE bucket SET tokens = ? WHERE id = 1", this.tokens);
  }

  /**
   * When a token was last taken (epoch ms), or null if never: for a user's
   * `general` bucket, the time of their last authenticated request. Life Beat
   * reads it as the owner's activity, so activity costs no D1 write.
   */
  lastTakenAt(): number | null {
    return this.tokens === null ? null : this.updatedAt;
  }

  /**
   * Starts one guess (a password, a second-factor code). It is counted as a
   * failure from the start, so concurrent guesses cannot overrun the limit
   * while they are being checked; `succeeded` takes a right guess back out.
   * Refused, even for what would be a right guess, while `spec.limit`
   * failures lie within the last `spec.windowMs`.
   */
  beginAttempt(spec: BucketSpec, now: number = Date.now()): AttemptResult {
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM attempt WHERE at <= ?", now - spec.windowMs);
    const { n, oldest } = sql.exec<{ n: number; oldest: number | null }>("SELECT count(*) AS n, min(at) AS oldest FROM attempt").one();
    // Only allowed attempts are recorded, so a full window holds exactly `limit` and opens when its oldest ages out.
    if (n >= spec.limit) return { allowed: false, attemptId: 0, retryAfterMs: Math.max(1, oldest! + spec.windowMs - now) };
    const id = sql.exec<{ id: number }>("INSERT INTO attempt (at) VALUES (?) RETURNING id", now).one().id;
    return { allowed: true, attemptId: id, retryAfterMs: 0 };
  }

  /** The attempt was a right guess: it does not count against the limit. */
  succeeded(attemptId: number): void {
    this.ctx.storage.sql.exec("DELETE FROM attempt WHERE id = ?", attemptId);
  }
}

/** A lease count as the limiter accepts it: a whole number from 0 to `max` (anything else counts as 0). */
const clamp = (n: number, max: number) => (Number.isFinite(n) && n > 0 ? Math.min(max, Math.floor(n)) : 0);

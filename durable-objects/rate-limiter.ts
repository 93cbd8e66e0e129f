/**
 * Token buckets, one Durable Object instance per `policy:subject` key, so a
 * bucket is only ever updated by one thread and survives restarts in the
 * object's own SQLite storage.
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
}

export class RateLimiter extends DurableObject<Env> {
  private tokens: number | null = null;
  private updatedAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS bucket (id INTEGER PRIMARY KEY CHECK (id = 1), tokens REAL NOT NULL, updated_at INTEGER NOT NULL)");
    const row = ctx.storage.sql.exec<{ tokens: number; updated_at: number }>("SELECT tokens, updated_at FROM bucket WHERE id = 1").toArray()[0];
    if (row) {
      this.tokens = row.tokens;
      this.updatedAt = row.updated_at;
    }
  }

  /** Takes `cost` tokens if the bucket has them; never goes below zero. */
  take(spec: BucketSpec, now: number = Date.now(), cost = 1): TakeResult {
    const ratePerMs = spec.limit / spec.windowMs;
    const elapsed = Math.max(0, now - this.updatedAt);
    let tokens = this.tokens === null ? spec.limit : Math.min(spec.limit, this.tokens + elapsed * ratePerMs);
    const allowed = tokens >= cost;
    if (allowed) tokens -= cost;
    this.tokens = tokens;
    this.updatedAt = now;
    this.ctx.storage.sql.exec(
      "INSERT INTO bucket (id, tokens, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at",
      tokens,
      now,
    );
    return {
      allowed,
      limit: spec.limit,
      remaining: Math.floor(tokens),
      resetAt: now + Math.ceil((spec.limit - tokens) / ratePerMs),
      retryAfterMs: allowed ? 0 : Math.ceil((cost - tokens) / ratePerMs),
    };
  }
}

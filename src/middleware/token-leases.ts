/**
 * Token leases: a Worker isolate that serves a burst of one subject's requests (a dashboard loading a
 * dozen resources at once, a script, a sync client) asks the subject's limiter for a few tokens beyond
 * the request's own and spends them locally, so most requests of the burst need no call to the
 * limiter object. What a lease keeps true:
 *
 * - The limit holds exactly: lent tokens are taken from the bucket when lent (rate-limiter.ts), and
 *   the last tenth of a bucket is never lent, so near the limit every request asks the object.
 * - A lone request asks for nothing: the isolate leases only as many tokens as it has seen requests of
 *   the subject in the last second, minus what it already holds or has asked for, at most MAX_LEASE.
 * - A lease lives one second. Its unspent tokens go back with the isolate's next call for the subject;
 *   an isolate that never calls again loses them (at most MAX_LEASE, refilled with the bucket).
 * - X-RateLimit-Remaining is what this isolate knows: the bucket when it lent, plus the lease left.
 */
import type { LeaseAsk, TakeResult } from "../../durable-objects/rate-limiter";
import { MAX_LEASE } from "../../durable-objects/rate-limiter";

/** How long a lease may be spent, and the window in which demand is counted. */
export const LEASE_MS = 1000;
/** Above this many subjects, the isolate forgets its leases and counts rather than grow without bound. */
const MAX_SUBJECTS = 10_000;

interface Lease {
  tokens: number;
  grantedAt: number;
  /** The bucket's remaining tokens when this lease was last topped up (its own tokens not included). */
  remaining: number;
  limit: number;
  resetAt: number;
}

interface Demand {
  since: number;
  count: number;
  /** Tokens asked for by calls still in flight. */
  asked: number;
}

export class TokenLeases {
  private leases = new Map<string, Lease>();
  private demand = new Map<string, Demand>();

  /** A request's token from the isolate's live lease of `key` (no limiter call), or null. */
  spend(key: string, now: number): TakeResult | null {
    this.count(key, now);
    const lease = this.leases.get(key);
    if (!lease || lease.tokens < 1 || !live(lease, now)) return null;
    lease.tokens -= 1;
    return { allowed: true, limit: lease.limit, remaining: lease.remaining + lease.tokens, resetAt: lease.resetAt, retryAfterMs: 0 };
  }

  /** What to ask with the limiter call `spend` could not avoid; `settle` must follow it. */
  ask(key: string, now: number): LeaseAsk {
    const lease = this.leases.get(key);
    let refund = 0;
    if (lease && !live(lease, now)) {
      refund = lease.tokens;
      this.leases.delete(key);
    }
    const d = this.demand.get(key);
    if (!d) return { want: 0, refund };
    // Demand beyond this request, less what is held or already on its way.
    const held = this.leases.get(key)?.tokens ?? 0;
    const want = Math.max(0, Math.min(MAX_LEASE, d.count - 1) - held - d.asked);
    d.asked += want;
    return { want, refund };
  }

  /** Keeps what the limiter lent (added to a live lease of the same key); returns the request's result as reported. */
  settle(key: string, now: number, asked: LeaseAsk, r: TakeResult): TakeResult {
    const d = this.demand.get(key);
    if (d) d.asked = Math.max(0, d.asked - asked.want);
    const leased = r.leased ?? 0;
    if (leased > 0) {
      const lease = this.leases.get(key);
      const held = lease && live(lease, now) ? lease.tokens : 0;
      if (this.leases.size >= MAX_SUBJECTS) this.leases.clear();
      this.leases.set(key, { tokens: held + leased, grantedAt: now, remaining: r.remaining, limit: r.limit, resetAt: r.resetAt });
    }
    const lease = this.leases.get(key);
    const held = lease && live(lease, now) ? lease.tokens : 0;
    return { allowed: r.allowed, limit: r.limit, remaining: r.remaining + held, resetAt: r.resetAt, retryAfterMs: r.retryAfterMs };
  }

  /** Counts a request of `key` in the current one-second window. */
  private count(key: string, now: number): void {
    const d = this.demand.get(key);
    if (d && now >= d.since && now - d.since < LEASE_MS) {
      d.count++;
      return;
    }
    if (this.demand.size >= MAX_SUBJECTS) this.demand.clear();
    this.demand.set(key, { since: now, count: 1, asked: d?.asked ?? 0 });
  }
}

/** A lease is spent only within LEASE_MS of its grant (and not before it, should the clock step back). */
const live = (lease: Lease, now: number) => now >= lease.grantedAt && now - lease.grantedAt < LEASE_MS;

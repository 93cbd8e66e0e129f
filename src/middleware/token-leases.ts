/**
 * Token leases: a Worker isolate that serves a burst of one subject's requests (a dashboard loading a
 * dozen resources at once, a script, a sync client) asks the subject's limiter for a few tokens beyond
 * the request's own and spends them locally, so most requests of the burst need no call to the
 * limiter object. What a lease keeps true:
 *
 * - The limit holds: lent tokens are taken from the bucket when lent (rate-limiter.ts), so leases never
 *   let more requests through than the limit. The last tenth of a bucket is never lent: below it every
 *   call takes one token (a lease granted just above it is still spent for its second).
 * - A lone request asks for nothing: the isolate leases only as many tokens as it has seen requests of
 *   the subject in the last second, minus what it already holds or has asked for, at most MAX_LEASE.
 * - A lease lives one second from its arrival. Its unspent tokens (and those of a refund whose call
 *   failed) go back with the isolate's next call for the subject. They are lost, at most a lease's
 *   worth per subject and refilled with the bucket, when the isolate never calls again for it, or when
 *   it forgets its leases at MAX_SUBJECTS subjects (so memory stays bounded whatever the traffic).
 * - X-RateLimit-Remaining is what this isolate knows: the bucket when it lent, plus the lease left.
 */
import type { LeaseAsk, TakeResult } from "../../durable-objects/rate-limiter";
import { MAX_LEASE, MAX_REFUND } from "../../durable-objects/rate-limiter";

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
  /** Unspent tokens of dead leases, to give back with the subject's next call. */
  private owed = new Map<string, number>();

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
    if (lease && !live(lease, now)) {
      this.owe(key, lease.tokens);
      this.leases.delete(key);
    }
    const owed = this.owed.get(key) ?? 0;
    const refund = Math.min(owed, MAX_REFUND);
    if (owed > refund) this.owed.set(key, owed - refund);
    else this.owed.delete(key);
    const d = this.demand.get(key);
    if (!d) return { want: 0, refund };
    // Demand beyond this request, less what is held or already on its way.
    const held = this.leases.get(key)?.tokens ?? 0;
    const want = Math.max(0, Math.min(MAX_LEASE, d.count - 1) - held - d.asked);
    d.asked += want;
    return { want, refund };
  }

  /**
   * Keeps what the limiter lent, added to a live lease of the same key; `now` is read after the call, so
   * a lease another request stored meanwhile is merged, not replaced. Returns the request's result as
   * reported. `r` null: the call failed, and its refund is owed again.
   */
  settle(key: string, now: number, asked: LeaseAsk, r: TakeResult): TakeResult;
  settle(key: string, now: number, asked: LeaseAsk, r: null): null;
  settle(key: string, now: number, asked: LeaseAsk, r: TakeResult | null): TakeResult | null {
    const d = this.demand.get(key);
    if (d) d.asked = Math.max(0, d.asked - asked.want);
    if (!r) {
      this.owe(key, asked.refund);
      return null;
    }
    const leased = r.leased ?? 0;
    if (leased > 0) {
      const lease = this.leases.get(key);
      const held = lease && live(lease, now) ? lease.tokens : 0;
      if (lease && !held) this.owe(key, lease.tokens);
      if (this.leases.size >= MAX_SUBJECTS) this.leases.clear();
      this.leases.set(key, { tokens: held + leased, grantedAt: now, remaining: r.remaining, limit: r.limit, resetAt: r.resetAt });
    }
    const lease = this.leases.get(key);
    const held = lease && live(lease, now) ? lease.tokens : 0;
    return { allowed: r.allowed, limit: r.limit, remaining: r.remaining + held, resetAt: r.resetAt, retryAfterMs: r.retryAfterMs };
  }

  private owe(key: string, tokens: number): void {
    if (tokens <= 0) return;
    if (this.owed.size >= MAX_SUBJECTS) this.owed.clear();
    this.owed.set(key, (this.owed.get(key) ?? 0) + tokens);
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

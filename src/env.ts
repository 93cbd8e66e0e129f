/**
 * Types of the Hono app: the bindings come from `wrangler types`
 * (worker-configuration.d.ts); the variables are what middleware hands on.
 */
import type { Db } from "./db/client";
import type { Clock } from "./lib/clock";
import type { Locale } from "./lib/i18n";
import type { BucketSpec } from "../durable-objects/rate-limiter";
import type { WriteGuard } from "./modules/ledger/operations";

/** What every service receives instead of Hono's Context. */
export interface Services {
  /** The bindings; for a request, `DB` is its D1 session (read replicas, bookmarks). */
  env: Env;
  db: Db;
  clock: Clock;
  /** Receives the D1 bookmark of a write committed elsewhere (the space's ledger) for this request. */
  noteBookmark?: (bookmark: string | null | undefined) => void;
  /**
   * A guard every unguarded ledger commit and revert made with these services carries in its batch (ledger/client.ts
   * runLedger), e.g. a sync's "its space is not deleted": a commit after the condition stops holding lands nothing.
   * `holds` reads the condition alone (a guarded write's other failures come back UNVERIFIED too); `refused` is
   * what the commit then throws. `changes`: recategorizations, account changes and metadata carry it too (a member's
   * writes, spaces/access.ts asMemberServices; a sync's deactivations and category moves do not).
   */
  commitGuard?: { guard: WriteGuard; holds: () => Promise<boolean>; refused: () => Error; changes?: boolean };
  /**
   * Called as a long task makes progress (before each ledger write made with these services, after each page a
   * provider client reads): a sync's heartbeat on its job row (providers/sync.ts). It throws when the task must stop
   * (the job was taken over), which ends the task there.
   */
  progress?: () => Promise<void>;
}

export interface AuthContext {
  userId: string;
  sessionId: string;
  email: string;
  twoFactorEnabled: boolean;
  /** Epoch ms of the last second-factor proof in this session, if any. */
  stepUpAt: number | null;
  /** The user's language, from the access token: error messages and notifications use it. */
  locale?: Locale;
  /**
   * Set on a read whose session check has not run yet: it rides in the batch
   * of the read's first D1 round trip (the membership check), and the fields
   * above are filled in from the session row then. Nothing is answered before.
   */
  unverified?: boolean;
  /** Set when that check found the session ended: the answer is a 401 without asking D1 again. */
  sessionEnded?: boolean;
  /** The HTTP request being served (set by requireAuth): emergency grants allow GET only and audit the path. */
  request?: { method: string; path: string };
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    auth: AuthContext;
    /** A provider webhook's body, once its signature has been checked (providers' webhook guards). */
    webhookBody: Record<string, unknown>;
    /** Set by a route that reported a bucket of its own (reportRateLimit): the narrower limit's headers stand. */
    rateLimitReported: boolean;
    /** The buckets this request took a token from (rate-limit.ts), to give back should its session turn out to have ended. */
    rateTaken: { key: string; spec: BucketSpec }[];
    /** The language a registration's body names (middleware/body-language.ts), for that request's answers. */
    bodyLocale: Locale;
  };
}

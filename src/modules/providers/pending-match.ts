/**
 * Which pending row a posted transaction replaces, for providers that do not link the two (Belvo): a pending
 * transaction is deleted when it posts and the posted one has a new id, so they are matched by account,
 * amount, day and merchant.
 *
 * An exact match (the same amount) is the bank's own posting and wins outright, even when a looser one (a tip of
 * up to 30 %) is also in sight: a second purchase at the same merchant must not make a plain posting ambiguous
 * and leave its pending row counted twice. The looser match then works with what is left. Anything still
 * ambiguous (two postings for one pending row, or one posting for two) is left as two transactions and flagged
 * for a person: never merged by guess.
 */
import type { ExistingRow } from "./sync-types";

export interface PostedTxn {
  id: string;
  accountId: string;
  /** Signed minor units, the account's view. */
  amountMinor: number;
  /** The posted day as UTC midnight (ms). */
  day: number;
  /** The provider's merchant key (normalizeMerchant), as the pending rows keep it. */
  merchant: string | null;
  /** The account currency's scale: the tolerance is at least one major unit. */
  scale: number;
}

/** Banks post a day or so after the purchase (and may date the pending row a day late). */
const DAYS_BEFORE = 1;
const DAYS_AFTER = 5;
const DAY_MS = 86_400_000;
/** A tip added at posting: up to 30 % of the pending amount, or one major unit. */
const TIP_PERCENT = 30;

export interface PendingMatches {
  /** Posted transaction id → the pending row it replaces. */
  matched: Map<string, ExistingRow>;
  /** Posted transaction id → ids of the pending rows it may be (flagged, not merged). */
  ambiguous: Map<string, string[]>;
}

/** `pendingDay` gives a pending row's day as UTC midnight (ms), in the space's zone. */
export function matchPending(posted: PostedTxn[], pendingRows: ExistingRow[], pendingDay: (r: ExistingRow) => number): PendingMatches {
  const near = (t: PostedTxn, r: ExistingRow) => {
    if (r.account_id !== t.accountId || Math.sign(r.amount) !== Math.sign(t.amountMinor)) return false;
    const tolerance = Math.max(10 ** t.scale, Math.floor((Math.abs(r.amount) * TIP_PERCENT) / 100));
    if (Math.abs(r.amount - t.amountMinor) > tolerance) return false;
    const d = pendingDay(r);
    if (t.day < d - DAYS_BEFORE * DAY_MS || t.day > d + DAYS_AFTER * DAY_MS) return false;
    return (r.normalized_merchant ?? null) === t.merchant;
  };
  const candidates = new Map(posted.map((t) => [t.id, pendingRows.filter((r) => near(t, r))]));
  const amountOf = new Map(posted.map((t) => [t.id, t.amountMinor]));
  const matched = new Map<string, ExistingRow>();
  const ambiguous = new Map<string, string[]>();

  // 1. Exact amounts: a posting with one such pending row that no other posting has at that amount.
  const exact = new Map([...candidates].map(([id, c]) => [id, c.filter((r) => r.amount === amountOf.get(id))]));
  for (const [id, r] of uniquePairs(exact)) matched.set(id, r);

  // 2. Within the tolerance, among the pending rows the exact matches left.
  const taken = new Set([...matched.values()].map((r) => r.id));
  const rest = new Map([...candidates].filter(([id]) => !matched.has(id)).map(([id, c]) => [id, c.filter((r) => !taken.has(r.id))]));
  const loose = uniquePairs(rest);
  for (const [id, c] of rest) {
    const r = loose.get(id);
    if (r) matched.set(id, r);
    else if (c.length > 0) ambiguous.set(id, c.map((p) => p.id));
  }
  return { matched, ambiguous };
}

/** The postings with exactly one candidate that is no other posting's candidate. */
function uniquePairs(candidates: Map<string, ExistingRow[]>): Map<string, ExistingRow> {
  const claims = new Map<string, number>();
  for (const c of candidates.values()) for (const r of c) claims.set(r.id, (claims.get(r.id) ?? 0) + 1);
  const out = new Map<string, ExistingRow>();
  for (const [id, c] of candidates) if (c.length === 1 && claims.get(c[0]!.id) === 1) out.set(id, c[0]!);
  return out;
}

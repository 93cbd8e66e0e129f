/**
 * A bank disconnected and linked again imports its history anew into new accounts (lib/relinks.ts,
 * `takesOver`), while the user's work on the old rows (a category chosen by hand, notes, tags) stays on the old
 * account, which analytics no longer count from the new history on: without this, the dashboard's categories
 * and budgets lose it and the user categorizes months again. A new row the sync imports into an account that
 * took over others takes that work from its predecessor's copy of the same transaction.
 *
 * The same transaction, conservatively: the same local day, the same amount (what the institution last said of
 * the old one: its row with any correcting entries) and currency, and the same provider text, the merchant key
 * the sync stores with each row (`normalized_merchant`: the provider's merchant name, else its description,
 * folded as the pending match folds it; a rename by the user leaves it as it was, so a renamed row still pairs).
 * Rows equal on all of that pair one to one, in order: the old ones by (date, id), the new ones as imported,
 * and the successor's earlier rows with the same key count as having taken the first old ones, so an old
 * row is taken once across syncs too. Down a chain (A → B → C, C taking over both) the newest predecessor's copy
 * wins: it holds what the user did since the last relink.
 *
 * Only what the user chose is carried, as rows record it (`category_source`), and only a category that still
 * exists: one set by hand (`manual`: a patch, bulk categorize, a correction and its similar rows) wins over the
 * import's own decision and stays the user's; one the user's rules set (`rule`) is kept as the old row keeps it,
 * unless a rule of the space hits the new row now (as running the rules over the old row would change it: a rule
 * edited since wins, a rule deleted since leaves it as it was). The model's guess (`ml`) is not the user's: the
 * import guesses anew. Notes and tags are the user's by nature.
 */
import type { Services } from "../../env";
import { dateIn, instantIn } from "../../lib/dates";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { takesOver } from "../../lib/relinks";

/** What a new row takes from its predecessor's copy. */
export interface Carried {
  /** A live category the user chose, else null (the import's own decision stands). */
  categoryId: string | null;
  /** Who chose it: by hand, or by the user's rules (null with no category). */
  categorySource: "manual" | "rule" | null;
  /** JSON list, as stored. */
  tags: string;
  notes: string | null;
}

/** A row about to be imported, or one the successor already holds (`existing`). */
export interface CarrySubject {
  accountId: string;
  /** The local day (YYYY-MM-DD). */
  day: string;
  amountMinor: number;
  currency: string;
  merchant: string | null;
}

/**
 * SQL for a select list over the new connection's accounts `a`: each one's predecessors (the accounts it took
 * over) as a JSON list of `[id, created_at]`, '[]' for none. Rides in the sync's read of its accounts, so a sync
 * of an account that took over nothing (most syncs) costs no round trip more.
 */
export const predecessorsSql = (a: string) =>
  `(SELECT json_group_array(json_array(x.id, x.created_at)) FROM accounts x WHERE ${takesOver("x", a)})`;

/** `predecessorsSql`'s value as ids, the newest predecessor first. */
export function predecessorIds(json: string | null | undefined): string[] {
  if (!json) return [];
  return (JSON.parse(json) as [string, number][]).sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? 1 : -1)).map((p) => p[0]);
}

interface OldRow {
  id: string;
  account_id: string;
  pid: string;
  amount: number;
  currency: string;
  date: number;
  merchant: string;
  category_id: string | null;
  category_source: "manual" | "rule" | null;
  tags: string;
  notes: string | null;
}

const DAY_MS = 86_400_000;

/**
 * For each of `rows` (new rows, in import order), what it takes from a predecessor's copy, or null. `predecessors`
 * maps a successor account to the accounts it took over, newest first; `existing` are the successor's rows already
 * imported (its groups' first rows, any status: each took an old row when it came). One read, and none when no
 * row is in an account that took over another.
 */
export async function relinkCarry(
  svc: Services, tz: string, predecessors: Map<string, string[]>, rows: CarrySubject[], existing: CarrySubject[],
): Promise<(Carried | null)[]> {
  const out: (Carried | null)[] = rows.map(() => null);
  const relinked = rows.filter((r) => r.merchant !== null && (predecessors.get(r.accountId)?.length ?? 0) > 0);
  if (relinked.length === 0) return out;
  const oldAccounts = [...new Set(relinked.flatMap((r) => predecessors.get(r.accountId)!))];
  const merchants = [...new Set(relinked.map((r) => r.merchant!))];
  const days = relinked.map((r) => r.day).sort();
  // A day's instant depends on the zone it was imported in: a day either side covers a zone changed since.
  const from = instantIn(days[0]!, tz) - 2 * DAY_MS;
  const to = instantIn(days[days.length - 1]!, tz) + 2 * DAY_MS;
  // Each group's rows (its first row and correcting entries, which share its date and merchant key); a voided
  // row carries nothing. The category only when the user chose it (by hand or by rule) and it still exists.
  const found = await svc.env.DB.prepare(
    `SELECT t.id, t.account_id, t.provider_transaction_id AS pid, t.amount, t.currency, t.date, t.normalized_merchant AS merchant,
            CASE WHEN t.category_source IN ('manual', 'rule') AND c.id IS NOT NULL THEN t.category_id END AS category_id,
            CASE WHEN t.category_source IN ('manual', 'rule') AND c.id IS NOT NULL THEN t.category_source END AS category_source, t.tags, t.notes
       FROM transactions t LEFT JOIN categories c ON c.id = t.category_id AND c.space_id = t.space_id
      WHERE t.account_id ${IN_JSON_LIST} AND t.date >= ? AND t.date <= ? AND t.status != 'cancelled'
        AND t.provider_transaction_id IS NOT NULL AND t.provider_transaction_id NOT LIKE 'balance#%'
        AND t.normalized_merchant ${IN_JSON_LIST}`,
  )
    .bind(jsonList(oldAccounts), from, to, jsonList(merchants))
    .all<OldRow>();

  // The old transactions by account and key, each with its live amount, in (date, id) order.
  const keyOf = (accountId: string, s: { day: string; amountMinor: number; currency: string; merchant: string | null }) =>
    JSON.stringify([accountId, s.day, s.amountMinor, s.currency, s.merchant]);
  const byGroup = new Map<string, { first: OldRow | null; amount: number }>();
  for (const r of found.results) {
    const g = `${r.account_id}\u0000${r.pid.split("#")[0]}`;
    const group = byGroup.get(g) ?? { first: null, amount: 0 };
    group.amount += r.amount;
    if (!r.pid.includes("#")) group.first = r;
    byGroup.set(g, group);
  }
  const old = new Map<string, OldRow[]>();
  for (const { first, amount } of byGroup.values()) {
    if (!first) continue;
    const k = keyOf(first.account_id, { day: dateIn(first.date, tz), amountMinor: amount, currency: first.currency, merchant: first.merchant });
    old.set(k, [...(old.get(k) ?? []), first]);
  }
  for (const list of old.values()) list.sort((p, q) => p.date - q.date || (p.id < q.id ? -1 : p.id > q.id ? 1 : 0));

  // Per predecessor and key, the next old row not yet taken: after the successor's earlier rows, one each.
  const next = new Map<string, number>();
  for (const e of existing) {
    for (const p of predecessors.get(e.accountId) ?? []) {
      const k = keyOf(p, e);
      next.set(k, (next.get(k) ?? 0) + 1);
    }
  }
  rows.forEach((r, i) => {
    if (r.merchant === null) return;
    let chosen: OldRow | undefined;
    // Every predecessor's copy is taken (each old row pairs once in its own account); the newest one's is carried.
    for (const p of predecessors.get(r.accountId) ?? []) {
      const k = keyOf(p, r);
      const n = next.get(k) ?? 0;
      const candidate = old.get(k)?.[n];
      if (!candidate) continue;
      next.set(k, n + 1);
      chosen ??= candidate;
    }
    if (chosen && (chosen.category_id !== null || chosen.notes !== null || chosen.tags !== "[]")) {
      out[i] = { categoryId: chosen.category_id, categorySource: chosen.category_source, tags: chosen.tags, notes: chosen.notes };
    }
  });
  return out;
}

/**
 * Budgets waiting for rates. An alert check that could not convert some of a budget's spending (no rate
 * or price for its day yet) puts the budget's space in `budget_rate_waits` (alerts.ts). Provider rates
 * and prices come later without touching any space (the daily rates, the hourly backfills of past rates
 * and prices), so this hourly task checks those spaces' budgets again: an alert the missing rate held back
 * goes out within the hour of the rate's arrival rather than at the space's next write.
 *
 * A space is checked only when some rate or price was fetched after its last check (nothing else can
 * change what it could not convert), those checked longest ago first. It leaves the list when a check
 * converts everything (or finds its alerts out, or its periods over), when it is deleted, or a week after
 * it first waited: a currency no provider quotes would otherwise stay for ever. Its next write that finds
 * spending unconverted puts it back. A check that fails is logged and the space goes to the back, so one
 * space cannot hold up the others.
 */
import type { Services } from "../../env";
import { logError } from "../../lib/log";
import { checkSpaceBudgetAlerts } from "./alerts";

/** How long a space's budgets are checked again for a missing rate, from the first check that missed it. */
export const WAIT_AT_MOST_MS = 7 * 86_400_000;
/** Spaces checked a run. */
const SPACES_PER_RUN = 50;

export async function recheckBudgetsAwaitingRates(svc: Services, nowMs: number): Promise<{ checked: number; alerts: number; done: number }> {
  const db = svc.env.DB;
  // Spaces past their week go first, unchecked; then those with a rate or price newer than their last check.
  const [expired, arrived] = await db.batch([
    db.prepare("DELETE FROM budget_rate_waits WHERE first_at <= ?").bind(nowMs - WAIT_AT_MOST_MS),
    db.prepare("SELECT MAX(COALESCE((SELECT MAX(fetched_at) FROM exchange_rates), 0), COALESCE((SELECT MAX(fetched_at) FROM market_prices), 0)) AS newest"),
  ]);
  const done = expired!.meta.changes ?? 0;
  const newest = (arrived!.results[0] as { newest: number } | undefined)?.newest ?? 0;
  // At or after: a rate stored in the very millisecond of a miss may be the one it missed.
  const waits = await db
    .prepare(
      `SELECT w.space_id, w.last_at, s.id IS NOT NULL AND s.deleted_at IS NULL AS live
         FROM budget_rate_waits w LEFT JOIN spaces s ON s.id = w.space_id WHERE w.last_at <= ? ORDER BY w.last_at LIMIT ?`,
    )
    .bind(newest, SPACES_PER_RUN)
    .all<{ space_id: string; last_at: number; live: number }>();
  let alerts = 0;
  let left = 0;
  for (const w of waits.results) {
    let check;
    try {
      check = w.live ? await checkSpaceBudgetAlerts(svc, w.space_id) : { created: 0, waiting: false };
    } catch (err) {
      logError(undefined, "budgets.rate_wait_failed", err, { spaceId: w.space_id });
      await db.prepare("UPDATE budget_rate_waits SET last_at = ? WHERE space_id = ?").bind(svc.clock.now(), w.space_id).run();
      continue;
    }
    alerts += check.created;
    // A check that still misses a rate has moved the space's last_at on (alerts.ts). One that converted everything
    // drops the wait it read: a write's check that found spending unconverted since (a later last_at) keeps it.
    if (!check.waiting) {
      await db.prepare("DELETE FROM budget_rate_waits WHERE space_id = ? AND last_at = ?").bind(w.space_id, w.last_at).run();
      left++;
    }
  }
  return { checked: waits.results.length, alerts, done: done + left };
}

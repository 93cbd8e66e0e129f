/**
 * Budgets waiting for rates. An alert check that could not convert some of a budget's spending (no rate
 * or price for its day yet) puts the budget's space in `budget_rate_waits` (alerts.ts). Provider rates
 * and prices come later without touching any space (the daily rates, the hourly backfills of past rates
 * and prices), so this hourly task checks those spaces' budgets again: an alert the missing rate held back
 * goes out within the hour of the rate's arrival rather than at the space's next write.
 *
 * A space leaves the list when a check converts everything (or finds its alerts out, or its periods over),
 * when it is deleted, or a week after it first waited: a currency no provider quotes would otherwise be
 * checked every hour for ever. Its next write that finds spending unconverted puts it back.
 */
import type { Services } from "../../env";
import { checkSpaceBudgetAlerts } from "./alerts";

/** How long a space's budgets are checked again for a missing rate, from the first check that missed it. */
export const WAIT_AT_MOST_MS = 7 * 86_400_000;
/** Spaces checked a run, those checked longest ago first. */
const SPACES_PER_RUN = 50;

export async function recheckBudgetsAwaitingRates(svc: Services, nowMs: number): Promise<{ checked: number; alerts: number; done: number }> {
  const db = svc.env.DB;
  const waits = await db
    .prepare(
      `SELECT w.space_id, w.first_at, w.last_at, s.id IS NOT NULL AND s.deleted_at IS NULL AS live
         FROM budget_rate_waits w LEFT JOIN spaces s ON s.id = w.space_id ORDER BY w.last_at LIMIT ?`,
    )
    .bind(SPACES_PER_RUN)
    .all<{ space_id: string; first_at: number; last_at: number; live: number }>();
  let alerts = 0;
  let done = 0;
  for (const w of waits.results) {
    const check = w.live ? await checkSpaceBudgetAlerts(svc, w.space_id) : { created: 0, waiting: false };
    alerts += check.created;
    if (!check.waiting || nowMs - w.first_at >= WAIT_AT_MOST_MS) {
      // Only the wait this run read: a write's check that found spending unconverted since (a later
      // `last_at`) keeps the space waiting, unless the week is over.
      await (check.waiting
        ? db.prepare("DELETE FROM budget_rate_waits WHERE space_id = ?").bind(w.space_id)
        : db.prepare("DELETE FROM budget_rate_waits WHERE space_id = ? AND last_at = ?").bind(w.space_id, w.last_at)
      ).run();
      done++;
    }
  }
  return { checked: waits.results.length, alerts, done };
}

/**
 * The one way a transaction's category changes, whoever changes it (a person,
 * bulk-categorize, rules, the model's corrections): through the space's
 * ledger, which posts the matching reclassification in the same batch, and
 * then the budget alert check for the categories that gained spending.
 */
import type { Services } from "../../env";
import { checkBudgetAlerts } from "../budgets/alerts";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { runLedger } from "../ledger/client";
import type { CategoryChange } from "../ledger/operations";

/** Changes per ledger operation: one operation is one D1 batch. */
const CHANGES_PER_OP = 500;

/**
 * Applies the changes; returns the ids whose category or source changed. Behind the services' member guard
 * (asMemberServices) until a part of them lands: from then on the request has taken effect, and its other parts land
 * too, so that a caller removed between two parts is not answered 404 for a change that half stands (600 rows of
 * apply-rules, 500 moved). A removal before the first part lands moves nothing.
 */
export async function recategorize(svc: Services, spaceId: string, asked: CategoryChange[]): Promise<string[]> {
  const changes = await withCorrections(svc, spaceId, asked);
  const askedIds = new Set(asked.map((c) => c.transactionId));
  const changed: string[] = [];
  let through = svc;
  for (let i = 0; i < changes.length; i += CHANGES_PER_OP) {
    const { returns } = await runLedger(through, { kind: "recategorize", spaceId, changes: changes.slice(i, i + CHANGES_PER_OP) });
    const moved = (returns.changed as string[] | undefined) ?? [];
    changed.push(...moved);
    if (moved.length > 0) through = { ...svc, commitGuard: undefined };
  }
  const done = new Set(changed);
  await checkBudgetAlerts(svc, spaceId, changes.filter((c) => done.has(c.transactionId)).map((c) => c.categoryId));
  // The rows asked for (a correction that followed its transaction is not one more row the caller moved).
  return changed.filter((id) => askedIds.has(id));
}

/**
 * A synced transaction's correcting entries (`<id>#c<n>`: a tip at posting, an amount the bank changed) are posted in
 * its category (providers/existing-rows.ts reconcile), and move with it: each live one still in the transaction's
 * category follows the change made to it; one filed elsewhere (by hand) stays where the person put it. Added after
 * the changes asked for, so that a correction named in the same request takes the category named for it.
 */
async function withCorrections(svc: Services, spaceId: string, changes: CategoryChange[]): Promise<CategoryChange[]> {
  if (changes.length === 0) return changes;
  const { results } = await svc.env.DB.prepare(
    `SELECT c.id, c.category_id, p.id AS primary_id FROM transactions p
       JOIN transactions c ON c.account_id = p.account_id
        AND c.provider_transaction_id > p.provider_transaction_id || '#c' AND c.provider_transaction_id < p.provider_transaction_id || '#d'
      WHERE p.id ${IN_JSON_LIST} AND p.space_id = ? AND p.provider_transaction_id IS NOT NULL AND instr(p.provider_transaction_id, '#') = 0
        AND c.status != 'cancelled' AND c.category_id IS p.category_id`,
  )
    .bind(jsonList([...new Set(changes.map((c) => c.transactionId))]), spaceId)
    .all<{ id: string; category_id: string | null; primary_id: string }>();
  if (results.length === 0) return changes;
  const byPrimary = new Map(changes.map((c) => [c.transactionId, c]));
  // Only from the category read here: one the person files elsewhere meanwhile keeps their choice (the ledger checks).
  return [...changes, ...results.map((r) => ({ ...byPrimary.get(r.primary_id)!, transactionId: r.id, whileCategoryId: r.category_id }))];
}

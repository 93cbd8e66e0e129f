/**
 * The one way a transaction's category changes, whoever changes it (a person,
 * bulk-categorize, rules, the model's corrections): through the space's
 * ledger, which posts the matching reclassification in the same batch, and
 * then the budget alert check for the categories that gained spending.
 */
import type { Services } from "../../env";
import { checkBudgetAlerts } from "../budgets/alerts";
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
export async function recategorize(svc: Services, spaceId: string, changes: CategoryChange[]): Promise<string[]> {
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
  return changed;
}

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

/** Applies the changes; returns the ids whose category or source changed. */
export async function recategorize(svc: Services, spaceId: string, changes: CategoryChange[]): Promise<string[]> {
  const changed: string[] = [];
  for (let i = 0; i < changes.length; i += CHANGES_PER_OP) {
    const { returns } = await runLedger(svc, { kind: "recategorize", spaceId, changes: changes.slice(i, i + CHANGES_PER_OP) });
    changed.push(...((returns.changed as string[] | undefined) ?? []));
  }
  const done = new Set(changed);
  await checkBudgetAlerts(svc, spaceId, changes.filter((c) => done.has(c.transactionId)).map((c) => c.categoryId));
  return changed;
}

/**
 * Categorizing a transaction on arrival: the space's rules first (in priority
 * order), then the learned model when it is confident enough. Below the
 * threshold the transaction stays uncategorized, for review.
 */
import type { Services } from "../../env";
import { AUTO_APPLY_CONFIDENCE, predictCategory } from "../ml/service";
import { categoriesById } from "./lookup";
import { firstMatch, type RuleSubject } from "./rules";
import { loadRules } from "./service";

export interface AutoCategory {
  categoryId: string;
  source: "rule" | "ml";
}

export async function autoCategorize(svc: Services, spaceId: string, subject: RuleSubject, signedAmount: number): Promise<AutoCategory | null> {
  const rule = firstMatch(await loadRules(svc, spaceId), subject);
  if (rule) return { categoryId: rule.categoryId, source: "rule" };
  const p = await predictCategory(svc, spaceId, { merchantName: subject.merchantName, description: subject.description, amountMinor: signedAmount });
  if (!p || p.confidence < AUTO_APPLY_CONFIDENCE) return null;
  // The model may remember a category deleted since; only a live one in this space counts.
  const live = (await categoriesById(svc, [p.categoryId])).get(p.categoryId);
  return live && live.spaceId === spaceId ? { categoryId: p.categoryId, source: "ml" } : null;
}

/**
 * Categorizing a transaction on arrival: the space's rules first (in priority
 * order), then the learned model when it is confident enough. Below the
 * threshold the transaction stays uncategorized, for review.
 */
import type { Services } from "../../env";
import { features, predict } from "../ml/model";
import { AUTO_APPLY_CONFIDENCE } from "../ml/service";
import { loadCounts } from "../ml/store";
import { compileRules, firstMatch, type RuleRow, type RuleSubject } from "./rules";

export interface AutoCategory {
  categoryId: string;
  source: "rule" | "ml";
  category: { id: string; name: string; color: string | null };
}

export async function autoCategorize(svc: Services, spaceId: string, subject: RuleSubject, signedAmount: number): Promise<AutoCategory | null> {
  const example = { merchantName: subject.merchantName, description: subject.description, amountMinor: signedAmount };
  // Rules, model counts and the live categories arrive in one D1 round trip.
  const db = svc.env.DB;
  const { counts, temperature, extra } = await loadCounts(svc, spaceId, features(example), [
    db.prepare("SELECT id, category_id AS categoryId, conditions, priority, created_at AS createdAt FROM category_rules WHERE space_id = ?").bind(spaceId),
    db.prepare("SELECT id, name, color FROM categories WHERE space_id = ?").bind(spaceId),
  ]);
  const live = new Map((extra[1]!.results as { id: string; name: string; color: string | null }[]).map((c) => [c.id, c]));
  const rule = firstMatch(compileRules(extra[0]!.results as unknown as RuleRow[]), subject);
  if (rule && live.has(rule.categoryId)) return { categoryId: rule.categoryId, source: "rule", category: live.get(rule.categoryId)! };
  const p = predict(counts, example, temperature);
  if (!p || p.confidence < AUTO_APPLY_CONFIDENCE) return null;
  // The model may remember a category deleted since; only a live one in this space counts.
  const category = live.get(p.categoryId);
  return category ? { categoryId: p.categoryId, source: "ml", category } : null;
}

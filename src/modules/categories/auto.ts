/**
 * Categorizing a transaction on arrival: the space's rules first (in priority
 * order), then the learned model when it is confident enough. Below the
 * threshold the transaction stays uncategorized, for review.
 */
import type { Services } from "../../env";
import { features, predict } from "../ml/model";
import { AUTO_APPLY_CONFIDENCE } from "../ml/service";
import { countsFrom, countStatements, type Guard } from "../ml/store";
import { compileRules, firstMatch, type RuleRow, type RuleSubject } from "./rules";

export interface AutoCategory {
  categoryId: string;
  source: "rule" | "ml";
  category: { id: string; name: string; color: string | null };
}

/**
 * The reads of `autoCategorize` for a caller's own batch (results to
 * `autoCategoryFrom`, in order): the model's counts, the space's rules and its
 * live categories. Only the sign of the amount shapes them (a feature), so a
 * write can send them before it knows the amount in minor units. `guard` is
 * added to every statement (a caller batching them with its access check
 * passes ACCESS_GUARD_SQL, so nothing of the space is read for a stranger).
 */
export function autoCategorizeStatements(
  svc: Services, spaceId: string, subject: Pick<RuleSubject, "merchantName" | "description">, signedAmount: number, guard?: Guard,
): D1PreparedStatement[] {
  const db = svc.env.DB;
  const g = guard ? ` AND ${guard.sql}` : "";
  const gp = guard?.params ?? [];
  return [
    ...countStatements(db, spaceId, features({ merchantName: subject.merchantName, description: subject.description, amountMinor: signedAmount }), guard),
    db.prepare(`SELECT id, category_id AS categoryId, conditions, priority, created_at AS createdAt FROM category_rules WHERE space_id = ?${g}`).bind(spaceId, ...gp),
    db.prepare(`SELECT id, name, color FROM categories WHERE space_id = ?${g}`).bind(spaceId, ...gp),
  ];
}

/** The category that rules, then the model, choose from the results of `autoCategorizeStatements` (same sign of amount). */
export function autoCategoryFrom(results: D1Result[], subject: RuleSubject, signedAmount: number): AutoCategory | null {
  const example = { merchantName: subject.merchantName, description: subject.description, amountMinor: signedAmount };
  const { counts, temperature } = countsFrom(results.slice(0, 4));
  const live = new Map((results[5]!.results as { id: string; name: string; color: string | null }[]).map((c) => [c.id, c]));
  const rule = firstMatch(compileRules(results[4]!.results as unknown as RuleRow[]), subject);
  if (rule && live.has(rule.categoryId)) return { categoryId: rule.categoryId, source: "rule", category: live.get(rule.categoryId)! };
  const p = predict(counts, example, temperature);
  if (!p || p.confidence < AUTO_APPLY_CONFIDENCE) return null;
  // The model may remember a category deleted since; only a live one in this space counts.
  const category = live.get(p.categoryId);
  return category ? { categoryId: p.categoryId, source: "ml", category } : null;
}

export async function autoCategorize(svc: Services, spaceId: string, subject: RuleSubject, signedAmount: number): Promise<AutoCategory | null> {
  // Rules, model counts and the live categories arrive in one D1 round trip.
  return autoCategoryFrom(await svc.env.DB.batch(autoCategorizeStatements(svc, spaceId, subject, signedAmount)), subject, signedAmount);
}

/**
 * Categorizing a whole sync at once, with the same decision as
 * categories/auto.ts (the space's rules in priority order, then the model when
 * it is confident enough): rules, categories and the model's counts for every
 * token of the batch arrive in one D1 round trip instead of one per transaction.
 */
import type { Services } from "../../env";
import { features, predict } from "../ml/model";
import { AUTO_APPLY_CONFIDENCE } from "../ml/service";
import { loadCounts } from "../ml/store";
import type { AutoCategory } from "../categories/auto";
import { compileRules, firstMatch, type RuleRow, type RuleSubject } from "../categories/rules";

export type Categorizer = (subject: RuleSubject, signedAmount: number) => AutoCategory | null;

export async function batchCategorizer(svc: Services, spaceId: string, subjects: { subject: RuleSubject; signedAmount: number }[]): Promise<Categorizer> {
  if (subjects.length === 0) return () => null;
  const feats = new Set<string>();
  for (const s of subjects) {
    for (const f of features({ merchantName: s.subject.merchantName, description: s.subject.description, amountMinor: s.signedAmount })) feats.add(f);
  }
  const db = svc.env.DB;
  const { counts, temperature, extra } = await loadCounts(svc, spaceId, [...feats], [
    db.prepare("SELECT id, category_id AS categoryId, conditions, priority, created_at AS createdAt FROM category_rules WHERE space_id = ?").bind(spaceId),
    db.prepare("SELECT id, name, color FROM categories WHERE space_id = ?").bind(spaceId),
  ]);
  const live = new Map((extra[1]!.results as { id: string; name: string; color: string | null }[]).map((c) => [c.id, c]));
  const rules = compileRules(extra[0]!.results as unknown as RuleRow[]);
  // The model's answer depends only on a transaction's features: a sync's thousands of rows repeat a few hundred.
  const predictions = new Map<string, AutoCategory | null>();
  return (subject, signedAmount) => {
    const rule = firstMatch(rules, subject);
    if (rule && live.has(rule.categoryId)) return { categoryId: rule.categoryId, source: "rule", category: live.get(rule.categoryId)! };
    const x = { merchantName: subject.merchantName, description: subject.description, amountMinor: signedAmount };
    const key = features(x).join("\u0000");
    const known = predictions.get(key);
    if (known !== undefined) return known;
    const p = predict(counts, x, temperature);
    const category = p && p.confidence >= AUTO_APPLY_CONFIDENCE ? live.get(p.categoryId) : undefined;
    const answer: AutoCategory | null = p && category ? { categoryId: p.categoryId, source: "ml", category } : null;
    predictions.set(key, answer);
    return answer;
  };
}

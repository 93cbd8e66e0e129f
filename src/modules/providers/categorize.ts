/**
 * Categorizing a whole sync at once, with the same decision as a manual write
 * (categories/auto.ts): rules, categories and the model's counts for every
 * token of the batch arrive in one D1 round trip instead of one per transaction.
 */
import type { Services } from "../../env";
import { type Categorizer, categorizerFrom, categorizerReads, featuresOf } from "../categories/auto";
import type { RuleSubject } from "../categories/rules";

export async function batchCategorizer(svc: Services, spaceId: string, subjects: { subject: RuleSubject; signedAmount: number }[]): Promise<Categorizer> {
  if (subjects.length === 0) return () => null;
  const feats = new Set<string>();
  for (const s of subjects) for (const f of featuresOf(s.subject)) feats.add(f);
  return categorizerFrom(await svc.env.DB.batch(categorizerReads(svc.env.DB, spaceId, [...feats])));
}

/**
 * Categorizing a transaction on arrival: the space's rules first (in priority
 * order), then the learned model when it is confident enough. Below the
 * threshold the transaction stays uncategorized, for review.
 *
 * The reads are statements the caller puts in a batch of its own (a manual
 * write puts them in the batch that checks its access), and the decision is a
 * function of their results, so one round trip serves one transaction or a
 * whole sync.
 */
import { type Counts, features, predict } from "../ml/model";
import { autoApplies } from "../ml/service";
import { COUNTS_READS, countsFrom, countsReads } from "../ml/store";
import { guardedValue, type SqlGuard } from "../../lib/sql";
import { type CompiledRule, compileRules, firstMatch, type RuleRow, type RuleSubject } from "./rules";

export interface AutoCategory {
  categoryId: string;
  source: "rule" | "ml";
  category: { id: string; name: string; color: string | null };
}

/** A category as categorizing reads it: what a response shows, and its type (the model files by direction). */
type LiveCategory = AutoCategory["category"] & { type: string };

/** The category of a transaction (its signed amount in minor units), or null to leave it for review. */
export type Categorizer = (subject: RuleSubject, signedAmount: number) => AutoCategory | null;

/** The features of a subject whatever its amount's sign: the reads can be built before the amount is parsed. */
export function featuresOf(subject: Pick<RuleSubject, "merchantName" | "description">): string[] {
  const base = { merchantName: subject.merchantName, description: subject.description };
  return [...new Set([...features({ ...base, amountMinor: -1 }), ...features({ ...base, amountMinor: 1 })])];
}

/**
 * The reads categorizing needs: the model's counts for `feats`, then the
 * space's rules and the live categories they or the model name. With a `guard`, each names the
 * space only when the guard holds.
 */
export function categorizerReads(db: D1Database, spaceId: string, feats: string[], guard?: SqlGuard): D1PreparedStatement[] {
  const space = guardedValue(spaceId, guard);
  return [
    ...countsReads(db, spaceId, feats, guard),
    // Rules of live categories only: one left on a deleted category must not shadow the live rules after it.
    db.prepare(
      `SELECT id, category_id AS categoryId, conditions, priority, created_at AS createdAt FROM category_rules
        WHERE space_id = ${space.sql} AND category_id IN (SELECT id FROM categories WHERE space_id = ${space.sql})`,
    ).bind(...space.params, ...space.params),
    // Only the live categories a rule or the model can choose: a space's whole list is most of the bytes otherwise.
    db.prepare(
      `SELECT id, name, color, type FROM categories WHERE space_id = ${space.sql}
          AND (id IN (SELECT category_id FROM category_rules WHERE space_id = ${space.sql})
            OR id IN (SELECT category_id FROM ml_category_stats WHERE space_id = ${space.sql}))`,
    ).bind(...space.params, ...space.params, ...space.params),
    // The version of all the above (migration 0019), read in the same snapshot: what a remembered state is checked against.
    db.prepare(`SELECT version FROM categorizer_versions WHERE space_id = ${space.sql}`).bind(...space.params),
  ];
}

/** What categorizing decides from: the model's counts (of the tokens read), its temperature, the rules and the categories they can choose. */
export interface CategorizerState {
  counts: Counts;
  temperature: number;
  rules: CompiledRule[];
  live: Map<string, LiveCategory>;
}

/** The state categorizerReads' results describe. */
export function categorizerStateFrom(results: D1Result[]): CategorizerState {
  const { counts, temperature } = countsFrom(results.slice(0, COUNTS_READS));
  const rules = compileRules(results[COUNTS_READS]!.results as unknown as RuleRow[]);
  const live = new Map((results[COUNTS_READS + 1]!.results as LiveCategory[]).map((c) => [c.id, c]));
  return { counts, temperature, rules, live };
}

/** The categorizer version categorizerReads' results were read at (0 before any change). */
export function categorizerVersionFrom(results: D1Result[]): number {
  return (results[COUNTS_READS + 2]!.results[0] as { version: number } | undefined)?.version ?? 0;
}

/** The decision over categorizerReads' results, for any subject whose features were read. */
export function categorizerFrom(results: D1Result[]): Categorizer {
  return categorizerOf(categorizerStateFrom(results));
}

/** The category the first matching rule chooses, when it is live; null leaves the choice to the model. */
export function ruleChoice({ rules, live }: CategorizerState, subject: RuleSubject): AutoCategory | null {
  const rule = firstMatch(rules, subject);
  const category = rule ? live.get(rule.categoryId) : undefined;
  return rule && category ? { categoryId: rule.categoryId, source: "rule", category: shown(category) } : null;
}

/** The decision over `state`, for any subject whose features' counts it holds. */
export function categorizerOf(state: CategorizerState): Categorizer {
  const { counts, temperature, live } = state;
  // The model's answer depends only on a transaction's features: a sync's thousands of rows repeat a few hundred.
  const predictions = new Map<string, AutoCategory | null>();
  return (subject, signedAmount) => {
    const byRule = ruleChoice(state, subject);
    if (byRule) return byRule;
    const x = { merchantName: subject.merchantName, description: subject.description, amountMinor: signedAmount };
    const key = features(x).join("\u0000");
    const known = predictions.get(key);
    if (known !== undefined) return known;
    const p = predict(counts, x, temperature);
    // The model may remember a category deleted since; only a live one in this space counts.
    const category = p ? live.get(p.categoryId) : undefined;
    const answer: AutoCategory | null = p && category && autoApplies(p, category.type, signedAmount)
      ? { categoryId: p.categoryId, source: "ml", category: shown(category) } : null;
    predictions.set(key, answer);
    return answer;
  };
}

/** What a response shows of a category. */
const shown = ({ id, name, color }: LiveCategory): AutoCategory["category"] => ({ id, name, color });

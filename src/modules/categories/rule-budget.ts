/**
 * What a space's rules may hold in all. Every transaction that arrives (and every row of a sync) reads the space's
 * rules and is matched against all of them, and an isolate keeps them compiled for the spaces it remembers
 * (remembered-categorizers.ts). Each bound is counted in the batch that saves rules, by a guard, so concurrent saves
 * cannot each pass a count read before the others landed.
 *
 * Without the count and size bounds a space could hold 500 categories of 50 rules of 10 conditions of 200 characters
 * (24,500 rules, 56 MB): its first write read all of it from D1 in 1.4 s, then matched it at 20-35 ms a write, and
 * a few such spaces held compiled in one isolate pass its 128 MB.
 */
import { validationFailed, type ApiError } from "../../lib/errors";
import { batchGuard } from "../../lib/batch-guard";

/** Regex states: what matching the space's regex rules costs per character of a transaction's text. */
export const MAX_SPACE_REGEX_STATES = 4_000;
/** Rules: a household's few dozen, or a few hundred carried over from another app, fit many times over. */
export const MAX_SPACE_RULES = 1_000;
/** Characters of the rules' stored conditions (JSON): 200 a rule on average at the count bound. */
export const MAX_SPACE_RULE_CHARS = 200_000;

interface SavedRule {
  conditions: string;
  regexStates: number;
}

/** What a set of rules holds, in the units of the bounds. */
export interface RuleTotals {
  rules: number;
  chars: number;
  states: number;
}

/** `rules`' totals: characters in code points, as SQLite's length() counts them. */
export const totalsOf = (rules: SavedRule[]): RuleTotals => ({
  rules: rules.length,
  chars: rules.reduce((n, r) => n + [...r.conditions].length, 0),
  states: rules.reduce((n, r) => n + r.regexStates, 0),
});

/** The totals of category `categoryId`'s rules as stored (what a PATCH of its rules replaces). */
export const storedTotals = (db: D1Database, categoryId: string) =>
  db.prepare("SELECT COUNT(*) AS rules, COALESCE(SUM(length(conditions)), 0) AS chars, COALESCE(SUM(regex_states), 0) AS states FROM category_rules WHERE category_id = ?")
    .bind(categoryId).first<RuleTotals>();

/**
 * The guards of a batch that saves `rules` into the space (last in the batch, after the rules' inserts): none when it
 * saves none, since replacing a category's rules by nothing only ever lowers what the space holds. A save that
 * replaces `replaced` (a category's rules) by no more of anything passes too, so a space over a bound (one set before
 * the bound was) can still trim its rules.
 */
export function ruleBudgetGuards(db: D1Database, spaceId: string, rules: SavedRule[], replaced?: RuleTotals | null): D1PreparedStatement[] {
  if (rules.length === 0) return [];
  const saved = totalsOf(rules);
  const trims = replaced != null && saved.rules <= replaced.rules && saved.chars <= replaced.chars && saved.states <= replaced.states ? 1 : 0;
  const size = batchGuard(
    db,
    "? OR (SELECT COUNT(*) <= ? AND COALESCE(SUM(length(conditions)), 0) <= ? FROM category_rules WHERE space_id = ?)",
    [trims, MAX_SPACE_RULES, MAX_SPACE_RULE_CHARS, spaceId],
  );
  const regex = saved.states > 0
    ? [batchGuard(db, "? OR (SELECT COALESCE(SUM(regex_states), 0) FROM category_rules WHERE space_id = ?) <= ?", [trims, spaceId, MAX_SPACE_REGEX_STATES])]
    : [];
  return [size, ...regex];
}

/**
 * The 422 for a save of `rules` that a budget guard refused: which bound it passes, judged from what the space holds
 * now besides the rules the save replaces (`replacing`, a category's) and what it adds. When none does any more (a
 * rule was deleted meanwhile), the bound it comes closest to.
 */
export async function ruleBudgetRefusal(db: D1Database, spaceId: string, rules: SavedRule[], replacing?: string): Promise<ApiError> {
  const held = await db
    .prepare(
      `SELECT COUNT(*) AS rules, COALESCE(SUM(length(conditions)), 0) AS chars, COALESCE(SUM(regex_states), 0) AS states
       FROM category_rules WHERE space_id = ? AND category_id IS NOT ?`,
    )
    .bind(spaceId, replacing ?? null)
    .first<{ rules: number; chars: number; states: number }>();
  const { chars, states } = totalsOf(rules);
  const fill = [
    { share: ((held?.rules ?? 0) + rules.length) / MAX_SPACE_RULES, refusal: tooMany },
    { share: ((held?.chars ?? 0) + chars) / MAX_SPACE_RULE_CHARS, refusal: tooLong },
    { share: states === 0 ? 0 : ((held?.states ?? 0) + states) / MAX_SPACE_REGEX_STATES, refusal: tooComplex },
  ];
  return fill.reduce((a, b) => (b.share > a.share ? b : a)).refusal();
}

const tooMany = () =>
  validationFailed([{ field: "rules", code: "LIMIT_REACHED", message: `A space may have at most ${MAX_SPACE_RULES} rules` }]);
const tooLong = () =>
  validationFailed([{
    field: "rules", code: "TOO_BIG",
    message: `The space's rules would hold more than ${MAX_SPACE_RULE_CHARS} characters of conditions every transaction is matched against: use fewer or shorter conditions`,
  }]);
const tooComplex = () =>
  validationFailed([{
    field: "rules", code: "TOO_BIG",
    message: `The space's regex rules would hold more than the ${MAX_SPACE_REGEX_STATES} pattern states every transaction is matched against: use simpler patterns or contains/equals conditions`,
  }]);

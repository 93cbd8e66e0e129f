/**
 * Categories per space (a two-level hierarchy), their rules, and applying the
 * rules on demand. A category chosen by hand (`categorySource = manual`) is
 * never changed by a rule.
 */
import { and, asc, eq, inArray, isNull, ne, notInArray, or, sql } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { budgetCategories, categories, categoryRules, mlCategoryStats, mlTokenCounts, transactions } from "../../db/schema";
import { ApiError, notFound, validationFailed } from "../../lib/errors";
import { batchGuard, refusedByGuard } from "../../lib/batch-guard";
import { newId } from "../../lib/ids";
import { logError } from "../../lib/log";
import { IN_JSON_LIST, insertEntities, jsonList, rowReader } from "../../lib/sql";
import { type Currency, CURRENCY_SCALES } from "../../lib/money";
import { RegexSyntaxError, type StepMeter } from "../../lib/safe-regex";
import { openCursor, signCursor, type CursorScope } from "../../lib/cursor";
import { checkBudgetAlerts } from "../budgets/alerts";
import { runLedger } from "../ledger/client";
import { recategorize } from "../transactions/recategorize";
import { asMemberServices, batchAsMember, readSpace, requireRoleOver, requireSpaceRole } from "../spaces/access";
import { d1Statement } from "../../db/client";
import { requireCategory, typedCategory } from "./lookup";
import { normalizeText } from "../ml/normalize";
import { withoutInvisible } from "../../lib/visible-text";
import { ApplyRulesCursor, MAX_CATEGORIES_PER_SPACE } from "./schemas";
import { mergeCategoryCounts } from "../ml/store";
import { compileRules, firstMatch, regexStates, validateConditions, type ConditionInput, type RuleRow } from "./rules";
import { ruleBudgetGuards, ruleBudgetRefusal, storedTotals } from "./rule-budget";

type CategoryRow = typeof categories.$inferSelect;
type RuleInputT = ({ priority: number } & ConditionInput) | { conditions: ConditionInput[]; priority: number };

const conditionsOf = (r: RuleInputT): ConditionInput[] => ("conditions" in r ? r.conditions : [{ condition: r.condition, value: r.value } as ConditionInput]);

/**
 * The rows of `rules`, saved now. `replaced`: the category's rules they replace; one saved again as it was (same
 * conditions and priority) keeps its age and its id. Rules of equal priority run oldest first, then by id (rules.ts):
 * renewed by every save of the category's rules, its unchanged rules lost their place to another category's
 * overlapping rule ("amazon prime" in Subscriptions took Amazon Prime from Shopping's older "amazon" once Shopping got
 * a new rule); with its age kept but a new id (whose time is the save's), one of the same age (saved in the same
 * millisecond) still took its place.
 */
function ruleRows(spaceId: string, categoryId: string, rules: RuleInputT[], now: number, replaced: { id: string; conditions: string; priority: number; createdAt: number }[] = []) {
  const kept = new Map<string, { id: string; createdAt: number }[]>();
  for (const r of replaced) {
    const key = `${r.priority}\u0000${r.conditions}`;
    kept.set(key, [...(kept.get(key) ?? []), { id: r.id, createdAt: r.createdAt }].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)));
  }
  return rules.map((r, i) => {
    const conditions = conditionsOf(r);
    try {
      validateConditions(conditions);
    } catch (e) {
      if (e instanceof RegexSyntaxError) throw validationFailed([{ field: `rules.${i}`, message: e.message, code: "INVALID_RULE" }]);
      throw e;
    }
    const json = JSON.stringify(conditions);
    const same = kept.get(`${r.priority}\u0000${json}`)?.shift();
    return { id: same?.id ?? newId("rule", now), spaceId, categoryId, conditions: json, priority: r.priority, createdAt: same?.createdAt ?? now, regexStates: regexStates(conditions) };
  });
}

/**
 * The statement, right after a new category's insert, that fails the batch when the space then has more than
 * MAX_CATEGORIES_PER_SPACE categories: counted in the write, so concurrent creates cannot all pass the cap.
 */
const categoryCapGuard = (db: D1Database, spaceId: string) =>
  batchGuard(db, "(SELECT COUNT(*) FROM categories WHERE space_id = ?) <= ?", [spaceId, MAX_CATEGORIES_PER_SPACE]);

const categoriesFull = async (svc: Services, spaceId: string) =>
  ((await svc.env.DB.prepare("SELECT COUNT(*) AS n FROM categories WHERE space_id = ?").bind(spaceId).first<{ n: number }>())?.n ?? 0) >= MAX_CATEGORIES_PER_SPACE;

/**
 * Runs a batch that saves rules (and, with `newCategory`, a category: capped per space), the space's rule budget
 * (rule-budget.ts) or the cap refused as a 422. All are guards; when several could have refused, the space's
 * counts say which did. The first is the caller's (batchAsMember): a save that the space's deletion, or the
 * caller's loss of the role, overtook stores nothing and is answered as a request made after it.
 */
async function savingRules(
  svc: Services, auth: AuthContext, spaceId: string, statements: D1PreparedStatement[], rules: { conditions: string; regexStates: number }[], newCategory = false, existing?: string,
) {
  const db = svc.env.DB;
  // What a PATCH replaces: a save that holds no more than it passes the budget whatever the space holds.
  const replaced = existing && rules.length > 0 ? await storedTotals(db, existing) : null;
  const budget = ruleBudgetGuards(db, spaceId, rules, replaced);
  // An existing category's rules land only while it exists: a deletion or merge that ran since it was read would
  // otherwise leave live rules on a category that is gone (they filed money into it).
  const stillThere = existing ? [batchGuard(db, "EXISTS (SELECT 1 FROM categories WHERE id = ?)", [existing])] : [];
  try {
    await batchAsMember(svc, auth, spaceId, "member", [...stillThere, ...statements, ...(newCategory ? [categoryCapGuard(db, spaceId)] : []), ...budget],
      { otherGuards: true, ...(existing ? { resource: "Category" } : {}) });
  } catch (e) {
    if (!refusedByGuard(e)) throw e;
    if (existing && !(await db.prepare("SELECT 1 FROM categories WHERE id = ?").bind(existing).first())) throw notFound("Category");
    if (newCategory && (budget.length === 0 || (await categoriesFull(svc, spaceId)))) {
      throw validationFailed([{ field: "spaceId", message: `A space may have at most ${MAX_CATEGORIES_PER_SPACE} categories`, code: "LIMIT_REACHED" }]);
    }
    throw await ruleBudgetRefusal(db, spaceId, rules, existing);
  }
}

/**
 * What two category names must not share: the name under NFKC (a full-width "Ｆｏｏｄ" is "Food"), without format
 * characters (a zero-width space inside shows nothing), then with case, accents and spacing folded.
 */
const nameKey = (name: string) => normalizeText(withoutInvisible(name.normalize("NFKC")));

/**
 * Refuses a second category of the same name (nameKey), type and parent in a space:
 * two "Food" under one parent cannot be told apart in a list, a budget or a report.
 */
async function checkUniqueName(svc: Services, spaceId: string, c: { name: string; type: string; parentId: string | null }, self?: string) {
  const rows = await svc.env.DB.prepare("SELECT id, name FROM categories WHERE space_id = ? AND type = ? AND parent_id IS ?")
    .bind(spaceId, c.type, c.parentId)
    .all<{ id: string; name: string }>();
  const want = nameKey(c.name);
  const twin = rows.results.find((r) => r.id !== self && nameKey(r.name) === want);
  if (twin) throw new ApiError(409, "DUPLICATE_RESOURCE", `This space already has ${typedCategory(c.type)} "${twin.name}" there (${twin.id})`, [{ field: "name", message: "Already used by another category of this type and parent", code: "DUPLICATE" }]);
}

/**
 * Refuses a deletion whose subcategories, moved up to its parent, would share a name there (a top-level
 * "School" and "Kids > School"): two rows of one name cannot be told apart, which checkUniqueName forbids.
 */
async function checkChildrenMoveUp(svc: Services, row: CategoryRow) {
  const rows = await svc.env.DB.prepare("SELECT id, name, parent_id AS parentId FROM categories WHERE space_id = ? AND type = ? AND (parent_id = ? OR parent_id IS ?) AND id != ?")
    .bind(row.spaceId, row.type, row.id, row.parentId, row.id)
    .all<{ id: string; name: string; parentId: string | null }>();
  const there = new Map(rows.results.filter((r) => r.parentId !== row.id).map((r) => [nameKey(r.name), r]));
  const clash = rows.results.find((r) => r.parentId === row.id && there.has(nameKey(r.name)));
  if (clash) {
    const twin = there.get(nameKey(clash.name))!;
    throw new ApiError(409, "DUPLICATE_RESOURCE", `Its subcategory "${clash.name}" (${clash.id}) would move up beside "${twin.name}" (${twin.id}): rename or merge one of them first`, [
      { field: "id", message: "A subcategory would share its name with a category where it moves", code: "DUPLICATE" },
    ]);
  }
}

/** Refuses an `account_is` condition naming an account that is not the space's (it would never match, silently). */
async function checkRuleAccounts(svc: Services, spaceId: string, rules: RuleInputT[]) {
  const named = rules.flatMap((r, i) =>
    conditionsOf(r).flatMap((c, j) => (c.condition === "account_is" ? [{ id: c.value, field: "conditions" in r ? `rules.${i}.conditions.${j}.value` : `rules.${i}.value` }] : [])));
  if (named.length === 0) return;
  const found = await svc.env.DB.prepare(`SELECT id FROM accounts WHERE space_id = ? AND id ${IN_JSON_LIST}`)
    .bind(spaceId, jsonList([...new Set(named.map((n) => n.id))]))
    .all<{ id: string }>();
  const known = new Set(found.results.map((r) => r.id));
  const unknown = named.filter((n) => !known.has(n.id));
  if (unknown.length > 0) {
    throw validationFailed(unknown.map((n) => ({ field: n.field, message: "No such account in this space", code: "UNKNOWN_ACCOUNT" })));
  }
}

function present(c: CategoryRow, rules: (typeof categoryRules.$inferSelect)[], all: CategoryRow[]) {
  return {
    id: c.id,
    spaceId: c.spaceId,
    name: c.name,
    color: c.color,
    icon: c.icon,
    type: c.type,
    parentId: c.parentId,
    isSystem: c.isSystem,
    rules: rules
      .filter((r) => r.categoryId === c.id)
      .sort((a, b) => b.priority - a.priority)
      .map((r) => {
        const conditions = JSON.parse(r.conditions) as ConditionInput[];
        return { id: r.id, condition: conditions[0]!.condition, value: conditions[0]!.value as unknown, priority: r.priority, conditions };
      }),
    subcategories: all.filter((x) => x.parentId === c.id).map((x) => ({ id: x.id, name: x.name, parentId: c.id })),
  };
}

async function spaceCategories(svc: Services, spaceId: string) {
  const [all, rules] = await Promise.all([
    svc.db.select().from(categories).where(eq(categories.spaceId, spaceId)).orderBy(asc(categories.createdAt), asc(categories.id)),
    svc.db.select().from(categoryRules).where(eq(categoryRules.spaceId, spaceId)),
  ]);
  return { all, rules };
}

const readCategory = rowReader(categories);
const readRule = rowReader(categoryRules);

/** The session, the caller's role, the space's categories and their rules, in one round trip. */
export async function listCategories(svc: Services, auth: AuthContext, spaceId: string) {
  const db = svc.env.DB;
  const { results: [cats, ruleRows] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    db.prepare(`SELECT * FROM categories WHERE space_id = ${space.sql} ORDER BY created_at, id`).bind(...space.params),
    db.prepare(`SELECT * FROM category_rules WHERE space_id = ${space.sql}`).bind(...space.params),
  ]);
  const all = (cats!.results as Record<string, unknown>[]).map(readCategory);
  const rules = (ruleRows!.results as Record<string, unknown>[]).map(readRule);
  return all.map((c) => present(c, rules, all));
}

async function categoryFor(svc: Services, auth: AuthContext, id: string, min: "viewer" | "member") {
  const row = await svc.db.select().from(categories).where(eq(categories.id, id)).get();
  if (!row) throw notFound("Category");
  await requireRoleOver(svc, auth, row.spaceId, min, "Category");
  return row;
}

/** Parents must be top-level categories of the same space and type (two levels at most). */
async function checkParent(svc: Services, spaceId: string, parentId: string, type: string, selfId?: string) {
  if (parentId === selfId) throw validationFailed([{ field: "parentId", message: "A category cannot be its own parent", code: "INVALID_PARENT" }]);
  const parent = await requireCategory(svc, spaceId, parentId, "parentId");
  if (parent.parentId !== null) throw validationFailed([{ field: "parentId", message: "Subcategories cannot have subcategories", code: "INVALID_PARENT" }]);
  if (parent.type !== type) throw validationFailed([{ field: "parentId", message: `Parent is ${typedCategory(parent.type)}`, code: "INVALID_PARENT" }]);
}

export async function createCategory(
  svc: Services,
  auth: AuthContext,
  input: { spaceId: string; name: string; color?: string; icon?: string; type: CategoryRow["type"]; parentId?: string | null; rules?: RuleInputT[] },
) {
  await requireSpaceRole(svc, auth, input.spaceId, "member");
  if (input.parentId) await checkParent(svc, input.spaceId, input.parentId, input.type);
  await checkUniqueName(svc, input.spaceId, { name: input.name, type: input.type, parentId: input.parentId ?? null });
  const now = svc.clock.now();
  const row: CategoryRow = {
    id: newId("cat", now), spaceId: input.spaceId, name: input.name, type: input.type, color: input.color ?? null,
    icon: input.icon ?? null, parentId: input.parentId ?? null, isSystem: false, createdAt: now, updatedAt: now,
  };
  const rules = ruleRows(input.spaceId, row.id, input.rules ?? [], now);
  await checkRuleAccounts(svc, input.spaceId, input.rules ?? []);
  await savingRules(svc, auth, input.spaceId, [...insertEntities(svc.env.DB, categories, [row]), ...insertEntities(svc.env.DB, categoryRules, rules)], rules, true);
  const { all } = await spaceCategories(svc, input.spaceId);
  return present(row, rules, all);
}

export async function updateCategory(
  svc: Services,
  auth: AuthContext,
  id: string,
  patch: { name?: string; color?: string | null; icon?: string | null; parentId?: string | null; rules?: RuleInputT[] },
) {
  const row = await categoryFor(svc, auth, id, "member");
  if (patch.parentId) {
    await checkParent(svc, row.spaceId, patch.parentId, row.type, id);
    const children = await svc.db.select({ id: categories.id }).from(categories).where(eq(categories.parentId, id)).limit(1);
    if (children.length) throw validationFailed([{ field: "parentId", message: "A category with subcategories cannot become one", code: "INVALID_PARENT" }]);
  }
  if (patch.name !== undefined || patch.parentId !== undefined) {
    const parentId = patch.parentId === undefined ? row.parentId : patch.parentId;
    await checkUniqueName(svc, row.spaceId, { name: patch.name ?? row.name, type: row.type, parentId }, id);
  }
  const now = svc.clock.now();
  const { rules: _rules, ...fields } = patch;
  const update = svc.db.update(categories).set({ ...fields, updatedAt: now }).where(eq(categories.id, id));
  if (patch.rules) {
    const replaced = await svc.db.select({ id: categoryRules.id, conditions: categoryRules.conditions, priority: categoryRules.priority, createdAt: categoryRules.createdAt })
      .from(categoryRules).where(eq(categoryRules.categoryId, id));
    const rows = ruleRows(row.spaceId, id, patch.rules, now, replaced);
    await checkRuleAccounts(svc, row.spaceId, patch.rules);
    const replaceRules = svc.db.delete(categoryRules).where(eq(categoryRules.categoryId, id));
    const db = svc.env.DB;
    await savingRules(svc, auth, row.spaceId, [d1Statement(db, update), d1Statement(db, replaceRules), ...insertEntities(db, categoryRules, rows)], rows, false, id);
  } else {
    // Only while the caller may still write in the live space.
    await batchAsMember(svc, auth, row.spaceId, "member", [d1Statement(svc.env.DB, update)], { resource: "Category" });
  }
  const { all, rules } = await spaceCategories(svc, row.spaceId);
  // Deleted since it was read (a merge that ran meanwhile): a 404, as it would be to a request that came after.
  const updated = all.find((c) => c.id === id);
  if (!updated) throw notFound("Category");
  return present(updated, rules, all);
}

/**
 * Deletes a category. While transactions use it, the caller must name
 * another category of its type to move them (and budget allocations) to;
 * otherwise 409; its rules and learned counts move there too. Subcategories
 * move up to the deleted category's parent, and the budgets that watched the
 * deleted category watch them.
 */
export async function deleteCategory(svc: Services, auth: AuthContext, id: string, reassignTo?: string) {
  const row = await categoryFor(svc, auth, id, "member");
  if (reassignTo !== undefined) {
    if (reassignTo === id) throw validationFailed([{ field: "reassignTo", message: "Must be another category", code: "INVALID_VALUE" }]);
    const target = await requireCategory(svc, row.spaceId, reassignTo, "reassignTo");
    // Expense rows (and the budgets over them) moved into an income category would count as income, and back.
    if (target.type !== row.type) {
      throw validationFailed([{ field: "reassignTo", message: `Must be ${typedCategory(row.type)}, as the one deleted is: "${target.name}" is ${typedCategory(target.type)}`, code: "CATEGORY_TYPE_MISMATCH" }]);
    }
  }
  await checkChildrenMoveUp(svc, row);
  // In the space's ledger, in order with its writes: from here on no row lands in this category, and the rows
  // that use it move to `reassignTo` with their amounts (or the deletion is refused while any use it). The rows
  // move only while the caller may still write in the live space (asMemberServices).
  const deletion = crypto.randomUUID();
  const { returns } = await runLedger(asMemberServices(svc, auth, row.spaceId, "member", "Category"), { kind: "retireCategory", spaceId: row.spaceId, categoryId: id, reassignTo, deletion });
  const movedTransactions = Number(returns.moved ?? 0);
  const now = svc.clock.now();
  const db = svc.env.DB;
  const q = (query: { toSQL(): { sql: string; params: unknown[] } }) => d1Statement(db, query);
  // A budget over a parent counted its subcategories, which now move up out from under it: it watches them
  // itself from here on, or their spending would silently leave it (a budget over "Kids" would drop "School").
  const keepWatchingChildren = svc.db.insert(budgetCategories).select(
    svc.db.select({ budgetId: budgetCategories.budgetId, categoryId: categories.id, allocated: sql<number | null>`NULL`.as("allocated") })
      .from(budgetCategories)
      .innerJoin(categories, eq(categories.parentId, budgetCategories.categoryId))
      // A child that is the merge's target gets the parent's own row (its allocation with it) from the merge below.
      .where(reassignTo ? and(eq(budgetCategories.categoryId, id), ne(categories.id, reassignTo)) : eq(budgetCategories.categoryId, id)),
  ).onConflictDoNothing();
  // A merge: what watched, categorized or was learned for the deleted category carries on in the target.
  const merge = reassignTo
    ? [
        // A budget already tracking the target keeps its own row, with the deleted one's allotment added when both had
        // one (the money planned for both is planned for the merged one; the budget's allotments stay within its
        // amount, as they were); the rest move over.
        db.prepare(
          `UPDATE budget_categories SET allocated = allocated + (SELECT s.allocated FROM budget_categories s WHERE s.budget_id = budget_categories.budget_id AND s.category_id = ?)
            WHERE category_id = ? AND allocated IS NOT NULL
              AND EXISTS (SELECT 1 FROM budget_categories s WHERE s.budget_id = budget_categories.budget_id AND s.category_id = ? AND s.allocated IS NOT NULL)`,
        ).bind(id, reassignTo, id),
        q(svc.db.delete(budgetCategories).where(and(
          eq(budgetCategories.categoryId, id),
          inArray(budgetCategories.budgetId, svc.db.select({ b: budgetCategories.budgetId }).from(budgetCategories).where(eq(budgetCategories.categoryId, reassignTo))),
        ))),
        q(svc.db.update(budgetCategories).set({ categoryId: reassignTo }).where(eq(budgetCategories.categoryId, id))),
        ...mergeCategoryCounts(db, row.spaceId, id, reassignTo),
      ]
    : [];
  // Its rules go to the target (same space, so the space's regex budget is unchanged), or with the category.
  const rules = reassignTo
    ? q(svc.db.update(categoryRules).set({ categoryId: reassignTo }).where(eq(categoryRules.categoryId, id)).returning({ id: categoryRules.id }))
    : q(svc.db.delete(categoryRules).where(eq(categoryRules.categoryId, id)));
  const statements = [
    q(keepWatchingChildren),
    ...merge,
    rules,
    q(svc.db.delete(budgetCategories).where(eq(budgetCategories.categoryId, id))),
    q(svc.db.update(categories).set({ parentId: row.parentId, updatedAt: now }).where(eq(categories.parentId, id))),
    q(svc.db.delete(mlTokenCounts).where(and(eq(mlTokenCounts.spaceId, row.spaceId), eq(mlTokenCounts.categoryId, id)))),
    q(svc.db.delete(mlCategoryStats).where(and(eq(mlCategoryStats.spaceId, row.spaceId), eq(mlCategoryStats.categoryId, id)))),
    q(svc.db.delete(categories).where(eq(categories.id, id))),
  ];
  const results = await finishDeletion(svc, auth, row.spaceId, id, deletion, movedTransactions, statements);
  // Counted by the rows it returns: `meta.changes` also counts the categorizer-version triggers' writes.
  const movedRules = reassignTo ? results[1 + merge.length]!.results.length : 0;
  // After the budgets that tracked the deleted category track `reassignTo` too.
  if (reassignTo && movedTransactions > 0) await checkBudgetAlerts(svc, row.spaceId, [reassignTo]);
  return { deleted: id, reassignedTo: reassignTo ?? null, movedTransactions, movedRules };
}

/**
 * A deletion's own batch, after its ledger part. Rows moved (their batch carried the guard) mean the deletion took
 * effect there, and the rest follows whatever happened since, as for every request of several writes. With none
 * moved, nothing has landed yet: the batch lands only while the caller may still write in the live space, and a
 * refusal (404/403, as to a request after the change) gives the ledger's mark back, so the category, still there,
 * takes rows again.
 */
async function finishDeletion(svc: Services, auth: AuthContext, spaceId: string, id: string, deletion: string, moved: number, statements: D1PreparedStatement[]) {
  try {
    return moved > 0 ? await svc.env.DB.batch(statements) : await batchAsMember(svc, auth, spaceId, "member", statements, { resource: "Category" });
  } catch (err) {
    // Not landed: refused (an ApiError), or failed with the category still there (the batch is all or nothing). The
    // mark goes back, so the category takes rows again. Unknown (the read failed too): kept, and a retry goes on.
    const stillThere = err instanceof ApiError ? true : await svc.env.DB.prepare("SELECT 1 FROM categories WHERE id = ?").bind(id).first().then((r) => r !== null, () => false);
    if (stillThere) {
      // The answer stays the deletion's own failure whatever happens to the mark's return.
      await runLedger(svc, { kind: "restoreCategory", spaceId, categoryId: id, deletion }).catch((e: unknown) => logError(undefined, "category.restore_failed", e, { categoryId: id }));
    }
    throw err;
  }
}

export async function loadRules(svc: Services, spaceId: string) {
  // Only rules of a category that exists: one left on a deleted category must neither file money into it nor
  // shadow the live rules after it.
  const rows: RuleRow[] = await svc.db.select().from(categoryRules).where(and(
    eq(categoryRules.spaceId, spaceId),
    inArray(categoryRules.categoryId, svc.db.select({ id: categories.id }).from(categories).where(eq(categories.spaceId, spaceId))),
  ));
  return compileRules(rows);
}

/**
 * The matching work one apply-rules call may do, in matching steps (StepMeter: a regex's steps, a text
 * comparison's characters, ROW_STEPS a row). Steps, not time: a Worker's clock stands still while it computes,
 * and steps are the same on every run. Measured in workerd, a step is about 10-40 ns (an NFA step the least, a
 * cached DFA transition the most), so this is about 1-4 s of matching, far below the 30 s CPU limit. A regex
 * costs about a step a character once its DFA has met the texts' states and characters (20 rules of `.?` ×99
 * then `#`, the 4,000-state allowance, about 15,000 a row of texts of 500 and 200 characters, ~5,000 rows a
 * call); rules whose texts keep meeting new DFA states run on the NFA, up to 2 × states a character: 50 of
 * `a[ab]{77}#` over random a's and b's about 2.5 million a row, ~40 rows a call. 20 contains rules: ~8,000.
 */
export const APPLY_RULES_STEP_BUDGET = 100_000_000;
/** What a row costs besides its rules (reading it, its subject): with no rules at all a call takes 20,000 rows. */
export const APPLY_RULES_ROW_STEPS = 5_000;
const PAGE = 500;

const applyRulesScope = (svc: Services, spaceId: string): CursorScope => ({ secret: svc.env.JWT_SECRET, spaceId, route: "categories.apply-rules" });

/**
 * Runs the rules over the transactions whose category was not set by hand, in id order, until they are done or
 * the call has spent APPLY_RULES_STEP_BUDGET: then it stops at a row boundary, applies (or reports) what it
 * matched so far and answers `hasMore` with `next`, a signed cursor that a call with the same dryRun continues
 * from, so every row is evaluated once however many calls it takes.
 */
export async function applyRules(svc: Services, auth: AuthContext, spaceId: string, dryRun: boolean, cursor?: string) {
  await requireSpaceRole(svc, auth, spaceId, "member");
  const scope = applyRulesScope(svc, spaceId);
  let after: { date: number; id: string } | null = null;
  if (cursor !== undefined) {
    const c = await openCursor(scope, cursor, ApplyRulesCursor);
    // A dry run's cursor continued as a real run would leave the rows before it unapplied, and the reverse
    // would apply what the client only meant to preview: the call must say the same.
    if (c.dryRun !== dryRun) {
      throw validationFailed([{ field: "dryRun", message: `Differs from the run the cursor continues (dryRun: ${c.dryRun}); send the same dryRun`, code: "CURSOR_CONFLICT" }]);
    }
    after = { date: c.afterDate, id: c.after };
  }
  const rules = await loadRules(svc, spaceId);
  const changes: { transactionId: string; fromCategoryId: string | null; toCategoryId: string; ruleId: string }[] = [];
  const meter: StepMeter = { steps: 0 };
  let evaluated = 0;
  let matched = 0;
  let stoppedAfter: { date: number; id: string } | null = null;
  for (;;) {
    const rows = await svc.db
      .select({ id: transactions.id, date: transactions.date, merchantName: transactions.merchantName, description: transactions.description, amount: transactions.amount, currency: transactions.currency, accountId: transactions.accountId, categoryId: transactions.categoryId })
      .from(transactions)
      .where(and(
        eq(transactions.spaceId, spaceId),
        ne(transactions.status, "cancelled"),
        // Cash flows only, as on arrival: a transfer, a trade, an opening balance or an adjustment has no category by rule.
        notInArray(transactions.type, ["transfer", "trade"]),
        or(isNull(transactions.subtype), notInArray(transactions.subtype, ["opening_balance", "adjustment"])),
        or(isNull(transactions.categorySource), ne(transactions.categorySource, "manual")),
        // Paged in the order of the space's (date, id) index: by id alone, each page scanned and sorted every row of
        // the space (~0.16 s a page at 60,000 rows, 51 pages a run).
        after ? sql`(${transactions.date}, ${transactions.id}) > (${after.date}, ${after.id})` : undefined,
      ))
      .orderBy(asc(transactions.date), asc(transactions.id))
      .limit(PAGE);
    for (const t of rows) {
      // Checked before a row, so a call always makes progress and overshoots by at most one row's work (itself
      // bounded by the space's regex-state cap and the texts' lengths).
      if (meter.steps >= APPLY_RULES_STEP_BUDGET) {
        stoppedAfter = after;
        break;
      }
      evaluated++;
      meter.steps += APPLY_RULES_ROW_STEPS;
      const hit = firstMatch(rules, {
        merchantName: t.merchantName, description: t.description, amountMinor: Math.abs(t.amount),
        scale: CURRENCY_SCALES[t.currency as Currency] ?? 2, accountId: t.accountId,
      }, meter);
      after = { date: t.date, id: t.id };
      if (!hit) continue;
      matched++;
      if (hit.categoryId !== t.categoryId) changes.push({ transactionId: t.id, fromCategoryId: t.categoryId, toCategoryId: hit.categoryId, ruleId: hit.id });
    }
    if (stoppedAfter !== null || rows.length < PAGE) break;
  }
  if (!dryRun && changes.length > 0) {
    // Through the ledger, which re-checks "not manual" when it applies them (a hand edit since the scan wins),
    // posts the reclassifications and runs the budget alert check; only while the caller may still write in the live
    // space (asMemberServices): a deletion, removal or demotion meanwhile moves nothing and is answered as a request after it.
    await recategorize(asMemberServices(svc, auth, spaceId, "member"), spaceId, changes.map((c) => ({ transactionId: c.transactionId, categoryId: c.toCategoryId, categorySource: "rule" as const, unlessManual: true })));
  }
  return {
    dryRun, evaluated, matched, updated: dryRun ? 0 : changes.length, wouldUpdate: changes.length, changes: changes.slice(0, 100),
    hasMore: stoppedAfter !== null,
    ...(stoppedAfter !== null ? { next: await signCursor(scope, { afterDate: stoppedAfter.date, after: stoppedAfter.id, dryRun }) } : {}),
  };
}

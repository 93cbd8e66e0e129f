/**
 * apply-rules does a bounded amount of matching work a call. Twenty regex rules of `.?` ×99 then `#` (the space's
 * whole 4,000-state allowance) cost each transaction with long texts about 4.2 million NFA steps (~70 ms in
 * workerd); before, one call matched every eligible row, so ~500 rows took a request past the CPU limit. Now a
 * call stops at a row boundary past its budget and hands back a signed cursor that continues the run.
 *
 * The matcher's DFA cache now makes those rules cost about a step a character (60 such rows take one call, 24
 * before), so the budget is exercised with rules it cannot help: `a[ab]{77}#` over texts of random a's and b's
 * meets a new DFA state at nearly every character (the set of a's among the last 78), so each of its 50 rules
 * (the same 4,000 states) falls back to the NFA simulation, at about 2.5 million steps a row. What a call takes is
 * computed with the matcher itself, as the call meters it.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { compileSafeRegex } from "../../src/lib/safe-regex";
import { APPLY_RULES_ROW_STEPS, APPLY_RULES_STEP_BUDGET } from "../../src/modules/categories/service";
import { MAX_SPACE_REGEX_STATES } from "../../src/modules/categories/rule-budget";
import { compileRules, firstMatch, type RuleRow } from "../../src/modules/categories/rules";

const api = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
});

/** Seeded a's and b's: every row's texts differ, and none has a `#`, so every heavy rule scans both to the end and none matches. */
function ab(seed: number, length: number) {
  let x = seed >>> 0;
  let s = "";
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += x & 0x10000 ? "a" : "b";
  }
  return s;
}
/** Regex rules filling a space's 4,000 states, and texts of the longest lengths a transaction may have that none of them matches. */
interface Load {
  pattern: string;
  description: (i: number) => string;
  merchantName: (i: number) => string;
}
/** Rules the DFA cannot help: over random a's and b's, a new DFA state nearly every character. */
const HOSTILE: Load = {
  pattern: "a[ab]{77}#",
  description: (i) => `purchase ${i} ` + ab(2 * i + 1, 500).slice(`purchase ${i} `.length),
  merchantName: (i) => `shop ${i} ` + ab(2 * i + 2, 200).slice(`shop ${i} `.length),
};
/** The pen-test's rules: 4.2 million NFA steps a row; a few DFA states, so about a step a character once met. */
const DOTS: Load = {
  pattern: ".?".repeat(99) + "#",
  description: (i) => `purchase ${i} `.padEnd(500, "x"),
  merchantName: (i) => `shop ${i} `.padEnd(200, "y"),
};
const statesOf = (load: Load) => compileSafeRegex(load.pattern).stateCount;
const heavyRules = (load: Load) => Array.from({ length: Math.floor(MAX_SPACE_REGEX_STATES / statesOf(load)) }, (_, i) => ({ condition: "regex", value: load.pattern, priority: 100 + i }));
const PURCHASES = { condition: "description_contains", value: "purchase", priority: 1 };

/** A space with `n` uncategorized spends, then regex rules filling its 4,000 states that no row matches and, below them, a rule every row meets. */
async function world(n: number, load: Load) {
  const u = await registerUser();
  const a = api(u);
  const spaceId = (await createSpace(u)).id;
  const acc = await createAccount(u, spaceId, { openingBalance: 5000 });
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const made = await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) =>
      a.post("/v1/transactions", { spaceId, accountId: acc.id, date: "2024-03-01", amount: -1, description: load.description(i + j), merchantName: load.merchantName(i + j) })));
    for (const r of made) {
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.category).toBeNull();
      ids.push(r.body.id);
    }
  }
  const heavy = heavyRules(load);
  expect(heavy.length * statesOf(load)).toBe(MAX_SPACE_REGEX_STATES);
  const h = await a.post("/v1/categories", { spaceId, name: "Hash", type: "expense", rules: heavy });
  expect(h.status, JSON.stringify(h.body)).toBe(201);
  const p = await a.post("/v1/categories", { spaceId, name: "Purchases", type: "expense", rules: [PURCHASES] });
  expect(p.status).toBe(201);
  const text = new Map(ids.map((id, i) => [id, i])); // a row's text number, by its id
  return { a, spaceId, ids: ids.sort(), text, heavy: h.body.id as string, purchases: p.body.id as string, rule: p.body.rules[0].id as string };
}

/**
 * The rows each call evaluates, for rows in id order as their text numbers: each call compiles the rules afresh
 * (their DFA caches start empty) and, before each row, stops once it has spent the budget, as applyRules meters.
 */
function rowsPerCall(load: Load, order: number[], maxCalls = Infinity) {
  const rows: RuleRow[] = [...heavyRules(load), PURCHASES].map((c, i) => ({ id: `r${i}`, categoryId: "c", conditions: JSON.stringify([c]), priority: c.priority, createdAt: i }));
  const calls: number[] = [];
  for (let next = 0; next < order.length && calls.length < maxCalls;) {
    const rules = compileRules(rows);
    const meter = { steps: 0 };
    let evaluated = 0;
    for (; next < order.length && meter.steps < APPLY_RULES_STEP_BUDGET; next++, evaluated++) {
      const i = order[next]!;
      meter.steps += APPLY_RULES_ROW_STEPS;
      expect(firstMatch(rules, { merchantName: load.merchantName(i), description: load.description(i), amountMinor: 1, scale: 2, accountId: "x" }, meter)?.id).toBe(`r${rows.length - 1}`);
    }
    calls.push(evaluated);
  }
  return calls;
}

const byRowOf = (answers: any[]) => answers.flatMap((x) => x.changes.map((c: any) => c.transactionId));

/** Calls apply-rules until it is done; the answers in order. */
async function run(a: ReturnType<typeof api>, spaceId: string, dryRun: boolean) {
  const answers: any[] = [];
  let cursor: string | undefined;
  do {
    const r = await a.post("/v1/categories/apply-rules", { spaceId, dryRun, ...(cursor ? { cursor } : {}) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    answers.push(r.body);
    expect(answers.length).toBeLessThan(20);
    cursor = r.body.next;
  } while (answers[answers.length - 1].hasMore);
  return answers;
}

describe("apply-rules under the most regex rules a space may hold", () => {
  it("under rules the DFA cannot make cheap, stops each call within its budget and continues by cursor, dry and for real, each row once, as one call does for a small space", async () => {
    // Rows for three calls, the third short (estimated in creation order; the calls go in id order).
    const estimate = rowsPerCall(HOSTILE, Array.from({ length: 200 }, (_, i) => i), 1)[0]!;
    expect(estimate).toBeGreaterThan(10);
    const n = Math.floor(2.5 * estimate);
    const w = await world(n, HOSTILE);
    const byRow = byRowOf;
    const perCall = rowsPerCall(HOSTILE, w.ids.map((id) => w.text.get(id)!));
    expect(perCall).toHaveLength(3);

    const dry = await run(w.a, w.spaceId, true);
    expect(dry.map((x) => x.hasMore)).toEqual([true, true, false]);
    // Rows a call takes: it checks the budget before each row, so it stops at the first past it.
    expect(dry.map((x) => x.evaluated)).toEqual(perCall);
    expect(dry[2].next).toBeUndefined();
    for (const x of dry) expect(x).toMatchObject({ dryRun: true, updated: 0, matched: x.evaluated, wouldUpdate: x.evaluated });
    expect(byRow(dry)).toEqual(w.ids); // every row once, in order
    for (const c of dry.flatMap((x) => x.changes)) expect(c).toEqual({ transactionId: c.transactionId, fromCategoryId: null, toCategoryId: w.purchases, ruleId: w.rule });
    // Nothing moved.
    expect((await w.a.get(`/v1/transactions?spaceId=${w.spaceId}&categoryId=${w.purchases}&limit=200`)).body.transactions).toHaveLength(0);

    // A cursor is the run's and the space's own: altered, another space's or continued with the other dryRun, it is refused.
    const other = await world(0, HOSTILE);
    const cursor = dry[0].next as string;
    const [body, mac] = cursor.split(".");
    const forged = btoa(JSON.stringify({ after: "txn_", dryRun: true })).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    for (const [spaceId, bad, dryRun, code] of [
      [w.spaceId, `${forged}.${mac}`, true, "INVALID_CURSOR"],
      [w.spaceId, `${body}.${mac!.replace(/^./, (c) => (c === "0" ? "1" : "0"))}`, true, "INVALID_CURSOR"],
      [w.spaceId, "not-a-cursor", true, "INVALID_CURSOR"],
      [other.spaceId, cursor, true, "INVALID_CURSOR"],
      [w.spaceId, cursor, false, "CURSOR_CONFLICT"],
    ] as const) {
      const r = await (spaceId === w.spaceId ? w.a : other.a).post("/v1/categories/apply-rules", { spaceId, dryRun, cursor: bad });
      expect(r.status, `${bad.slice(0, 20)} ${dryRun}`).toBe(422);
      expect(r.body.error.details[0].code).toBe(code);
    }

    const real = await run(w.a, w.spaceId, false);
    expect(real.map((x) => x.evaluated)).toEqual(perCall);
    expect(real.map((x) => x.updated)).toEqual(real.map((x) => x.evaluated));
    expect(byRow(real)).toEqual(w.ids);
    const filed = (await w.a.get(`/v1/transactions?spaceId=${w.spaceId}&categoryId=${w.purchases}&limit=200`)).body.transactions;
    expect(filed.map((t: any) => t.id).sort()).toEqual(w.ids);
    expect(filed.every((t: any) => t.categorySource === "rule")).toBe(true);
    // Run again: every row evaluated once more, none changes.
    const again = await run(w.a, w.spaceId, false);
    expect(again.reduce((s, x) => s + x.evaluated, 0)).toBe(n);
    expect(again.reduce((s, x) => s + x.wouldUpdate, 0)).toBe(0);

    // The same rules over a space small enough for one call: one answer, the same outcome per row.
    const small = await world(3, HOSTILE);
    const one = await run(small.a, small.spaceId, false);
    expect(one).toEqual([expect.objectContaining({ evaluated: 3, matched: 3, updated: 3, hasMore: false })]);
    expect(one[0].next).toBeUndefined();
    expect(byRow(one)).toEqual(small.ids);
    expect(one[0].changes.every((c: any) => c.toCategoryId === small.purchases && c.ruleId === small.rule)).toBe(true);
  }, 180_000);

  it("runs the pen-test's rules (20 of `.?` ×99 then `#`) at about a step a character: 60 long rows in one call, 24 on the NFA alone", async () => {
    const n = 60;
    const w = await world(n, DOTS);
    const perCall = rowsPerCall(DOTS, w.ids.map((id) => w.text.get(id)!));
    expect(perCall).toEqual([n]);
    // On the NFA alone a row cost 20 rules' simulation of both texts: 24 rows a call.
    const nfa = { steps: 0 };
    const re = compileSafeRegex(DOTS.pattern);
    re.testNfa(DOTS.merchantName(0), nfa);
    re.testNfa(DOTS.description(0), nfa);
    expect(Math.ceil(APPLY_RULES_STEP_BUDGET / (heavyRules(DOTS).length * nfa.steps + 1 + 500 + "purchase".length + APPLY_RULES_ROW_STEPS))).toBe(24);
    const answers = await run(w.a, w.spaceId, false);
    expect(answers).toEqual([expect.objectContaining({ evaluated: n, matched: n, updated: n, hasMore: false })]);
    expect(byRowOf(answers)).toEqual(w.ids);
  }, 180_000);
});

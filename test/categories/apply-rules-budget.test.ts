/**
 * apply-rules does a bounded amount of matching work a call. Twenty regex rules of `.?` ×99 then `#` (the space's
 * whole 4,000-state allowance) cost each transaction with long texts about 4.2 million matching steps (~70 ms in
 * workerd); before, one call matched every eligible row, so ~500 rows took a request past the CPU limit. Now a
 * call stops at a row boundary past its budget and hands back a signed cursor that continues the run.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { compileSafeRegex } from "../../src/lib/safe-regex";
import { APPLY_RULES_ROW_STEPS, APPLY_RULES_STEP_BUDGET, MAX_SPACE_REGEX_STATES } from "../../src/modules/categories/service";

const api = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
});

const HEAVY = ".?".repeat(99) + "#";
// Longest texts a transaction may have, with no `#`: every heavy rule scans both to the end, and none matches.
const description = (i: number) => `purchase ${i} `.padEnd(500, "x");
const merchantName = (i: number) => `shop ${i} `.padEnd(200, "y");

/** A space with `n` uncategorized spends, then the heaviest regex rules it may hold and, below them, a rule every row meets. */
async function world(n: number) {
  const u = await registerUser();
  const a = api(u);
  const spaceId = (await createSpace(u)).id;
  const acc = await createAccount(u, spaceId, { openingBalance: 5000 });
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const made = await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) =>
      a.post("/v1/transactions", { spaceId, accountId: acc.id, date: "2024-03-01", amount: -1, description: description(i + j), merchantName: merchantName(i + j) })));
    for (const r of made) {
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.category).toBeNull();
      ids.push(r.body.id);
    }
  }
  const states = compileSafeRegex(HEAVY).stateCount;
  const heavy = Array.from({ length: Math.floor(MAX_SPACE_REGEX_STATES / states) }, (_, i) => ({ condition: "regex", value: HEAVY, priority: 100 + i }));
  expect(heavy.length * states).toBe(MAX_SPACE_REGEX_STATES);
  const h = await a.post("/v1/categories", { spaceId, name: "Hash", type: "expense", rules: heavy });
  expect(h.status, JSON.stringify(h.body)).toBe(201);
  const p = await a.post("/v1/categories", { spaceId, name: "Purchases", type: "expense", rules: [{ condition: "description_contains", value: "purchase", priority: 1 }] });
  expect(p.status).toBe(201);
  return { a, spaceId, ids: ids.sort(), heavy: h.body.id as string, purchases: p.body.id as string, rule: p.body.rules[0].id as string };
}

/** What one row costs the run: the heavy rules scanning both texts, the contains rule, and the row itself. */
function rowSteps() {
  const re = compileSafeRegex(HEAVY);
  const meter = { steps: 0 };
  re.test(merchantName(0), meter);
  re.test(description(0), meter);
  return 20 * meter.steps + (1 + 500 + "purchase".length) + APPLY_RULES_ROW_STEPS;
}

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

describe("apply-rules under the heaviest rules a space may hold", () => {
  it("stops each call within its budget and continues by cursor, dry and for real, each row once, as one call does for a small space", async () => {
    const n = 60;
    const w = await world(n);
    const byRow = (answers: any[]) => answers.flatMap((x) => x.changes.map((c: any) => c.transactionId));

    const dry = await run(w.a, w.spaceId, true);
    expect(dry.map((x) => x.hasMore)).toEqual([true, true, false]);
    // Rows a call takes: it checks the budget before each row, so it stops at the first past it (24 here).
    const perCall = Math.ceil(APPLY_RULES_STEP_BUDGET / rowSteps());
    expect(perCall).toBeGreaterThan(n / 3);
    expect(perCall).toBeLessThan(n / 2);
    expect(dry.map((x) => x.evaluated)).toEqual([perCall, perCall, n - 2 * perCall]);
    expect(dry[2].next).toBeUndefined();
    for (const x of dry) expect(x).toMatchObject({ dryRun: true, updated: 0, matched: x.evaluated, wouldUpdate: x.evaluated });
    expect(byRow(dry)).toEqual(w.ids); // every row once, in order
    for (const c of dry.flatMap((x) => x.changes)) expect(c).toEqual({ transactionId: c.transactionId, fromCategoryId: null, toCategoryId: w.purchases, ruleId: w.rule });
    // Nothing moved.
    expect((await w.a.get(`/v1/transactions?spaceId=${w.spaceId}&categoryId=${w.purchases}&limit=200`)).body.transactions).toHaveLength(0);

    // A cursor is the run's and the space's own: altered, another space's or continued with the other dryRun, it is refused.
    const other = await world(0);
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
    expect(real.map((x) => x.evaluated)).toEqual([perCall, perCall, n - 2 * perCall]);
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
    const small = await world(3);
    const one = await run(small.a, small.spaceId, false);
    expect(one).toEqual([expect.objectContaining({ evaluated: 3, matched: 3, updated: 3, hasMore: false })]);
    expect(one[0].next).toBeUndefined();
    expect(byRow(one)).toEqual(small.ids);
    expect(one[0].changes.every((c: any) => c.toCategoryId === small.purchases && c.ruleId === small.rule)).toBe(true);
  }, 180_000);
});

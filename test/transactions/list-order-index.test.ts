/**
 * A transaction page is read in index order (migration 0016): no temporary B-tree sorts the rows that
 * share its dates, which made every page of a space whose rows share a day sort all of them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { accessGuard } from "../../src/modules/spaces/access";
import { pageSql } from "../../src/modules/transactions/list";
import { guardedValue } from "../../src/lib/sql";

/** The page's plan, its space (and account) named through the caller's access as the list names them. */
async function plan(where: string, params: (string | number)[]) {
  const space = guardedValue("spc_x", accessGuard("spc_x", "usr_x", Date.now()));
  const account = guardedValue("acc_x", { sql: `${space.sql} IS NOT NULL`, params: space.params });
  const named = where.replace("t.space_id = ?", `t.space_id = ${space.sql}`).replace("t.account_id = ?", `t.account_id = ${account.sql}`);
  const bound = params.flatMap((p) => (p === "spc_x" ? space.params : p === "acc_x" ? account.params : [p]));
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${pageSql(named)}`)
    .bind(...bound, 50, 0)
    .all<{ detail: string }>();
  return rows.results.map((r) => r.detail);
}

describe("transaction page query plan", () => {
  it("reads a space's page from its index in order, with no sort", async () => {
    const steps = await plan("t.space_id = ?", ["spc_x"]);
    expect(steps.some((s) => s.includes("transactions_space_date_id_idx"))).toBe(true);
    expect(steps.filter((s) => s.includes("TEMP B-TREE"))).toEqual([]);
  });

  it("reads an account's page in order too, with no sort", async () => {
    const steps = await plan("t.space_id = ? AND t.account_id = ?", ["spc_x", "acc_x"]);
    expect(steps.some((s) => s.includes("transactions_account_date_id_idx"))).toBe(true);
    expect(steps.filter((s) => s.includes("TEMP B-TREE"))).toEqual([]);
  });

  it("reads a category's page in order too, with no sort", async () => {
    const steps = await plan("t.space_id = ? AND t.category_id = ?", ["spc_x", "cat_x"]);
    expect(steps.some((s) => s.includes("transactions_space_category_date_id_idx")), steps.join(" | ")).toBe(true);
    expect(steps.filter((s) => s.includes("TEMP B-TREE"))).toEqual([]);
  });

  it("does the same with a date range", async () => {
    const steps = await plan("t.space_id = ? AND t.date >= ? AND t.date < ?", ["spc_x", 0, Date.now()]);
    expect(steps.filter((s) => s.includes("TEMP B-TREE"))).toEqual([]);
  });
});

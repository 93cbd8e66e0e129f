/**
 * A transaction page is read in index order (migration 0016): no temporary B-tree sorts the rows that
 * share its dates, which made every page of a space whose rows share a day sort all of them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { membershipParams } from "../../src/modules/spaces/access";
import { pageSql } from "../../src/modules/transactions/list";

async function plan(where: string, params: (string | number)[]) {
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${pageSql(where)}`)
    .bind(...membershipParams("spc_x", "usr_x", Date.now()), ...params, 50, 0)
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

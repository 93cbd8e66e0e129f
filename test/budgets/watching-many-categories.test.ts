/**
 * The read of the budgets watching a write's categories (alerts.ts `watchingBudgetsRead`) binds the categories as one
 * JSON value: a sync touching more categories than D1's 100 bound parameters still finds the budget.
 */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { watchingBudgetsRead } from "../../src/modules/budgets/alerts";
import { callJson, createSpace, registerUser } from "../helpers";

it("finds the budget watching one of 150 categories in one statement", async () => {
  const owner = await registerUser();
  const spaceId = (await createSpace(owner)).id as string;
  const as = { token: owner.accessToken, ip: owner.ip };
  const category = (await callJson("/v1/categories", { ...as, body: { spaceId, name: "Groceries here", type: "expense" } })).body.id as string;
  const budget = await callJson("/v1/budgets", { ...as, body: { spaceId, name: "Food", amount: "100.00", period: "monthly", startDate: "2026-01-01", categoryIds: [category] } });
  expect(budget.status, JSON.stringify(budget.body)).toBe(201);
  const ids = [...Array.from({ length: 149 }, (_, i) => `cat_missing_${i}`), category];
  const read = watchingBudgetsRead(spaceId, ids)!;
  expect(read.params.length).toBeLessThan(100);
  const rows = (await env.DB.prepare(read.sql).bind(...read.params).all<{ id: string }>()).results;
  expect(rows.map((r) => r.id)).toEqual([budget.body.id]);
});

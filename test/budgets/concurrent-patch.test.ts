/**
 * PATCHes of one budget at once: each applies to the budget as the others left it. A whole-row write of the row each
 * had read put back what another had just changed (a new amount or alert threshold lost), and the rules across fields
 * (allocations within the amount) were checked against a row that was no longer there.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import type { ApiError } from "../../src/lib/errors";
import { updateBudget } from "../../src/modules/budgets/service";
import { latestSessionId } from "../transactions/guard-helpers";
import { spaceWithCategories } from "./helpers";


describe("PATCH /v1/budgets/{id} at once with other PATCHes", () => {
  it("keeps a new amount, a new name and a new alert threshold sent together", { timeout: 120_000 }, async () => {
    const { a, spaceId } = await spaceWithCategories();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await a.post("/v1/budgets", { spaceId, name: `Food ${i}`, amount: "100.00", period: "monthly" })).body.id);
    const answers = await Promise.all(ids.flatMap((id, i) => [
      a.patch(`/v1/budgets/${id}`, { amount: "250.00" }),
      a.patch(`/v1/budgets/${id}`, { name: `Groceries ${i}` }),
      a.patch(`/v1/budgets/${id}`, { alertThreshold: 50 }),
    ]));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    for (const [i, id] of ids.entries()) {
      const b = (await a.get(`/v1/budgets/${id}`)).body;
      expect({ name: b.name, amount: b.amountDecimal, threshold: b.alerts.threshold }).toEqual({ name: `Groceries ${i}`, amount: "250.00", threshold: 50 });
    }
  });

  it("checks the rules across fields against the budget another PATCH left: never allocations over the amount", { timeout: 120_000 }, async () => {
    const { u, a, spaceId, cat } = await spaceWithCategories();
    const food = cat("Food & Dining");
    const b = (await a.post("/v1/budgets", { spaceId, name: "Home", amount: "500.00", period: "monthly", categories: [{ categoryId: food, allocated: "100.00" }] })).body;
    // The PATCH lowering the amount to 150.00 (fine with 100.00 allocated) reads the budget and its links; before it
    // writes, another allocates 400.00 (fine under 500.00) and lands.
    let other: Awaited<ReturnType<typeof a.patch>> | undefined;
    const writes = new WeakSet<object>();
    const racing: D1Database = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare") {
          return (sql: string) => {
            const stmt = target.prepare(sql);
            if (!/^update "budgets"/i.test(sql.trimStart())) return stmt;
            return new Proxy(stmt, {
              get(st, p2) {
                if (p2 === "bind") return (...args: unknown[]) => { const bound = st.bind(...args); writes.add(bound); return bound; };
                const v = Reflect.get(st, p2);
                return typeof v === "function" ? v.bind(st) : v;
              },
            });
          };
        }
        if (prop === "batch") {
          return async (stmts: D1PreparedStatement[]) => {
            if (!other && stmts.some((x) => writes.has(x))) other = await a.patch(`/v1/budgets/${b.id}`, { categories: [{ categoryId: food, allocated: "400.00" }] });
            return target.batch(stmts);
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const svc: Services = { env: { ...env, DB: racing }, db: createDb(racing), clock: { now: () => Date.now() } };
    const auth = { userId: u.id, sessionId: await latestSessionId(u.id), email: u.email, twoFactorEnabled: false, stepUpAt: null };
    const lower = await updateBudget(svc, auth, b.id, { amount: "150.00" }).then(() => 200, (e: ApiError) => e.status);
    expect(other?.status).toBe(200);
    // Applied again to the budget as the allocation left it: 400.00 allocated is over 150.00.
    expect(lower).toBe(422);
    const stored = (await a.get(`/v1/budgets/${b.id}`)).body;
    expect([stored.amountDecimal, stored.categories[0].allocatedDecimal]).toEqual(["500.00", "400.00"]);
  });
});

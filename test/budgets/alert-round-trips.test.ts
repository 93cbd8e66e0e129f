/**
 * A write into a budgeted category checks the budgets that watch it after the commit. Their rows come
 * with the write's batch (with their categories and the space's zone); every watching budget's spending,
 * and whether its period's alert is already out, are then read in one round trip, and the alert is
 * written only the first time. It used to take two more round trips before the spending (the zone, the
 * categories), one spending read a budget, and an insert and a read on every write once the alert was out.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";

const THRESHOLD_EVENT = "budget.alert.threshold_exceeded";

describe("a write into a budgeted category", () => {
  it("reads every watching budget's spending in one round trip, and writes the alert once", async () => {
    const u = await registerUser();
    const space = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "Home", type: "personal", currency: "USD", timezone: "America/Mexico_City" } });
    expect(space.status).toBe(201);
    const spaceId = space.body.id as string;
    const acc = await createAccount(u, spaceId, { openingBalance: "1000.00" });
    const cats = (await callJson(`/v1/categories?spaceId=${spaceId}`, { token: u.accessToken, ip: u.ip })).body as { id: string; name: string }[];
    const groceries = cats.find((c) => c.name === "Groceries")!.id;
    const budget = (body: object) => callJson("/v1/budgets", { token: u.accessToken, ip: u.ip, body: { spaceId, period: "monthly", categoryIds: [groceries], ...body } });
    const small = await budget({ name: "Groceries", amount: "100.00", alertThreshold: 80 });
    const large = await budget({ name: "Food", amount: "1000.00", alertThreshold: 80 });
    expect([small.status, large.status]).toEqual([201, 201]);
    const alerts = async () =>
      (await env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = ?").bind(spaceId, THRESHOLD_EVENT).all<{ payload: string }>())
        .results.map((r) => JSON.parse(r.payload));

    const { post } = countingApp();
    const spend = (amount: string) => post(u, "/v1/transactions", { spaceId, accountId: acc.id, amount, description: "shop", categoryId: groceries, date: new Date().toISOString() });
    // The first write of this writer reads its checks in a round trip of its own; later ones carry them to the ledger.
    const first = await spend("-10.00");
    expect(first.status).toBe(201);
    expect(first.trips).toBe(2);

    const below = await spend("-5.00");
    expect(below.status).toBe(201);
    expect(below.trips).toBe(1);
    expect(await alerts()).toEqual([]);

    // Past 80% of the small budget (85.00 of 100.00): its alert is written, the large budget's is not.
    const crossing = await spend("-70.00");
    expect(crossing.status).toBe(201);
    expect(crossing.trips).toBe(2);
    expect(await alerts()).toEqual([expect.objectContaining({ budgetId: small.body.id, currentSpentDecimal: "85.00", budgetAmountDecimal: "100.00", threshold: 80 })]);

    // Already out for this period: read, not written again.
    const after = await spend("-1.00");
    expect(after.status).toBe(201);
    expect(after.trips).toBe(1);
    expect(await alerts()).toHaveLength(1);

    // A category no budget watches: nothing after the commit.
    const other = cats.find((c) => c.name === "Entertainment")!.id;
    const unwatched = await post(u, "/v1/transactions", { spaceId, accountId: acc.id, amount: "-3.00", description: "film", categoryId: other, date: new Date().toISOString() });
    expect(unwatched.status).toBe(201);
    expect(unwatched.trips).toBe(0);

    // The large budget crosses too (800.00 of 1,000.00 with the 86.00 above): its own alert, once.
    const big = await spend("-714.00");
    expect(big.status).toBe(201);
    expect(big.trips).toBe(2);
    const all = await alerts();
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ budgetId: large.body.id, currentSpentDecimal: "800.00", budgetAmountDecimal: "1000.00" });
  });
});

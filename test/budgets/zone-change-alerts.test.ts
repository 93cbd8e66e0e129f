/**
 * A change of a space's time zone moves the days its budgets' periods hold. An alert that the new days make due
 * is written when the zone changes, not left for the space's next write.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";

const THRESHOLD_EVENT = "budget.alert.threshold_exceeded";

afterEach(() => {
  vi.useRealTimers();
});

describe("a space's time zone change", () => {
  it("checks its budgets' alerts over the periods in the new zone", async () => {
    // Mid-March in every zone; the expense is on the last evening of February in UTC, 1 March in Kolkata.
    vi.setSystemTime(Date.parse("2026-03-15T12:00:00Z"));
    const u = await registerUser();
    const api = userApi(u);
    const space = await api.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "UTC" });
    expect(space.status).toBe(201);
    const spaceId = space.body.id as string;
    const acc = await createAccount(u, spaceId, { openingBalance: "1000.00" });
    const groceries = ((await api.get(`/v1/categories?spaceId=${spaceId}`)).body as { id: string; name: string }[]).find((c) => c.name === "Groceries")!.id;
    const budget = await api.post("/v1/budgets", { spaceId, name: "Groceries", amount: "100.00", period: "monthly", categoryIds: [groceries], alertThreshold: 80 });
    expect(budget.status).toBe(201);
    const spent = await api.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-90.00", description: "shop", categoryId: groceries, date: "2026-02-28T23:00:00Z" });
    expect(spent.status).toBe(201);
    const alerts = async () =>
      (await env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = ?").bind(spaceId, THRESHOLD_EVENT).all<{ payload: string }>()).results.map((r) => JSON.parse(r.payload));
    expect(await alerts()).toEqual([]);
    expect((await api.get(`/v1/budgets/${budget.body.id}`)).body.spent).toBe(0);

    expect((await api.patch(`/v1/spaces/${spaceId}`, { timezone: "Asia/Kolkata" })).status).toBe(200);
    expect((await api.get(`/v1/budgets/${budget.body.id}`)).body.spent).toBe(90);
    expect(await alerts()).toEqual([expect.objectContaining({ budgetId: budget.body.id, currentSpentDecimal: "90.00", budgetAmountDecimal: "100.00" })]);
    // Renaming the space checks nothing again, and the alert is not written twice.
    expect((await api.patch(`/v1/spaces/${spaceId}`, { timezone: "Asia/Kolkata", name: "Casa" })).status).toBe(200);
    expect(await alerts()).toHaveLength(1);
  });
});

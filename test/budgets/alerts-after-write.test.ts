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
import type { Services } from "../../src/env";
import { checkBudgetAlerts } from "../../src/modules/budgets/alerts";

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
    // Given no threshold, a budget alerts at the default 80% (it used to never alert, though shown as enabled).
    const small = await budget({ name: "Groceries", amount: "100.00" });
    expect(small.body.alerts).toEqual({ threshold: 80, enabled: true });
    const large = await budget({ name: "Food", amount: "1000.00", alertThreshold: 80 });
    expect([small.status, large.status]).toEqual([201, 201]);
    const alerts = async () =>
      (await env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = ? ORDER BY created_at, id").bind(spaceId, THRESHOLD_EVENT).all<{ payload: string }>())
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

  it("checks each budget's period in the space's zone, counts a subcategory toward its parent, and leaves alone a budget with alerts off or a period over", async () => {
    const u = await registerUser();
    const api = (path: string, body?: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body });
    const spaceId = (await api("/v1/spaces", { name: "Casa", type: "personal", currency: "USD", timezone: "America/Mexico_City" })).body.id as string;
    const acc = await createAccount(u, spaceId, { openingBalance: "1000.00" });
    const household = await api("/v1/categories", { spaceId, name: "Household", type: "expense" });
    const produce = await api("/v1/categories", { spaceId, name: "Cleaning", type: "expense", parentId: household.body.id });
    expect([household.status, produce.status], JSON.stringify(produce.body)).toEqual([201, 201]);
    const budget = async (body: object) => {
      const r = await api("/v1/budgets", { spaceId, amount: "100.00", period: "monthly", categoryIds: [household.body.id], alertThreshold: 80, startDate: "2026-01-01", ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const watched = await budget({ name: "Household" });
    await budget({ name: "Muted", alertsEnabled: false });
    await budget({ name: "Over", endDate: "2026-01-15" });
    // The last day of January in Mexico City, in the subcategory; checked at its write against today's period (nothing).
    const t = await api("/v1/transactions", { spaceId, accountId: acc.id, amount: "-90.00", description: "market", categoryId: produce.body.id, date: "2026-01-31" });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    const outbox = () => env.DB.prepare("SELECT dedupe_key, payload FROM event_outbox WHERE space_id = ? AND type = ?").bind(spaceId, THRESHOLD_EVENT).all<{ dedupe_key: string; payload: string }>();
    expect((await outbox()).results).toEqual([]);

    // 2026-02-01T03:00Z is still 31 January in Mexico City (UTC−6): January's period, which holds the 90.00.
    // In UTC it would be February's, which holds nothing.
    const at = (ms: number) => ({ env, clock: { now: () => ms } }) as unknown as Services;
    expect(await checkBudgetAlerts(at(Date.UTC(2026, 1, 1, 3)), spaceId, [produce.body.id])).toBe(1);
    const [alert] = (await outbox()).results;
    expect(alert!.dedupe_key).toBe(`${THRESHOLD_EVENT}:${watched}:2026-01-01`);
    expect(JSON.parse(alert!.payload)).toMatchObject({ budgetId: watched, currentSpentDecimal: "90.00", periodStart: "2026-01-01", periodEnd: "2026-01-31" });
    // Once out, never again for that period; and in Mexico City's February nothing has been spent.
    expect(await checkBudgetAlerts(at(Date.UTC(2026, 1, 1, 4)), spaceId, [produce.body.id])).toBe(0);
    expect(await checkBudgetAlerts(at(Date.UTC(2026, 1, 1, 7)), spaceId, [produce.body.id])).toBe(0);
    expect((await outbox()).results).toHaveLength(1);
  });
});

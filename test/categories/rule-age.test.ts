/**
 * Rules of equal priority run oldest first. Saving a category's rules again keeps the age of each rule saved as it was:
 * renewed by every save, Shopping's "amazon" lost Amazon Prime to Subscriptions' newer "amazon prime" as soon as
 * Shopping got an unrelated rule, and nothing told the household why their purchases moved.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSpace, registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";

/** Rules saved in separate milliseconds have distinct ages (created_at is the save's instant). */
const nextMillisecond = () => new Promise((r) => setTimeout(r, 5));

describe("saving a category's rules again", () => {
  it("keeps an unchanged rule's place among overlapping rules of equal priority", async () => {
    const u = await registerUser();
    const a = userApi(u);
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 1000 });
    const create = async (name: string, rules: unknown[]) => {
      const r = await a.post("/v1/categories", { spaceId: space.id, name, type: "expense", rules });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const shopping = await create("Shop", [{ condition: "merchant_contains", value: "amazon" }]);
    await nextMillisecond();
    const subs = await create("Subs", [{ condition: "merchant_contains", value: "amazon prime" }]);
    const filed = async () => {
      const t = await a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, date: "2024-03-01", amount: -15, description: "membership", merchantName: "AMAZON PRIME" });
      expect(t.status).toBe(201);
      return t.body.category?.id;
    };
    expect(await filed()).toBe(shopping);
    await nextMillisecond();
    // Shopping gets another rule; its "amazon" rule is sent as it was.
    const patched = await a.patch(`/v1/categories/${shopping}`, { rules: [{ condition: "merchant_contains", value: "amazon" }, { condition: "merchant_contains", value: "target" }] });
    expect(patched.status).toBe(200);
    expect(await filed()).toBe(shopping);
    // Its default priority written out, or the rules in another order, it is the same rule.
    await nextMillisecond();
    expect((await a.patch(`/v1/categories/${shopping}`, { rules: [{ condition: "merchant_contains", value: "amazon", priority: 0 }, { condition: "merchant_contains", value: "amazon mktp" }] })).status).toBe(200);
    expect(await filed()).toBe(shopping);
    expect((await a.patch(`/v1/categories/${shopping}`, { rules: [{ condition: "merchant_contains", value: "amazon.com" }, { condition: "merchant_contains", value: "amazon" }] })).status).toBe(200);
    expect(await filed()).toBe(shopping);
    // Changed, it is a new rule: the older one of the other category now comes first.
    await nextMillisecond();
    expect((await a.patch(`/v1/categories/${shopping}`, { rules: [{ condition: "merchant_contains", value: "amazo" }] })).status).toBe(200);
    expect(await filed()).toBe(subs);
  });
});

describe("rules saved in the same millisecond", () => {
  afterEach(() => vi.useRealTimers());

  it("an unchanged rule saved again keeps its place before another category's rule of the same age", async () => {
    const u = await registerUser();
    const a = userApi(u);
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id, { openingBalance: 1000 });
    // Two categories saved in one millisecond (two requests at once, or a Worker's clock that advances only on I/O).
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now());
    const create = async (name: string, rules: unknown[]) => {
      const r = await a.post("/v1/categories", { spaceId: space.id, name, type: "expense", rules });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const shopping = await create("Shop", [{ condition: "merchant_contains", value: "amazon" }]);
    const subs = await create("Subs", [{ condition: "merchant_contains", value: "amazon prime" }]);
    let n = 0;
    const filed = async () => {
      const t = await a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, date: "2024-03-01", amount: -15, description: `membership ${n++}`, merchantName: "AMAZON PRIME" });
      expect(t.status).toBe(201);
      return t.body.category?.id as string;
    };
    // Of equal priority and age, one of the two comes first (by id); re-saving it as it was keeps it first.
    const first = await filed();
    expect([shopping, subs]).toContain(first);
    const value = first === shopping ? "amazon" : "amazon prime";
    vi.setSystemTime(Date.now() + 60_000);
    const patched = await a.patch(`/v1/categories/${first}`, { rules: [{ condition: "merchant_contains", value }, { condition: "merchant_contains", value: "target" }] });
    expect(patched.status).toBe(200);
    expect(await filed()).toBe(first);
  });
});

/**
 * The forecast's estimate of the rest leaves one-offs out (one-offs.ts): a car bought for 12,000.00 from checking,
 * among a card's groceries, used to become 933.33 of spending projected every week (12,000 / 90 × 7). Each space
 * here has the same groceries; its forecast is compared with its twin's without the large purchase, to the cent.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

const TZ = "America/Mexico_City";
/** Groceries at five shops on irregular days: no series, so all of them are the estimate's. */
const GROCERIES = Array.from({ length: 24 }, (_, i) => ({ day: -2 - ((i * 37) % 85), amount: `-${60 + ((i * 13) % 50)}.${String((i * 7) % 100).padStart(2, "0")}`, shop: ["Soriana", "Chedraui", "La Comer", "Oxxo", "Walmart"][i % 5]! }));

async function space(owner: TestUser, extra: { amount: string; description: string; day: number }[]) {
  const a = api(owner);
  const { day } = localDays(TZ);
  const id = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "USD", timezone: TZ }))).id;
  const checking = (await createAccount(owner, id, { name: "Checking", openingBalance: "20000.00" })).id;
  const card = (await createAccount(owner, id, { name: "Card", type: "credit_card" })).id;
  for (const g of GROCERIES) await ok(a.post("/v1/transactions", { spaceId: id, accountId: card, amount: g.amount, date: day(g.day), description: g.shop }));
  for (const x of extra) await ok(a.post("/v1/transactions", { spaceId: id, accountId: checking, amount: x.amount, date: day(x.day), description: x.description }));
  const f = await a.get(`/v1/analytics/forecast?spaceId=${id}`);
  expect(f.status, JSON.stringify(f.body)).toBe(200);
  return { body: f.body, checking };
}

let owner: TestUser;
beforeAll(async () => {
  owner = await registerUser();
});

describe("the forecast's one-offs", () => {
  it("leaves a car bought from checking out of the estimate, as the twin without it, and says so", { timeout: 60_000 }, async () => {
    const { day } = localDays(TZ);
    const plain = await space(owner, []);
    const car = await space(owner, [{ amount: "-12000.00", description: "Toyota Dealer", day: -30 }]);
    expect(car.body.summary.totalProjectedExpensesDecimal).toBe(plain.body.summary.totalProjectedExpensesDecimal);
    expect(car.body.forecast.map((w: any) => w.projectedExpensesDecimal)).toEqual(plain.body.forecast.map((w: any) => w.projectedExpensesDecimal));
    // The checking account's balance is 12,000.00 lower now, and projected from there with nothing of the car.
    const acc = car.body.accounts.find((x: any) => x.accountId === car.checking);
    expect(acc).toMatchObject({ currentBalanceDecimal: "8000.00", projectedBalanceDecimal: "8000.00" });
    expect(car.body.notes).toContain(`Left out of the estimate as one-offs in the last 90 days, far above the usual flows: Toyota Dealer -12000.00 USD on ${day(-30)}`);
    expect(car.body.method).toContain("one-offs left out");
    expect(plain.body.notes.some((n: string) => n.startsWith("Left out"))).toBe(false);
  });

  it("keeps a large but ordinary purchase, and a large one with nothing to compare it with", { timeout: 60_000 }, async () => {
    const plain = await space(owner, []);
    // 450.00 among groceries of 60 to 110: under ten times their median, so it is spending like theirs.
    const tv = await space(owner, [{ amount: "-450.00", description: "Liverpool", day: -12 }]);
    const rest = (b: any) => Math.round(Number(b.summary.totalProjectedExpensesDecimal) * 100);
    // 60 days of 45000/90 cents a day: 300.00 more.
    expect(rest(tv.body) - rest(plain.body)).toBe(30000);
    expect(tv.body.notes.some((n: string) => n.startsWith("Left out"))).toBe(false);

    // An income with no other income to compare with: nothing says it is unusual, so it stays.
    const sale = await space(owner, [{ amount: "9000.00", description: "Car sale", day: -20 }]);
    expect(sale.body.summary.totalProjectedIncomeDecimal).toBe("6000.00");
  });
});

/**
 * The forecast's estimate of the rest leaves one-offs out (one-offs.ts): a car bought for 12,000.00 from checking,
 * among a card's groceries, used to become 933.33 of spending projected every week (12,000 / 90 × 7). Each space
 * here has the same groceries; its forecast is compared with its twin's without the large purchase, to the cent.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { registerUser, type TestUser, awayFromMidnight } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

const TZ = "America/Mexico_City";
/** Shops, one purchase each: no merchant repeats, so no series takes any of them and all are the estimate's. */
const SHOPS = ["Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett", "Kilo", "Lima", "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo", "Sierra", "Tango", "Uniform", "Victor", "Whiskey", "Xray"];
const GROCERIES = SHOPS.map((name, i) => ({ day: -2 - ((i * 37) % 85), amount: `-${60 + ((i * 13) % 50)}.${String((i * 7) % 100).padStart(2, "0")}`, shop: `Tienda ${name}` }));

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
    expect(car.body.notes).toContain(`Left out of the estimate as one-off purchases, each far above the last 90 days' other spending: Toyota Dealer -12000.00 USD on ${day(-30)}`);
    expect(car.body.method).toContain("one-off purchases left out");
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

    // Income is never set aside: a car's sale, and a freelancer's three clients far above the interest credits.
    const sale = await space(owner, [{ amount: "9000.00", description: "Car sale", day: -20 }]);
    expect(sale.body.summary.totalProjectedIncomeDecimal).toBe("6000.00");
    const freelancer = await space(owner, [
      { amount: "5000.00", description: "Client A", day: -70 }, { amount: "4000.00", description: "Client B", day: -40 }, { amount: "6000.00", description: "Client C", day: -10 },
      { amount: "5.00", description: "Interest Alfa", day: -60 }, { amount: "5.00", description: "Interest Bravo", day: -30 }, { amount: "5.00", description: "Interest Charlie", day: -1 },
    ]);
    // 15,015.00 over 90 days, for 60: 10,010.00.
    expect(freelancer.body.summary.totalProjectedIncomeDecimal).toBe("10010.00");

    // Three suppliers of like size among the groceries: none stands alone, so all are the spending to expect.
    const suppliers = await space(owner, [
      { amount: "-3000.00", description: "Supplier A", day: -75 }, { amount: "-2500.00", description: "Supplier B", day: -45 }, { amount: "-3500.00", description: "Supplier C", day: -15 },
    ]);
    // 9,000.00 more over 90 days, for 60: 6,000.00.
    expect(rest(suppliers.body) - rest(plain.body)).toBe(600000);
    expect(suppliers.body.notes.some((n: string) => n.startsWith("Left out"))).toBe(false);
  });

  it("sets nothing aside in a space with few expenses to say what is usual", { timeout: 60_000 }, async () => {
    const u = await registerUser();
    const a = api(u);
    const { day } = localDays(TZ);
    const id = (await ok(a.post("/v1/spaces", { name: "Nueva", type: "personal", currency: "USD", timezone: TZ }))).id;
    const checking = (await createAccount(u, id, { name: "Checking", openingBalance: "20000.00" })).id;
    for (const [amount, d] of [["-4.00", -50], ["-4.50", -30], ["-3.75", -5], ["-12000.00", -20]] as const) {
      await ok(a.post("/v1/transactions", { spaceId: id, accountId: checking, amount, date: day(d), description: amount === "-12000.00" ? "Toyota Dealer" : "Café" }));
    }
    const f = (await a.get(`/v1/analytics/forecast?spaceId=${id}`)).body;
    // 12,012.25 over 90 days, for 60: 8,008.166… → 8,008.17.
    expect(f.summary.totalProjectedExpensesDecimal).toBe("8008.17");
  });
});

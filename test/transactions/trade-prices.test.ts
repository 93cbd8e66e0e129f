/**
 * A unit price is not an amount the ledger stores (quantity × price is): it is held neither to 2^53 minor units at the
 * securities' 8 decimals (90,071,992.54740991) nor to those 8 decimals. A bitcoin in pesos colombianos, a Berkshire A
 * share in yen, a meme coin priced in bitcoin (less than a satoshi a unit) are ordinary prices, priced exactly; a trade
 * whose cash passes what an amount may be is still refused.
 */
import { describe, expect, it } from "vitest";
import { registerUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";

async function setup() {
  const u = await registerUser();
  const a = userApi(u);
  const space = await a.post("/v1/spaces", { name: "Prices", type: "personal", currency: "USD", timezone: "America/Bogota" });
  expect(space.status).toBe(201);
  return { u, a, spaceId: space.body.id as string };
}

describe("unit prices past 90,071,992.54740991 or finer than 8 decimals", () => {
  it("buys 0.01 BTC at 400,000,000.00 COP and a Berkshire A share at ¥110,000,000, exactly, and lists them", async () => {
    const { u, a, spaceId } = await setup();
    const cop = await createAccount(u, spaceId, { name: "Pesos", type: "brokerage", currency: "COP", openingBalance: "5000000.00" });
    const jpy = await createAccount(u, spaceId, { name: "Yen", type: "brokerage", currency: "JPY", openingBalance: "200000000" });
    const btc = await a.post("/v1/transactions", {
      spaceId, accountId: cop.id, description: "BTC", date: "2025-06-01",
      trade: { symbol: "BTC", side: "buy", quantity: "0.01", unitPrice: "400000000.12", fees: "1500.00" },
    });
    expect(btc.status, JSON.stringify(btc.body)).toBe(201);
    // 0.01 × 400,000,000.12 = 4,000,000.0012, half-up to 4,000,000.00; the fee on top.
    expect(btc.body.amountDecimal).toBe("-4001500.00");
    const brk = await a.post("/v1/transactions", {
      spaceId, accountId: jpy.id, description: "BRK.A", date: "2025-06-02",
      trade: { symbol: "BRKA", side: "buy", quantity: 1, unitPrice: 110_000_000.5, fees: "0" },
    });
    expect(brk.status, JSON.stringify(brk.body)).toBe(201);
    expect(brk.body.amountDecimal).toBe("-110000001");
    const trades = await a.get(`/v1/trades?spaceId=${spaceId}`);
    expect(trades.status).toBe(200);
    expect(trades.body.map((t: any) => [t.tradingSymbol, t.tradedQuantity, t.tradedPrice, t.grossAmount, t.fees, t.netAmount, t.currency])).toEqual([
      ["BRKA", "1.00000000", "110000000.50000000", "110000001", "0", "-110000001", "JPY"],
      ["BTC", "0.01000000", "400000000.12000000", "4000000.00", "1500.00", "-4001500.00", "COP"],
    ]);
    expect((await a.get(`/v1/accounts/${cop.id}`)).body.balanceDecimal).toBe("998500.00");
    expect((await a.get(`/v1/accounts/${jpy.id}`)).body.balanceDecimal).toBe("89999999");
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("buys 50,000,000 SHIB at 0.00000000015 BTC and 1,000,000 PEPE at 0.000008912345 USD, exactly, the price as written", async () => {
    const { u, a, spaceId } = await setup();
    const wallet = await createAccount(u, spaceId, { name: "Sats", type: "crypto", currency: "BTC", openingBalance: "1" });
    const usd = await createAccount(u, spaceId, { name: "Dollars", type: "brokerage", currency: "USD", openingBalance: "100" });
    const shib = await a.post("/v1/transactions", {
      spaceId, accountId: wallet.id, description: "SHIB", date: "2025-06-01",
      trade: { symbol: "SHIB", side: "buy", quantity: "50000000", unitPrice: "0.00000000015", fees: "0.00000010" },
    });
    expect(shib.status, JSON.stringify(shib.body)).toBe(201);
    // 50,000,000 × 0.00000000015 = 0.0075 BTC, and the fee.
    expect(shib.body.amountDecimal).toBe("-0.00750010");
    const pepe = await a.post("/v1/transactions", {
      spaceId, accountId: usd.id, description: "PEPE", date: "2025-06-02",
      trade: { symbol: "PEPE", side: "buy", quantity: 1_000_000, unitPrice: 0.000008912345 },
    });
    expect(pepe.status, JSON.stringify(pepe.body)).toBe(201);
    // 8.912345 USD, half-up once to 8.91.
    expect(pepe.body.amountDecimal).toBe("-8.91");
    const trades = await a.get(`/v1/trades?spaceId=${spaceId}`);
    expect(trades.body.map((t: any) => [t.tradingSymbol, t.tradedQuantity, t.tradedPrice, t.grossAmount, t.netAmount])).toEqual([
      ["PEPE", "1000000.00000000", "0.000008912345", "8.91", "-8.91"],
      ["SHIB", "50000000.00000000", "0.00000000015", "0.00750000", "-0.00750010"],
    ]);
    // A price of more than 18 decimals is still refused, never rounded.
    const finer = await a.post("/v1/transactions", {
      spaceId, accountId: usd.id, description: "too fine", date: "2025-06-02",
      trade: { symbol: "PEPE", side: "buy", quantity: "1", unitPrice: "1.0000000000000000001" },
    });
    expect(finer.status).toBe(422);
    expect(finer.body.error.details).toEqual([expect.objectContaining({ field: "trade.unitPrice", code: "INVALID_AMOUNT" })]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("still refuses a trade whose cash no amount can hold, and a price of more digits than any price has, with a 422", async () => {
    const { u, a, spaceId } = await setup();
    const jpy = await createAccount(u, spaceId, { name: "Yen", type: "brokerage", currency: "JPY" });
    const huge = await a.post("/v1/transactions", {
      spaceId, accountId: jpy.id, description: "too much", date: "2025-06-01",
      trade: { symbol: "BRKA", side: "buy", quantity: "100", unitPrice: "100000000000000" },
    });
    expect(huge.status).toBe(422);
    expect(huge.body.error.details).toEqual([expect.objectContaining({ field: "trade", code: "TOO_BIG" })]);
    const digits = await a.post("/v1/transactions", {
      spaceId, accountId: jpy.id, description: "absurd", date: "2025-06-01",
      trade: { symbol: "BRKA", side: "buy", quantity: "0.00000001", unitPrice: "1".repeat(25) },
    });
    expect(digits.status).toBe(422);
    expect(digits.body.error.details).toEqual([expect.objectContaining({ field: "trade.unitPrice", code: "INVALID_AMOUNT" })]);
  });
});

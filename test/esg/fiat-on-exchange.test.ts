/**
 * An exchange's fiat balance (Bitso's pesos account, typed `crypto` with currency MXN) is money, not a coin: the ESG
 * report listed it among the unscored holdings as an asset "not-in-dataset", today and in past days' reports.
 * A coin account of a symbol the data set lacks is still listed.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { priceDay } from "../../src/modules/prices/service";
import { createAccount } from "../accounts/helpers";
import { callJson, createSpace, registerUser } from "../helpers";

const setPrice = (symbol: string, quote: string, price: string) =>
  env.DB.prepare("INSERT OR REPLACE INTO market_prices (symbol, quote, day, price_decimal, source, as_of, fetched_at) VALUES (?, ?, ?, ?, 'test', ?, ?)")
    .bind(symbol, quote, priceDay(Date.now()), price, Date.now(), Date.now()).run();

describe("ESG scores of a space with pesos at a crypto exchange", () => {
  it("leaves the fiat balance out of the holdings, scored or not", async () => {
    await setPrice("BTC", "MXN", "1700000");
    await setPrice("BTC", "USD", "100000");
    const user = await registerUser();
    const space = await createSpace(user, { currency: "MXN" });
    await createAccount(user, space.id, { name: "Bitso BTC", type: "crypto", currency: "BTC", openingBalance: "0.01" });
    await createAccount(user, space.id, { name: "Bitso Pesos", type: "crypto", currency: "MXN", openingBalance: "20200.94" });
    const { status, body } = await callJson(`/v1/esg/scores?spaceId=${space.id}`, { token: user.accessToken, ip: user.ip });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.scores.map((s: any) => [s.symbol, s.balanceDecimal, s.valueDecimal])).toEqual([["BTC", "0.01000000", "17000.00"]]);
    expect(body.unscored).toEqual([]);
    expect(body.scoredValueDecimal).toBe("17000.00");
  });
});

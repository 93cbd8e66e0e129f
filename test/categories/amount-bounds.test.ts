/**
 * `amount_between` bounds are exact decimals of up to 8 places, compared with each transaction in its own
 * currency's minor units: a lower bound rounds up to that unit and an upper one down, so a bound finer than
 * the currency (20.005 for USD, 0.50 for JPY) matches exactly the amounts it contains and never fails the
 * write (it used to be parsed again at the transaction's scale, throw, and answer every uncategorized write
 * in the space 500).
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";

describe("amount_between bounds finer than the currency", () => {
  it("match the amounts within them in USD, JPY and BTC, and uncategorized writes and apply-rules never fail", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    const usd = await createAccount(u, space.id, { openingBalance: "1000" });
    const jpy = await createAccount(u, space.id, { name: "Yen", currency: "JPY", openingBalance: "100000" });
    const btc = await createAccount(u, space.id, { name: "Wallet", type: "crypto", currency: "BTC", openingBalance: "100" });
    const cat = await callJson("/v1/categories", {
      ...as, body: { spaceId: space.id, name: "Small", type: "expense", rules: [{ condition: "amount_between", value: { min: "0.50", max: "20.005" } }] },
    });
    expect(cat.status).toBe(201);
    const write = async (accountId: string, amount: string) => {
      const r = await callJson("/v1/transactions", { ...as, body: { spaceId: space.id, accountId, amount, description: "Something", date: "2024-01-01" } });
      expect(r.status, `${amount}: ${JSON.stringify(r.body)}`).toBe(201);
      return r.body.category?.id ?? null;
    };
    // USD: 0.50 to 20.00 inclusive (20.005 rounds down to 20.00).
    expect(await write(usd.id, "-20.00")).toBe(cat.body.id);
    expect(await write(usd.id, "-20.01")).toBeNull();
    expect(await write(usd.id, "-0.50")).toBe(cat.body.id);
    expect(await write(usd.id, "-0.49")).toBeNull();
    // JPY: 1 to 20 yen (0.50 rounds up to 1).
    expect(await write(jpy.id, "-1")).toBe(cat.body.id);
    expect(await write(jpy.id, "-20")).toBe(cat.body.id);
    expect(await write(jpy.id, "-21")).toBeNull();
    expect(await write(jpy.id, "-500")).toBeNull();
    // BTC has all eight places: the bounds as written.
    expect(await write(btc.id, "-0.5")).toBe(cat.body.id);
    expect(await write(btc.id, "-0.49999999")).toBeNull();
    expect(await write(btc.id, "-20.00500001")).toBeNull();
    const apply = await callJson("/v1/categories/apply-rules", { ...as, body: { spaceId: space.id, dryRun: true } });
    expect(apply.status, JSON.stringify(apply.body)).toBe(200);
  });

  it("refuses at save time a bound that is not an exact decimal of at most 8 places", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const r = await callJson("/v1/categories", {
      token: u.accessToken, ip: u.ip, body: { spaceId: space.id, name: "Too fine", type: "expense", rules: [{ condition: "amount_between", value: { max: "1.000000001" } }] },
    });
    expect(r.status).toBe(422);
  });

  it("take bounds past 2^53 units of 10^-8 (above 90 million), up to the largest yen amount, and refuse longer ones", async () => {
    const u = await registerUser();
    const as = { token: u.accessToken, ip: u.ip };
    const space = await createSpace(u);
    const rule = (name: string, value: unknown) =>
      callJson("/v1/categories", { ...as, body: { spaceId: space.id, name, type: "expense", rules: [{ condition: "amount_between", value }] } });
    const large = await rule("Large", { min: "100000000.00" });
    expect(large.status, JSON.stringify(large.body)).toBe(201);
    const upTo = await rule("Up to the largest yen amount", { max: "9007199254740991" });
    expect(upTo.status, JSON.stringify(upTo.body)).toBe(201);
    const card = await createAccount(u, space.id, { name: "Card", type: "credit_card" });
    const jpy = await createAccount(u, space.id, { name: "Yen card", type: "credit_card", currency: "JPY" });
    const write = async (accountId: string, amount: string) => {
      const r = await callJson("/v1/transactions", { ...as, body: { spaceId: space.id, accountId, amount, description: "Something", date: "2024-01-01" } });
      expect(r.status, `${amount}: ${JSON.stringify(r.body)}`).toBe(201);
      return r.body.category?.id ?? null;
    };
    expect(await write(card.id, "-100000000.00")).toBe(large.body.id);
    expect(await write(card.id, "-99999999.99")).toBe(upTo.body.id); // below Large's bound, within the second rule's
    expect(await write(jpy.id, "-9007199254740991")).toBe(large.body.id);
    const tooLong = await rule("Too long", { max: "12345678901234567" }); // 17 digits before the point: 25 at 8 places
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(tooLong.body)).toContain("too large");
    // Bounds are magnitudes: a signed one is refused with that reason (-100..-10 used to read as "min is above max").
    for (const value of [{ min: -100, max: -10 }, { min: "-5" }]) {
      const signed = await rule("Signed", value);
      expect(signed.status).toBe(422);
      expect(signed.body.error.details[0].message).toMatch(/without their sign/);
    }
  });
});

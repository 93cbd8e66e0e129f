/**
 * An account that may not go negative and already has (an overdraft in use) is a risk from the horizon's first day:
 * the forecast flagged only a fall below zero from at or above it, so a checking account at −0.01 sinking to −900.02
 * on a weekly bill had no negativeOn and no risk factor (QA 13-2). A credit card below zero is not flagged.
 */
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { api, localDays, ok } from "./fixture";

const { day } = localDays("UTC");

/** A checking account with an overdraft, a weekly daycare bill of 100.00 for six weeks, and a fee today leaving it at −0.01. */
async function overdrawnChecking(locale?: "es" | "pt") {
  const u = await registerUser(locale ? { locale } : {});
  const a = api(u);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "F", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
  const checking = await createAccount(u, spaceId, { name: "Checking", allowOverdraft: true, openingBalance: "600.00" });
  for (let k = 6; k >= 1; k--) {
    await ok(a.post("/v1/transactions", { spaceId, accountId: checking.id, amount: "-100.00", date: day(-7 * k + 1), merchantName: "Daycare", description: "Daycare" }));
  }
  await ok(a.post("/v1/transactions", { spaceId, accountId: checking.id, amount: "-0.01", date: day(0), description: "Fee" }));
  return { u, a, spaceId, checking };
}

describe("the forecast of an account already overdrawn", () => {
  it("flags it from the horizon's first day with a risk factor saying so, and leaves a credit card below zero alone", async () => {
    const { u, a, spaceId, checking } = await overdrawnChecking();
    const card = await createAccount(u, spaceId, { name: "Card", type: "credit_card" });
    await ok(a.post("/v1/transactions", { spaceId, accountId: card.id, amount: "-50.00", date: day(-2), description: "Books" }));

    const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
    const acc = (id: string) => f.accounts.find((x: any) => x.accountId === id);
    expect(acc(checking.id).currentBalanceDecimal).toBe("-0.01");
    expect(acc(checking.id).projectedBalanceDecimal).toMatch(/^-\d+\.\d\d$/);
    expect(acc(checking.id).negativeOn).toBe(f.horizon.from);
    expect(f.horizon.from).toBe(day(1));
    expect(f.summary.riskFactors).toContain("Checking is already overdrawn (-0.01 USD)");
    expect(f.summary.riskFactors.filter((r: string) => r.includes("Checking"))).toHaveLength(1);
    expect(acc(card.id)).toMatchObject({ currentBalanceDecimal: "-50.00", negativeOn: null });
    expect(f.summary.riskFactors.filter((r: string) => r.includes("Card"))).toEqual([]);
  });
});

describe("the forecast's sentences (QA 13-6)", () => {
  it("are in the reader's language: risk factors and method", async () => {
    for (const [locale, risk, method] of [
      ["es", "Checking ya está en sobregiro (-0.01 USD)", "Series recurrentes (1) más una estimación estacional del resto"],
      ["pt", "Checking já está com saldo negativo (-0,01 USD)", "Séries recorrentes (1) mais uma estimativa sazonal do resto"],
    ] as const) {
      const { a, spaceId } = await overdrawnChecking(locale);
      const f = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
      expect(f.summary.riskFactors).toEqual([risk]);
      expect(f.method.startsWith(method), f.method).toBe(true);
      // Served from the cache, the same words.
      const again = await ok(a.get(`/v1/analytics/forecast?spaceId=${spaceId}`));
      expect(again.cache.hit).toBe(true);
      expect(again.summary.riskFactors).toEqual([risk]);
      expect(again.method).toBe(f.method);
    }
  });
});

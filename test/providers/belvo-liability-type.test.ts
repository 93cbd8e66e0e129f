/**
 * A Belvo account whose `balance_type` is LIABILITY under a category that names no type here (UNCATEGORIZED: a
 * "Crédito simple") is booked as money owed, negative: it is an account of a type that is owed (a loan), not
 * "other", which the forecast took for an account that may not go negative and told as already overdrawn.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rewritingSandbox } from "./rewriting-sandbox";
import { callJson } from "../helpers";
import { as, belvoLinked, syncNow, waitForJob } from "./helpers";

const sandbox = rewritingSandbox();

describe("Belvo: a liability of no known category", () => {
  it("is a loan: owed, negative, and no overdraft in the forecast", { timeout: 90_000 }, async () => {
    const { owner, spaceId, connectionId, who } = await belvoLinked();
    sandbox.list = [
      {
        path: "/api/accounts/", who,
        alter: (list: any[]) => [...list, { ...list[0], id: "belvo-acc-credit", name: "Crédito simple", type: "Crédito simple", category: "UNCATEGORIZED", balance_type: "LIABILITY", balance: { current: 250.5, available: null } }],
      },
    ];
    expect((await waitForJob(await syncNow(connectionId))).status).toBe("completed");
    const acc = await env.DB.prepare("SELECT a.id, a.type FROM accounts a JOIN provider_accounts p ON p.account_id = a.id WHERE p.connection_id = ? AND p.provider_account_id = 'belvo-acc-credit'")
      .bind(connectionId)
      .first<{ id: string; type: string }>();
    expect(acc?.type).toBe("loan");
    const forecast = await callJson(`/v1/analytics/forecast?spaceId=${spaceId}`, as(owner));
    expect(forecast.status).toBe(200);
    const projected = forecast.body.accounts.find((a: { accountId: string }) => a.accountId === acc!.id);
    expect(projected.currentBalanceDecimal).toBe("-250.50");
    expect(projected.negativeOn).toBeNull();
    expect(forecast.body.summary.riskFactors.filter((r: string) => r.includes("Crédito simple"))).toEqual([]);
  });
});

/** The relink tests' steps (relinks.ts): a bank linked and synced, disconnected, and the dashboard's figures. */
import { expect } from "vitest";
import { callJson, type TestUser } from "../helpers";
import { as, linkPlaid, waitForJob } from "../providers/helpers";
import { api, ok } from "./fixture";

/** A Plaid login linked (with First Platypus Bank's Link metadata) and its first sync done; the connection's id. */
export async function linkedPlaid(owner: TestUser, spaceId: string, publicToken: string): Promise<string> {
  const { connection, jobId } = await linkPlaid(owner, spaceId, publicToken);
  await waitForJob(jobId);
  return connection.id as string;
}

export const disconnect = async (owner: TestUser, id: string) =>
  expect((await callJson(`/v1/providers/connections/${id}`, { ...as(owner), method: "DELETE" })).status).toBe(200);

/** The dashboard's cash flow and net-worth change over `period`, as decimals. */
export async function dashboardFigures(owner: TestUser, spaceId: string, period = "90d") {
  const dash = await ok(api(owner).get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=${period}`));
  return { income: dash.cashFlow.incomeDecimal as string, expenses: dash.cashFlow.expensesDecimal as string, previous: dash.netWorth.previousDecimal as string, current: dash.netWorth.currentDecimal as string };
}

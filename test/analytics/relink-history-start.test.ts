/**
 * Where a relinked account's successor takes over in cash flow (relinks.ts `takenOverSince`): at the first row
 * the provider imported for it. Cash flow counts the old account's rows before that and the successor's after, so a
 * bank linked again with a shorter history keeps its older days, and a row the user writes on the new account
 * (back-dated past its history) moves nothing but its own amount.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, registerUser } from "../helpers";
import { as } from "../providers/helpers";
import { api, localDays, ok } from "./fixture";
import { dashboardFigures as dash, disconnect, linkedPlaid as link } from "./relink-helpers";


describe("a bank linked again with a shorter history", () => {
  it("a back-dated manual row on the new account moves the year's expenses by its own amount only", { timeout: 240_000 }, async () => {
    const owner = await registerUser();
    const spaceId = (await ok(api(owner).post("/v1/spaces", { name: "R", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
    const login = `public-sandbox-${crypto.randomUUID()}`;
    // One login linked with 200 days of history, disconnected, then linked again with 30.
    const first = await link(owner, spaceId, `${login}.history-200`);
    await disconnect(owner, first);
    const again = await link(owner, spaceId, `${login}.history-30`);
    const after1y = await dash(owner, spaceId, "1y");
    // A 1.00 expense on the new checking account, dated before its imported history: 1.00 more, nothing else.
    const checking = (await env.DB.prepare(
      "SELECT a.id FROM accounts a JOIN provider_accounts pa ON pa.account_id = a.id WHERE pa.connection_id = ? AND a.subtype = 'checking'",
    ).bind(again).first<{ id: string }>())!.id;
    const { day } = localDays("UTC");
    const manual = await callJson("/v1/transactions", { ...as(owner), body: { spaceId, accountId: checking, amount: "-1.00", description: "old cash receipt", date: day(-300) } });
    expect(manual.status, JSON.stringify(manual.body)).toBe(201);
    const withManual = await dash(owner, spaceId, "1y");
    expect(withManual.expenses).toBe((Number(after1y.expenses) + 1).toFixed(2));
  });
});

/**
 * The same Plaid login linked twice while it needed a login (its accounts unreadable at the exchange, so not
 * comparable then) is refused when its accounts are first read: a QA run saw both links, once repaired, import
 * the same accounts and double every balance. The simulator's `public-sandbox-<login>-login-required[.n]` tokens
 * are Link sessions of one login whose item needs a login at once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { as, jobStats, ownerWithSpace, plaidAccessToken, plaidControl, syncNow } from "./helpers";

describe("a Plaid login linked twice while it needed a login", () => {
  it("is refused at the first sync that reads its accounts: one connection imports them, the other is disconnected naming it, its item removed", { timeout: 120_000 }, async () => {
    const { owner, spaceId } = await ownerWithSpace();
    const login = `public-sandbox-${crypto.randomUUID()}-login-required`;
    // No Link metadata: the institution is only Plaid's word, once it can be read.
    const link = async (n: number) => {
      const res = await callJson("/v1/providers/plaid/exchange-token", { ...as(owner), body: { spaceId, publicToken: `${login}.${n}` } });
      expect(res.status).toBe(201);
      expect(res.body.connection).toMatchObject({ status: "reauth_required", accountIds: [], institution: null });
      return res.body.connection.id as string;
    };
    const repair = async (connectionId: string) => {
      const update = await callJson("/v1/providers/plaid/link-token", { ...as(owner), body: { spaceId, connectionId } });
      expect(update.body.mode).toBe("update");
      await plaidControl("link/complete", { link_token: update.body.linkToken });
    };
    const ids = [await link(1), await link(2)];
    for (const id of ids) await repair(id);
    const tokens = await Promise.all(ids.map(plaidAccessToken));

    // Both repaired syncs at once: one takes the login.
    const jobs = await Promise.all(ids.map((id) => syncNow(id)));
    const outcomes = await Promise.all(jobs.map(jobStats));
    expect(outcomes.map((o) => o.status).sort()).toEqual(["completed", "failed"]);
    const kept = ids[outcomes.findIndex((o) => o.status === "completed")]!;
    const refused = ids.find((id) => id !== kept)!;
    expect(outcomes.find((o) => o.status === "failed")!.error).toContain(kept);

    const connections = (await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner))).body.connections as any[];
    expect(connections.find((c) => c.id === kept)).toMatchObject({ status: "active", institution: { id: "ins_109508" } });
    expect(connections.find((c) => c.id === refused)).toMatchObject({ status: "disconnected", accountIds: [], institution: { id: "ins_109508" } });
    expect(connections.find((c) => c.id === refused).statusReason).toContain(`connection ${kept}`);
    // The refused item no longer bills at Plaid; the kept one is untouched.
    const items = await env.DB.prepare("SELECT access_token, status FROM sandbox_plaid_items WHERE seed = ?").bind(await sha256Hex(login)).all<{ access_token: string; status: string }>();
    expect(Object.fromEntries(items.results.map((i) => [i.access_token, i.status]))).toEqual({ [tokens[ids.indexOf(kept)]!]: "ok", [tokens[ids.indexOf(refused)]!]: "removed" });

    // The login's two accounts, once.
    expect((await callJson(`/v1/accounts/summary?spaceId=${spaceId}`, as(owner))).body).toMatchObject({ totalCount: 2, activeCount: 2 });

    // A third Link session of the login, repaired after the first imported its accounts: refused too.
    const third = await link(3);
    await repair(third);
    expect((await jobStats(await syncNow(third))).status).toBe("failed");
    expect((await callJson(`/v1/providers/connections?spaceId=${spaceId}`, as(owner))).body.connections.find((c: any) => c.id === third)).toMatchObject({ status: "disconnected", accountIds: [] });
    expect((await callJson(`/v1/accounts/summary?spaceId=${spaceId}`, as(owner))).body.activeCount).toBe(2);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});

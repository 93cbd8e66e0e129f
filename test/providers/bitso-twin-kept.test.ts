/**
 * Which of two live connections of one Bitso account is kept (connections.ts `keepOneConnection`): a working one.
 * The second review of stop 37 kept the oldest even when its key was revoked (status `error`): the working twin was
 * retired, its history handed to the kept one (`replaced_by`), and the fees only the working twin had imported after
 * the other stopped counted nowhere (300.00 of 500.00).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { applyChanges } from "../../src/modules/providers/apply";
import { emptyStats, type NormalAccount, type NormalTxn } from "../../src/modules/providers/sync-types";
import { createConnection, getConnection, keepOneConnection } from "../../src/modules/providers/connections";
import { directServices } from "./helpers";

const wallet: NormalAccount = { externalId: "mxn", name: "Bitso MXN", type: "crypto", subtype: "exchange_wallet", currency: "MXN", mask: null, balanceMinor: null };
const fee = (id: string, date: string): NormalTxn => ({ id, accountExternalId: "mxn", amountMinor: -10000, date, description: "withdrawal fee", merchantName: null, pending: false, pendingId: null });

describe("two live connections of one Bitso account", () => {
  it("keep the working one: a twin whose key was revoked is retired in its favour, and every fee counts once", { timeout: 60_000 }, async () => {
    const owner = await registerUser();
    const a = api(owner);
    const { day } = localDays("UTC");
    const spaceId = (await ok(a.post("/v1/spaces", { name: "B", type: "personal", currency: "MXN", timezone: "UTC" }))).id as string;
    const { svc } = directServices();
    const connect = async (loginKey: string) => {
      const made = await createConnection(svc, {
        spaceId, provider: "bitso", status: "active", externalId: null, institutionId: "bitso", institutionName: "Bitso",
        credentials: { apiKey: "k", apiSecret: "s" }, createdBy: owner.id, loginKey,
      });
      return made.id;
    };
    const sync = async (id: string, rows: NormalTxn[]) =>
      applyChanges(svc, (await getConnection(svc, id))!, { accounts: [wallet], upserts: rows, removed: [], matchPendingHeuristically: false }, emptyStats());
    // X, the older connection, stopped after day -10 (its key revoked: its syncs fail, status error).
    const x = await connect("login-x");
    await sync(x, [fee("f20", day(-20)), fee("f15", day(-15)), fee("f10", day(-10))]);
    // Y, another key of the same account, linked before client ids were compared, kept importing.
    const y = await connect("login-y");
    await sync(y, [fee("f20", day(-20)), fee("f15", day(-15)), fee("f10", day(-10)), fee("f5", day(-5)), fee("f2", day(-2))]);
    await env.DB.prepare("UPDATE provider_connections SET provider_client_id = 'client-1' WHERE id IN (?, ?)").bind(x, y).run();
    await env.DB.prepare("UPDATE provider_connections SET status = 'error', status_reason = 'bitso 401: revoked' WHERE id = ?").bind(x).run();

    // Y's next sync learns the pair: Y, the working one, is kept; X is retired naming it.
    await keepOneConnection(svc, { id: y, space_id: spaceId, provider: "bitso" }, "provider_client_id", "client-1", "retired");
    const rows = (await env.DB.prepare("SELECT id, status, replaced_by FROM provider_connections WHERE space_id = ? ORDER BY created_at").bind(spaceId).all()).results;
    expect(rows).toEqual([{ id: x, status: "disconnected", replaced_by: y }, { id: y, status: "active", replaced_by: null }]);
    // The account paid five 100.00 fees in the last 30 days: each counts once.
    const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`));
    expect(dash.cashFlow.expensesDecimal).toBe("500.00");
  });
});

/**
 * The fixture of the hand-written-row tests (manual-match.ts): a space in Mexico City's zone whose Plaid (or Belvo)
 * connection the sync engine is fed directly, so each sync's rows and reported balance are chosen.
 */
import { env } from "cloudflare:workers";
import { applyChanges } from "../../src/modules/providers/apply";
import { emptyStats, type NormalAccount, type NormalTxn } from "../../src/modules/providers/sync-types";
import { createConnection, getConnection } from "../../src/modules/providers/connections";
import type { Services } from "../../src/env";
import { registerUser, awayFromMidnight } from "../helpers";
import { api, localDays, ok } from "../analytics/fixture";
import { directServices } from "./helpers";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("America/Mexico_City");

export const TZ = "America/Mexico_City";
export const { day } = localDays(TZ);
export const DAY = 86_400_000;

export const account = (externalId: string, balanceMinor: number | null): NormalAccount => ({ externalId, name: `Checking ${externalId}`, type: "checking", subtype: null, currency: "USD", mask: "0001", balanceMinor });
export const bankRow = (id: string, date: string, amountMinor: number, extra: Partial<NormalTxn> = {}): NormalTxn =>
  ({ id, accountExternalId: "chk", amountMinor, date, description: `BANK ${id}`, merchantName: `Merchant ${id}`, pending: false, pendingId: null, ...extra });

/**
 * A space in Mexico City's zone with a Plaid connection (or a Belvo one, whose syncs are listings from `fromDay`) fed
 * directly (applyChanges, as a sync job runs it), so each sync's rows and reported balance are chosen; a first sync
 * opens the checking account at 1,000.00.
 */
export async function linked(provider: "plaid" | "belvo" = "plaid") {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: TZ }))).id as string;
  const { svc } = directServices();
  const made = await createConnection(svc, {
    spaceId, provider, status: "active", externalId: `item-${crypto.randomUUID()}`, institutionName: "Bank",
    credentials: provider === "plaid" ? { accessToken: "x", itemId: "y" } : { linkId: "l" }, createdBy: owner.id,
  });
  const conn = (await getConnection(svc, made.id))!;
  const sync = async (balances: Record<string, number>, rows: NormalTxn[], extra: { removed?: string[]; fromDay?: string; svc?: Services } = {}) => {
    const stats = emptyStats();
    await applyChanges(extra.svc ?? svc, conn, {
      accounts: Object.entries(balances).map(([ext, b]) => account(ext, b)), upserts: rows, removed: extra.removed ?? [],
      matchPendingHeuristically: provider === "belvo",
      // A listing from `fromDay` of every account listed, as Belvo's.
      ...(extra.fromDay ? { snapshot: { fromDayByAccount: Object.fromEntries(Object.keys(balances).map((ext) => [ext, extra.fromDay!])) } } : {}),
    }, stats);
    return stats;
  };
  await sync({ chk: 95_000 }, [bankRow("open1", day(-30), -5_000)], provider === "belvo" ? { fromDay: day(-120) } : {});
  const accountIdOf = async (ext: string) =>
    (await env.DB.prepare("SELECT a.id FROM accounts a WHERE a.space_id = ? AND a.provider_account_id = ?").bind(spaceId, ext).first<{ id: string }>())!.id;
  const checking = await accountIdOf("chk");
  const category = (await ok(a.post("/v1/categories", { spaceId, name: "Groceries", type: "expense" }))).id as string;
  const write = (body: Record<string, unknown>) => ok(a.post("/v1/transactions", { spaceId, accountId: checking, ...body }));
  const adjustments = async () =>
    (await env.DB.prepare("SELECT amount FROM transactions WHERE account_id = ? AND subtype = 'adjustment' AND status != 'cancelled' ORDER BY created_at").bind(checking).all<{ amount: number }>())
      .results.map((r) => r.amount);
  const balance = async () => (await ok(a.get(`/v1/accounts/${checking}`))).balanceDecimal as string;
  const row = (id: string) =>
    env.DB.prepare("SELECT id, provider_transaction_id AS pid, status, amount, description, merchant_name, notes, category_id, category_source, date FROM transactions WHERE id = ?")
      .bind(id).first<{ id: string; pid: string | null; status: string; amount: number; description: string; merchant_name: string | null; notes: string | null; category_id: string | null; category_source: string | null; date: number }>();
  const liveOf = async (pid: string) =>
    (await env.DB.prepare("SELECT id FROM transactions WHERE space_id = ? AND provider_transaction_id = ? AND status != 'cancelled'").bind(spaceId, pid).all<{ id: string }>()).results.map((r) => r.id);
  const newCategory = async (name: string, rules: unknown[] = []) => (await ok(a.post("/v1/categories", { spaceId, name, type: "expense", rules }))).id as string;
  const expenses = async () => (await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`))).cashFlow.expensesDecimal as string;
  return { owner, a, spaceId, svc, conn, sync, checking, accountIdOf, category, newCategory, write, adjustments, balance, row, liveOf, expenses };
}

/**
 * A space in Mexico City's zone (or `tz`, whose days `day` names) whose bank is linked again (relinks.ts): each
 * `connect()` is a Plaid connection of the same institution, whose checking (`chk`, ****0001) is the same account by
 * what Plaid says of it, fed directly as `linked`'s is (each sync's rows and reported balance chosen); `disconnect`
 * retires one, so the next takes it over.
 */
export async function relinkable(tz = TZ) {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Relinked", type: "personal", currency: "USD", timezone: tz }))).id as string;
  const category = (await ok(a.post("/v1/categories", { spaceId, name: "Groceries", type: "expense" }))).id as string;
  const connect = async () => {
    const { svc } = directServices();
    const made = await createConnection(svc, {
      spaceId, provider: "plaid", status: "active", externalId: `item-${crypto.randomUUID()}`, institutionId: "ins_relink", institutionName: "Bank",
      credentials: { accessToken: "x", itemId: "y" }, createdBy: owner.id,
    });
    const conn = (await getConnection(svc, made.id))!;
    // `more`: the login's other accounts this sync reports (a savings account of the same bank).
    const sync = async (balanceMinor: number | null, rows: NormalTxn[], removed: string[] = [], more: NormalAccount[] = []) => {
      const stats = emptyStats();
      await applyChanges(svc, conn, { accounts: [account("chk", balanceMinor), ...more], upserts: rows, removed, matchPendingHeuristically: false }, stats);
      return stats;
    };
    const accountOf = async (ext: string) =>
      (await env.DB.prepare("SELECT a.id FROM provider_accounts pa JOIN accounts a ON a.id = pa.account_id WHERE pa.connection_id = ? AND a.provider_account_id = ?")
        .bind(conn.id, ext).first<{ id: string }>())!.id;
    return { id: conn.id, sync, checking: () => accountOf("chk"), accountOf };
  };
  const disconnect = async (connectionId: string) => {
    const r = await a.del(`/v1/providers/connections/${connectionId}`);
    if (r.status !== 200) throw new Error(`disconnect failed: ${r.status}`);
  };
  const cashFlow = async () => {
    const c = (await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`))).cashFlow;
    return { income: c.incomeDecimal as string, expenses: c.expensesDecimal as string };
  };
  const balanceOf = async (accountId: string) => (await ok(a.get(`/v1/accounts/${accountId}`))).balanceDecimal as string;
  // The row carrying a provider id (on `accountId`: a row written by hand on the old account that the new link's copy
  // took over carries the copy's id too).
  const byPid = (pid: string, accountId?: string) =>
    env.DB.prepare("SELECT id, account_id, type, subtype, status, amount, category_id, counterparty_account_id, notes FROM transactions WHERE space_id = ? AND provider_transaction_id = ? AND account_id = COALESCE(?, account_id)")
      .bind(spaceId, pid, accountId ?? null).first<{ id: string; account_id: string; type: string; subtype: string | null; status: string; amount: number; category_id: string | null; counterparty_account_id: string | null; notes: string | null }>();
  return { owner, a, spaceId, day: localDays(tz).day, category, connect, disconnect, cashFlow, balanceOf, byPid };
}

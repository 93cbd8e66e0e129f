/**
 * One D1 round trip per authenticated read (issue 10): the session check, the membership check and
 * the page go in one batch, for the Dhanam transaction list and for the ledger's transaction list,
 * first page and a cursor's page alike. Counted on the request's own D1 session.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashLog } from "../../src/modules/ledger/chain";
import { VERIFY_CURSOR_TTL_MS, VERIFY_MAX_LOGS, verifyLogs } from "../../src/modules/ledger/service";
import { authOf as authOfUser, svcAt } from "../documents/helpers";
import { insertJsonRows } from "../../src/lib/sql";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { addMember, callJson, createSpace, registerUser } from "../helpers";
import { householdWorld } from "../lifebeat/helpers";
import { ledgerSpace, posting, postTx } from "./helpers";

describe("one D1 round trip per authenticated read", () => {
  it("lists a space's transactions, and the ledger's, first page and next, in one round trip each", async () => {
    const ctx = await ledgerSpace();
    const acc = await createAccount(ctx.user, ctx.spaceId, { openingBalance: "10.00" });
    for (let i = 0; i < 3; i++) expect((await postTx(ctx, { postings: [posting("world", `users:${i}`, 100 + i)] })).status).toBe(201);
    const { get } = countingApp();

    const list = await get(ctx.user, `/v1/transactions?spaceId=${ctx.spaceId}&limit=50`);
    expect(list.status).toBe(200);
    expect(list.body.transactions.map((t: { accountId: string }) => t.accountId)).toEqual([acc.id]);
    expect(list.trips).toBe(1);

    const first = await get(ctx.user, `${ctx.base}/transactions?pageSize=2`);
    expect(first.status).toBe(200);
    expect(first.body.cursor.data).toHaveLength(2);
    expect(first.trips).toBe(1);
    const next = await get(ctx.user, `${ctx.base}/transactions?cursor=${encodeURIComponent(first.body.cursor.next)}`);
    expect(next.status).toBe(200);
    expect(next.body.cursor.data).toHaveLength(2); // the third posting and the opening balance
    expect(next.trips).toBe(1);
  });

  it("still answers a stranger 404 and a bad cursor 422 (after the membership check)", async () => {
    const ctx = await ledgerSpace();
    const other = await ledgerSpace();
    const { get } = countingApp();
    const stranger = await get(other.user, `${ctx.base}/transactions`);
    expect(stranger.status).toBe(404);
    expect(stranger.body.cursor).toBeUndefined();
    expect(stranger.trips).toBe(1);
    // The refused cursor costs the membership check's round trip, and nothing of the space is read.
    const forged = await get(other.user, `${ctx.base}/transactions?cursor=abc.${"0".repeat(64)}`);
    expect(forged.status).toBe(404);
    expect(forged.trips).toBe(1);
    const member = await get(ctx.user, `${ctx.base}/transactions?cursor=abc.${"0".repeat(64)}`);
    expect(member.status).toBe(422);
    expect(member.body.error.details[0]).toMatchObject({ field: "cursor", code: "INVALID_CURSOR" });
  });
});

describe("one round trip for a transaction and for accounts", () => {
  it("reads a transaction as the list shows it, in one round trip; a stranger's is a 404 with nothing of it", async () => {
    const ctx = await ledgerSpace();
    const acc = await createAccount(ctx.user, ctx.spaceId, { name: "Everyday", openingBalance: "10.00" });
    const cat = await callJson("/v1/categories", { token: ctx.user.accessToken, ip: ctx.user.ip, body: { spaceId: ctx.spaceId, name: "Secret Coffee", type: "expense", color: "#112233" } });
    const tx = await callJson("/v1/transactions", {
      token: ctx.user.accessToken, ip: ctx.user.ip,
      body: { spaceId: ctx.spaceId, accountId: acc.id, categoryId: cat.body.id, amount: "-2.50", description: "latte", date: "2026-03-01", tags: ["a"] },
    });
    expect(tx.status).toBe(201);
    const { get } = countingApp();
    const one = await get(ctx.user, `/v1/transactions/${tx.body.id}`);
    expect(one.status).toBe(200);
    expect(one.trips).toBe(1);
    const listed = await get(ctx.user, `/v1/transactions?spaceId=${ctx.spaceId}&limit=50`);
    expect(one.body).toEqual(listed.body.transactions.find((t: { id: string }) => t.id === tx.body.id));
    expect(one.body).toMatchObject({ category: { id: cat.body.id, name: "Secret Coffee", color: "#112233" }, account: { id: acc.id, name: "Everyday" } });
    // A viewer reads it; a stranger gets the 404 of a transaction that does not exist, nothing of it said.
    const viewer = await registerUser();
    await addMember(ctx.user, ctx.spaceId, viewer, "viewer");
    expect((await get(viewer, `/v1/transactions/${tx.body.id}`)).body).toEqual(one.body);
    const stranger = (await ledgerSpace()).user;
    const theirs = await get(stranger, `/v1/transactions/${tx.body.id}`);
    const none = await get(stranger, "/v1/transactions/txn_01doesnotexist000000000000");
    expect(theirs.status).toBe(404);
    expect(theirs.body.error).toMatchObject({ code: none.body.error.code, message: none.body.error.message });
    expect(JSON.stringify(theirs.body)).not.toContain("Secret");
    expect(theirs.trips).toBe(1);
    // Without a category: shown as the list shows it.
    const plain = await callJson("/v1/transactions", {
      token: ctx.user.accessToken, ip: ctx.user.ip, body: { spaceId: ctx.spaceId, accountId: acc.id, amount: "-1.00", description: "plain", date: "2026-03-02" },
    });
    const read = await get(ctx.user, `/v1/transactions/${plain.body.id}`);
    expect(read.trips).toBe(1);
    expect(read.body).toEqual((await get(ctx.user, `/v1/transactions?spaceId=${ctx.spaceId}&limit=50`)).body.transactions.find((t: { id: string }) => t.id === plain.body.id));
    expect(read.body.category).toBeNull();
  });

  it("lists accounts with their balances and reads one, in one round trip each, past 100 accounts", async () => {
    const ctx = await ledgerSpace();
    const made: { id: string }[] = [];
    for (let i = 0; i < 104; i++) made.push(await createAccount(ctx.user, ctx.spaceId, { name: `A${i}`, type: i % 2 ? "savings" : "checking", openingBalance: `${i}.0${i % 10}` }));
    const { get } = countingApp();
    const pages = [await get(ctx.user, `/v1/accounts?spaceId=${ctx.spaceId}&limit=100`), await get(ctx.user, `/v1/accounts?spaceId=${ctx.spaceId}&limit=100&offset=100`)];
    for (const p of pages) expect(p.trips).toBe(1);
    const all = pages.flatMap((p) => p.body.accounts as { id: string; name: string; balanceDecimal: string; createdAt: string; provider: string }[]);
    expect(all).toHaveLength(104);
    expect(new Set(all.map((a) => a.id)).size).toBe(104);
    // Newest first, across both pages.
    const created = all.map((a) => Date.parse(a.createdAt));
    expect(created).toEqual([...created].sort((x, y) => y - x));
    expect(pages[0]!.rowsRead).toBeGreaterThanOrEqual(100);
    expect(pages[0]!.body.pagination).toMatchObject({ total: 104, limit: 100, offset: 0, hasMore: true });
    for (const a of all) {
      const i = Number(a.name.slice(1));
      expect(a.balanceDecimal, a.name).toBe(`${i}.0${i % 10}`);
    }
    // Balances as the ledger holds them (straight from D1), and one account read alone the same way.
    const volumes = await env.DB.prepare("SELECT COUNT(*) AS n FROM ledger_volumes WHERE space_id = ? AND address LIKE 'accounts:%'").bind(ctx.spaceId).first<{ n: number }>();
    expect(volumes!.n).toBeGreaterThanOrEqual(103);
    const one = await get(ctx.user, `/v1/accounts/${made[42]!.id}`);
    expect(one.trips).toBe(1);
    expect(one.body).toEqual(all.find((a) => a.id === made[42]!.id));
    const savings = await get(ctx.user, `/v1/accounts?spaceId=${ctx.spaceId}&type=savings&limit=200`);
    expect(savings.body.pagination.total).toBe(52);
    expect(savings.body.accounts.every((a: { type: string }) => a.type === "savings")).toBe(true);
    expect(savings.trips).toBe(1);
    const byProvider = await get(ctx.user, `/v1/accounts?spaceId=${ctx.spaceId}&provider=${all[0]!.provider}&type=checking`);
    expect(byProvider.body.pagination.total).toBe(52);
    expect((await get(ctx.user, `/v1/accounts?spaceId=${ctx.spaceId}&provider=plaid`)).body.pagination.total).toBe(0);
    // A stranger: 404 for the list and the account, in one round trip, none of the space's rows read.
    const stranger = (await ledgerSpace()).user;
    const list = await get(stranger, `/v1/accounts?spaceId=${ctx.spaceId}`);
    expect(list.status).toBe(404);
    expect(list.trips).toBe(1);
    // Its batch read the session and the membership checks, none of the space's 104 accounts or their volumes.
    expect(list.rowsRead).toBeLessThan(20); // a handful (the guards evaluated once per read), not the 104 accounts
    const acc = await get(stranger, `/v1/accounts/${made[0]!.id}`);
    expect(acc.status).toBe(404);
    expect(JSON.stringify(acc.body)).not.toContain("A0");
  });
});

describe("a space and the list of spaces", () => {
  it("read with their accounts' balances in one round trip, however many spaces", async () => {
    const ctx = await ledgerSpace();
    const { get } = countingApp();
    const trips: number[] = [];
    for (let n = 0; n < 4; n++) {
      const extra = await callJson("/v1/spaces", { token: ctx.user.accessToken, ip: ctx.user.ip, body: { name: `S${n}`, type: "personal", currency: "USD" } });
      await createAccount(ctx.user, extra.body.id, { name: `Cash ${n}`, openingBalance: `${n + 1}.25` });
      await createAccount(ctx.user, extra.body.id, { name: `Card ${n}`, type: "credit_card" });
      const list = await get(ctx.user, "/v1/spaces");
      expect(list.status).toBe(200);
      trips.push(list.trips);
      const mine = list.body.spaces ?? list.body;
      const shown = (mine as { id: string; accounts: { name: string; balance: number }[] }[]).find((sp) => sp.id === extra.body.id)!;
      expect(shown.accounts.map((a) => [a.name, a.balance])).toEqual([[`Cash ${n}`, n + 1.25], [`Card ${n}`, 0]]);
      const one = await get(ctx.user, `/v1/spaces/${extra.body.id}`);
      expect(one.trips).toBe(1);
      expect(one.body).toEqual(shown);
    }
    expect(trips).toEqual([1, 1, 1, 1]);
    const stranger = (await ledgerSpace()).user;
    const theirs = await get(stranger, `/v1/spaces/${ctx.spaceId}`);
    expect(theirs.status).toBe(404);
    expect(theirs.trips).toBe(1);
    expect(theirs.rowsRead).toBeLessThan(20);
  });
});

describe("the list of spaces under an emergency grant", () => {
  it("shows the executor's own spaces and the household's, with their accounts, as each space reads alone", async () => {
    const w = await householdWorld();
    const own = await createSpace(w.executor, { name: "Executor's" });
    await createAccount(w.executor, own.id, { name: "Mine", openingBalance: "3.00" });
    await createAccount(w.owner, w.spaceIds[0]!, { name: "Shared", openingBalance: "12.34" });
    await createAccount(w.owner, w.spaceIds[1]!, { name: "Business", currency: "MXN", openingBalance: "5.00" });
    await createAccount(w.owner, w.privateSpaceId, { name: "Hidden", openingBalance: "99.00" });
    const grant = await callJson("/v1/life-beat/emergency-access", {
      token: w.owner.accessToken, ip: w.owner.ip,
      body: { householdId: w.householdId, executorId: w.executorId, accessLevel: "read-only", expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(grant.status).toBe(201);
    const { get } = countingApp();
    const list = await get(w.executor, "/v1/spaces");
    expect(list.status).toBe(200);
    expect(list.body.map((sp: { id: string; role: string }) => [sp.id, sp.role])).toEqual([[own.id, "owner"], [w.spaceIds[1], "viewer"], [w.spaceIds[0], "viewer"]]);
    for (const sp of list.body) expect(sp).toEqual((await get(w.executor, `/v1/spaces/${sp.id}`)).body);
    expect(list.body.flatMap((sp: { accounts: { name: string }[] }) => sp.accounts.map((a) => a.name))).toEqual(["Mine", "Business", "Shared"]);
    expect(JSON.stringify(list.body)).not.toContain("Hidden");
    // The grant's reads are audited (a write per space, as before); the list itself is one round trip.
    expect(list.trips).toBe(1 + w.spaceIds.length);
    const log = await env.DB.prepare("SELECT COUNT(*) AS n FROM emergency_access_log WHERE user_id = ? AND path = '/v1/spaces'").bind(w.executor.id).first<{ n: number }>();
    expect(log!.n).toBe(2);
  });
});

describe("a space's categories", () => {
  it("list with their rules in one round trip; a stranger's list is a 404 in one", async () => {
    const ctx = await ledgerSpace();
    const made = await callJson("/v1/categories", {
      token: ctx.user.accessToken, ip: ctx.user.ip,
      body: { spaceId: ctx.spaceId, name: "Coffee", type: "expense", rules: [{ condition: "merchant_contains", value: "starbucks", priority: 5 }] },
    });
    expect(made.status).toBe(201);
    const { get } = countingApp();
    const list = await get(ctx.user, `/v1/categories?spaceId=${ctx.spaceId}`);
    expect(list.status).toBe(200);
    expect(list.trips).toBe(1);
    const all = (list.body.categories ?? list.body) as { id: string; rules: unknown[] }[];
    expect(all.find((c) => c.id === made.body.id)).toEqual(made.body);
    const stranger = (await ledgerSpace()).user;
    const theirs = await get(stranger, `/v1/categories?spaceId=${ctx.spaceId}`);
    expect(theirs.status).toBe(404);
    expect(theirs.trips).toBe(1);
    // The space's system categories and its rule are not read for them.
    expect(list.rowsRead).toBeGreaterThan(10);
    expect(theirs.rowsRead).toBeLessThan(20);
  });
});

/** `n` log rows for a space that has none, chained as the ledger chains them, written straight to D1. */
async function writeLogs(spaceId: string, n: number): Promise<void> {
  const rows: (string | number)[][] = [];
  let prev = GENESIS_HASH;
  for (let id = 0; id < n; id++) {
    const row = { id, type: "NEW_TRANSACTION", date: 1_700_000_000_000 + id, data: JSON.stringify({ n: id }) };
    prev = await hashLog(prev, row);
    rows.push([spaceId, id, row.type, row.data, row.date, prev]);
  }
  await env.DB.batch(insertJsonRows(env.DB, "ledger_logs", ["space_id", "id", "type", "data", "date", "hash"], rows));
}

describe("the ledger's reads", () => {
  /** A space with accounts, transactions, metadata and a viewer; and a stranger. */
  async function populated() {
    const ctx = await ledgerSpace();
    for (let i = 0; i < 3; i++) expect((await postTx(ctx, { postings: [posting("world", `users:${i}`, 100 + i), posting("world", `users:${i}`, 7, "EUR/2")] })).status).toBe(201);
    const meta = await callJson(`${ctx.base}/accounts/users:1/metadata`, { token: ctx.user.accessToken, ip: ctx.user.ip, body: { tier: "gold" } });
    expect(meta.status).toBe(204);
    const viewer = await registerUser();
    await addMember(ctx.user, ctx.spaceId, viewer, "viewer");
    const stranger = (await ledgerSpace()).user;
    return { ctx, viewer, stranger };
  }

  it("reads a transaction, the balances, the stats, the logs and an account in one round trip each; a viewer too", async () => {
    const { ctx, viewer } = await populated();
    const { get } = countingApp();
    const paths = ["/transactions/1", "/balances", "/balances?address=users:*", "/stats", "/logs", "/logs?pageSize=2", "/logs/verify", "/accounts/users:1", "/accounts/nobody", "/accounts", "/accounts?address=users:*&pageSize=2", "/accounts?metadata[tier]=gold"];
    for (const path of paths) {
      const own = await get(ctx.user, `${ctx.base}${path}`);
      expect(own.status, path).toBe(200);
      expect(own.trips, path).toBe(1);
      const theirs = await get(viewer, `${ctx.base}${path}`);
      expect(theirs.trips, path).toBe(1);
      expect(theirs.body, path).toEqual(own.body);
    }
    const r = async (path: string) => {
      const { body } = await get(ctx.user, `${ctx.base}${path}`);
      return body.data ?? body.cursor;
    };
    expect((await r("/transactions/1")).postings).toEqual([posting("world", "users:1", 101), posting("world", "users:1", 7, "EUR/2")]);
    expect(await r("/balances?address=users:*")).toEqual({ "EUR/2": 21, "USD/2": 303 });
    expect(await r("/stats")).toEqual({ transactions: 3, accounts: 4 });
    expect((await r("/logs?pageSize=2")).data.map((l: { id: number }) => l.id)).toEqual([3, 2]);
    expect(await r("/logs/verify")).toMatchObject({ valid: true, checked: 4 });
    expect(await r("/accounts/users:1")).toEqual({
      address: "users:1", metadata: { tier: "gold" },
      volumes: { "EUR/2": { input: 7, output: 0, balance: 7 }, "USD/2": { input: 101, output: 0, balance: 101 } }, balances: { "EUR/2": 7, "USD/2": 101 },
    });
    expect(await r("/accounts/nobody")).toEqual({ address: "nobody", metadata: {}, volumes: {}, balances: {} });
    // A page's volumes are its own accounts' (not the row that only says there is more), and its cursor the next page's.
    const first = await r("/accounts?address=users:*&pageSize=2");
    expect(first.data.map((a: { address: string; balances: unknown }) => [a.address, a.balances])).toEqual([["users:2", { "EUR/2": 7, "USD/2": 102 }], ["users:1", { "EUR/2": 7, "USD/2": 101 }]]);
    expect(first.hasMore).toBe(true);
    const next = await get(ctx.user, `${ctx.base}/accounts?cursor=${encodeURIComponent(first.next)}`);
    expect(next.trips).toBe(1);
    expect(next.body.cursor.data.map((a: { address: string; balances: unknown }) => [a.address, a.balances])).toEqual([["users:0", { "EUR/2": 7, "USD/2": 100 }]]);
    expect(next.body.cursor.hasMore).toBe(false);
    expect((await r("/accounts?metadata[tier]=gold")).data.map((a: { address: string }) => a.address)).toEqual(["users:1"]);
    const logs = await r("/logs?pageSize=2");
    const older = await get(ctx.user, `${ctx.base}/logs?cursor=${encodeURIComponent(logs.next)}`);
    expect(older.trips).toBe(1);
    expect(older.body.cursor.data.map((l: { id: number }) => l.id)).toEqual([1, 0]);
    expect((await get(ctx.user, `${ctx.base}/transactions/99`)).status).toBe(404);
  });

  it("answers a stranger the space's 404 in one round trip, reading none of its rows, cursor or filter refused or not", async () => {
    const { ctx, stranger } = await populated();
    const { get } = countingApp();
    const member = await get(ctx.user, `${ctx.base}/accounts?pageSize=1`);
    const cursor = encodeURIComponent(member.body.cursor.next);
    const none = await get(stranger, "/v1/spaces/spc_01doesnotexist000000000000/ledger/stats");
    for (const path of ["/transactions/1", "/balances", "/stats", "/logs", "/logs/verify", "/accounts/users:1", "/accounts", `/accounts?cursor=${cursor}`, `/accounts?cursor=abc.${"0".repeat(64)}`, `/logs?cursor=abc.${"0".repeat(64)}`, "/balances?address=users:*"]) {
      const theirs = await get(stranger, `${ctx.base}${path}`);
      expect(theirs.status, path).toBe(404);
      expect(theirs.body.error, path).toMatchObject({ code: none.body.error.code, message: none.body.error.message });
      expect(theirs.trips, path).toBe(1);
      expect(theirs.rowsRead, path).toBeLessThan(20);
      expect(JSON.stringify(theirs.body), path).not.toContain("users:");
    }
    // A member is told about a bad cursor or filter, after the membership check.
    expect((await get(ctx.user, `${ctx.base}/logs?cursor=abc.${"0".repeat(64)}`)).status).toBe(422);
    expect((await get(ctx.user, `${ctx.base}/accounts?cursor=abc.${"0".repeat(64)}`)).status).toBe(422);
  });

  it("verifies a log of 5,000 rows in one round trip and one round trip more per 5,000 more, with the verdict of the whole chain", { timeout: 60_000 }, async () => {
    const ctx = await ledgerSpace();
    await writeLogs(ctx.spaceId, 11_001);
    const { get } = countingApp();
    const verify = () => get(ctx.user, `${ctx.base}/logs/verify`);
    const whole = await verify();
    expect(whole.body.data).toEqual({ valid: true, checked: 11_001, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/), checkedFrom: 0, hasMore: false });
    expect(whole.trips).toBe(3);
    const last = await env.DB.prepare("SELECT hash FROM ledger_logs WHERE space_id = ? AND id = 11000").bind(ctx.spaceId).first<{ hash: string }>();
    expect(whole.body.data.lastHash).toBe(last!.hash);
    // A row broken in the first round trip's pages stops there; one in a later one, where it is.
    const tamper = (id: number) => env.DB.prepare("UPDATE ledger_logs SET data = '{\"n\":-1}' WHERE space_id = ? AND id = ?").bind(ctx.spaceId, id).run();
    await tamper(7_500);
    expect(await verify()).toMatchObject({ trips: 2, body: { data: { valid: false, firstBrokenId: 7_500, checked: 7_500 } } });
    await tamper(2_999);
    expect(await verify()).toMatchObject({ trips: 1, body: { data: { valid: false, firstBrokenId: 2_999, checked: 2_999 } } });
    // A missing row is found as missing, even at a page's edge.
    await env.DB.prepare("DELETE FROM ledger_logs WHERE space_id = ? AND id = 1000").bind(ctx.spaceId).run();
    expect((await verify()).body.data).toEqual({ valid: false, checked: 1_000, firstBrokenId: 1_000, reason: "Log 1000 is missing", checkedFrom: 0, hasMore: false });
    // Exactly one full page: the row after it is read with it (none here), so no empty page is read after it.
    const round = await ledgerSpace();
    await writeLogs(round.spaceId, 5_000);
    const five = await get(round.user, `${round.base}/logs/verify`);
    expect(five.body.data).toMatchObject({ valid: true, checked: 5_000 });
    expect(five.trips).toBe(1);
  });
});

describe("verifying a chain longer than one call checks", () => {
  it("stops at VERIFY_MAX_LOGS with a signed next that goes on from the hash it reached, to the whole chain's verdict", { timeout: 180_000 }, async () => {
    const ctx = await ledgerSpace();
    const total = VERIFY_MAX_LOGS + 1_500;
    await writeLogs(ctx.spaceId, total);
    const { get } = countingApp();
    const first = await get(ctx.user, `${ctx.base}/logs/verify`);
    expect(first.body.data).toMatchObject({ valid: true, checked: VERIFY_MAX_LOGS, checkedFrom: 0, hasMore: true });
    const hashAt = async (id: number) => (await env.DB.prepare("SELECT hash FROM ledger_logs WHERE space_id = ? AND id = ?").bind(ctx.spaceId, id).first<{ hash: string }>())!.hash;
    expect(first.body.data.lastHash).toBe(await hashAt(VERIFY_MAX_LOGS - 1));
    const next = first.body.data.next as string;
    const rest = await get(ctx.user, `${ctx.base}/logs/verify?cursor=${encodeURIComponent(next)}`);
    expect(rest.body.data).toEqual({ valid: true, checked: total, lastHash: await hashAt(total - 1), checkedFrom: VERIFY_MAX_LOGS, hasMore: false });
    expect(rest.trips).toBe(1);
    // A break past the first call is found by the next.
    await env.DB.prepare("UPDATE ledger_logs SET data = '{\"n\":-1}' WHERE space_id = ? AND id = ?").bind(ctx.spaceId, VERIFY_MAX_LOGS + 700).run();
    expect((await get(ctx.user, `${ctx.base}/logs/verify?cursor=${encodeURIComponent(next)}`)).body.data)
      .toMatchObject({ valid: false, firstBrokenId: VERIFY_MAX_LOGS + 700, checked: VERIFY_MAX_LOGS + 700, hasMore: false });
    // The log the cursor's hash came from, changed since: the continued call reports the break there.
    const boundary = await hashAt(VERIFY_MAX_LOGS - 1);
    await env.DB.prepare("UPDATE ledger_logs SET hash = ? WHERE space_id = ? AND id = ?").bind("f".repeat(64), ctx.spaceId, VERIFY_MAX_LOGS - 1).run();
    expect((await get(ctx.user, `${ctx.base}/logs/verify?cursor=${encodeURIComponent(next)}`)).body.data)
      .toMatchObject({ valid: false, firstBrokenId: VERIFY_MAX_LOGS - 1, checked: VERIFY_MAX_LOGS - 1, checkedFrom: VERIFY_MAX_LOGS, hasMore: false });
    await env.DB.prepare("UPDATE ledger_logs SET hash = ? WHERE space_id = ? AND id = ?").bind(boundary, ctx.spaceId, VERIFY_MAX_LOGS - 1).run();
    // The cursor is the server's: altered, or another space's, it is refused; a stranger still gets the space's 404.
    const [body, mac] = next.split(".") as [string, string];
    const altered = `${body}.${mac.slice(0, -1)}${mac.endsWith("0") ? "1" : "0"}`;
    expect((await get(ctx.user, `${ctx.base}/logs/verify?cursor=${encodeURIComponent(altered)}`)).status).toBe(422);
    const other = await ledgerSpace();
    expect((await get(other.user, `${other.base}/logs/verify?cursor=${encodeURIComponent(next)}`)).status).toBe(422);
    expect((await get(other.user, `${ctx.base}/logs/verify?cursor=${encodeURIComponent(next)}`)).status).toBe(404);
    // Kept past its 15 minutes, it vouches for nothing: verify again from the start.
    const svc = svcAt(Date.now() + VERIFY_CURSOR_TTL_MS + 1);
    await expect(verifyLogs(svc, await authOfUser(ctx.user), ctx.spaceId, next)).rejects.toMatchObject({ status: 422 });
  });
});

describe("the accounts summary", () => {
  it("counts the accounts and totals the active ones' balances in one round trip; a stranger's is a 404 in one", async () => {
    const ctx = await ledgerSpace();
    await createAccount(ctx.user, ctx.spaceId, { name: "Pesos", currency: "MXN", openingBalance: "99.99" });
    await createAccount(ctx.user, ctx.spaceId, { openingBalance: "0.10" });
    await createAccount(ctx.user, ctx.spaceId, { openingBalance: "0.20" });
    const closed = await createAccount(ctx.user, ctx.spaceId, { openingBalance: "1000.00" });
    await createAccount(ctx.user, ctx.spaceId, { name: "Card", type: "credit_card", currency: "EUR" });
    await env.DB.prepare("UPDATE accounts SET is_active = 0 WHERE id = ?").bind(closed.id).run();
    const viewer = await registerUser();
    await addMember(ctx.user, ctx.spaceId, viewer, "viewer");
    const { get } = countingApp();
    const path = `/v1/accounts/summary?spaceId=${ctx.spaceId}`;
    const own = await get(ctx.user, path);
    expect(own.status).toBe(200);
    expect(own.trips).toBe(1);
    // Currencies in the order their first active account was created.
    expect(JSON.stringify(own.body)).toBe(JSON.stringify({ totalCount: 5, activeCount: 4, totalBalanceByCurrency: { MXN: "99.99", USD: "0.30", EUR: "0.00" } }));
    const theirs = await get(viewer, path);
    expect(theirs.trips).toBe(1);
    expect(theirs.body).toEqual(own.body);
    const stranger = (await ledgerSpace()).user;
    const refused = await get(stranger, path);
    const none = await get(stranger, "/v1/accounts/summary?spaceId=spc_01doesnotexist000000000000");
    expect(refused.status).toBe(404);
    expect(refused.body.error).toMatchObject({ code: none.body.error.code, message: none.body.error.message });
    expect(refused.trips).toBe(1);
    expect(refused.rowsRead).toBeLessThan(20);
    expect(JSON.stringify(refused.body)).not.toContain("99.99");
  });
});

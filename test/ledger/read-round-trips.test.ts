/**
 * One D1 round trip per authenticated read (issue 10): the session check, the membership check and
 * the page go in one batch, for the Dhanam transaction list and for the ledger's transaction list,
 * first page and a cursor's page alike. Counted on the request's own D1 session.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { addMember, callJson, registerUser } from "../helpers";
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
  it("read with their accounts' balances in a fixed number of round trips, however many spaces", async () => {
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
    expect(new Set(trips).size).toBe(1);
    expect(trips[0]).toBeLessThanOrEqual(3);
    const stranger = (await ledgerSpace()).user;
    const theirs = await get(stranger, `/v1/spaces/${ctx.spaceId}`);
    expect(theirs.status).toBe(404);
    expect(theirs.trips).toBe(1);
    expect(theirs.rowsRead).toBeLessThan(20);
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

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../helpers";
import { get, ledgerSpace, postTx, posting } from "./helpers";

describe("ledger transactions", () => {
  it("commit postings with pre- and post-commit volumes", async () => {
    const ctx = await ledgerSpace();
    const { status, body } = await postTx(ctx, { postings: [posting("world", "users:alice", 10000)], reference: "r1", metadata: { k: "v" } });
    expect(status).toBe(201);
    expect(body.data[0]).toMatchObject({ txid: 0, reference: "r1", metadata: { k: "v" }, reverted: false });
    expect(body.data[0].preCommitVolumes["users:alice"]["USD/2"]).toEqual({ input: 0, output: 0, balance: 0 });
    expect(body.data[0].postCommitVolumes["users:alice"]["USD/2"]).toEqual({ input: 10000, output: 0, balance: 10000 });
    expect(body.data[0].postCommitVolumes.world["USD/2"]).toEqual({ input: 0, output: 10000, balance: -10000 });

    const second = await postTx(ctx, { postings: [posting("users:alice", "users:bob", 2550)] });
    expect(second.body.data[0].txid).toBe(1);
    const alice = await get(ctx, "/accounts/users:alice");
    expect(alice.body.data.balances).toEqual({ "USD/2": 7450 });
    expect(alice.body.data.volumes["USD/2"]).toEqual({ input: 10000, output: 2550, balance: 7450 });
  });

  it("preview computes without committing", async () => {
    const ctx = await ledgerSpace();
    const preview = await postTx(ctx, { postings: [posting("world", "a", 500)] }, { query: "?preview=true" });
    expect(preview.status).toBe(200);
    expect(preview.body.data[0].postCommitVolumes.a["USD/2"].balance).toBe(500);
    const stats = await get(ctx, "/stats");
    expect(stats.body.data).toEqual({ transactions: 0, accounts: 0 });
    const failing = await postTx(ctx, { postings: [posting("a", "b", 1)] }, { query: "?preview=true" });
    expect(failing.status).toBe(422);
    expect(failing.body.error.code).toBe("INSUFFICIENT_FUNDS");
  });

  it("refuses to overdraw a bounded address", async () => {
    const ctx = await ledgerSpace();
    await postTx(ctx, { postings: [posting("world", "a", 100)] });
    const { status, body } = await postTx(ctx, { postings: [posting("a", "b", 101)] });
    expect(status).toBe(422);
    expect(body.error.code).toBe("INSUFFICIENT_FUNDS");
    expect(body.error.details[0].field).toBe("postings.0.source");
    // Chained postings: a sends to b, b forwards it in the same transaction.
    const chained = await postTx(ctx, { postings: [posting("a", "b", 100), posting("b", "c", 100)] });
    expect(chained.status).toBe(201);
  });

  it("rejects a reused reference with 409", async () => {
    const ctx = await ledgerSpace();
    expect((await postTx(ctx, { postings: [posting("world", "a", 1)], reference: "dup" })).status).toBe(201);
    const again = await postTx(ctx, { postings: [posting("world", "a", 1)], reference: "dup" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("CONFLICT");
  });

  it("validates postings field by field", async () => {
    const ctx = await ledgerSpace();
    const { status, body } = await postTx(ctx, {
      postings: [{ source: "bad address!", destination: "a", amount: -5, asset: "usd" }, { source: "a", destination: "a", amount: 1.5, asset: "USD/2" }],
    });
    expect(status).toBe(422);
    const fields = body.error.details.map((d: any) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["postings.0.source", "postings.0.amount", "postings.0.asset", "postings.1.amount"]));
    const self = await postTx(ctx, { postings: [posting("a", "a", 1)] });
    expect(self.body.error.details[0].field).toBe("postings.0.destination");
    expect((await postTx(ctx, { postings: [] })).status).toBe(422);
  });

  it("supports BTC/8 and JPY/0 with exact integers", async () => {
    const ctx = await ledgerSpace();
    const r = await postTx(ctx, { postings: [posting("world", "w", 2_100_000_000_000_000, "BTC/8"), posting("world", "w", 1500, "JPY/0")] });
    expect(r.status).toBe(201);
    const w = await get(ctx, "/accounts/w");
    expect(w.body.data.balances).toEqual({ "BTC/8": 2_100_000_000_000_000, "JPY/0": 1500 });
  });
});

describe("reverts", () => {
  it("happen exactly once, as a compensating transaction", async () => {
    const ctx = await ledgerSpace();
    await postTx(ctx, { postings: [posting("world", "a", 1000)] });
    const t = await postTx(ctx, { postings: [posting("a", "b", 300)] });
    const r = await callJson(`${ctx.base}/transactions/${t.body.data[0].txid}/revert`, { method: "POST", token: ctx.user.accessToken, ip: ctx.user.ip });
    expect(r.status).toBe(201);
    expect(r.body.data.postings).toEqual([posting("b", "a", 300)]);
    expect(r.body.data.reverts).toBe(1);
    const original = await get(ctx, `/transactions/${t.body.data[0].txid}`);
    expect(original.body.data).toMatchObject({ reverted: true, revertedBy: r.body.data.txid });
    const again = await callJson(`${ctx.base}/transactions/1/revert`, { method: "POST", token: ctx.user.accessToken, ip: ctx.user.ip });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("ALREADY_REVERTED");
    expect((await get(ctx, "/accounts/a")).body.data.balances["USD/2"]).toBe(1000);
    const missing = await callJson(`${ctx.base}/transactions/999/revert`, { method: "POST", token: ctx.user.accessToken, ip: ctx.user.ip });
    expect(missing.status).toBe(404);
  });
});

describe("batches", () => {
  it("commit all transactions or none", async () => {
    const ctx = await ledgerSpace();
    const ok = await callJson(`${ctx.base}/transactions/batch`, {
      token: ctx.user.accessToken, ip: ctx.user.ip,
      body: { transactions: [{ postings: [posting("world", "a", 100)] }, { postings: [posting("a", "b", 60)] }] },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.data.map((t: any) => t.txid)).toEqual([0, 1]);
    const bad = await callJson(`${ctx.base}/transactions/batch`, {
      token: ctx.user.accessToken, ip: ctx.user.ip,
      body: { transactions: [{ postings: [posting("world", "c", 5)] }, { postings: [posting("a", "b", 41)] }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("INSUFFICIENT_FUNDS");
    // The refusal names the failing item's field as the batch's body does.
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: "transactions.1.postings.0.source", code: "INSUFFICIENT_FUNDS" })]);
    expect((await get(ctx, "/accounts/c")).body.data.balances).toEqual({});
    expect((await get(ctx, "/stats")).body.data.transactions).toBe(2);
    const tooMany = await callJson(`${ctx.base}/transactions/batch`, {
      token: ctx.user.accessToken, ip: ctx.user.ip,
      body: { transactions: Array.from({ length: 101 }, () => ({ postings: [posting("world", "a", 1)] })) },
    });
    expect(tooMany.status).toBe(422);
    // A reference used twice in one batch names the second use; a back-dated overdraft names the item's timestamp.
    const twice = await callJson(`${ctx.base}/transactions/batch`, {
      token: ctx.user.accessToken, ip: ctx.user.ip,
      body: { transactions: [{ postings: [posting("world", "d", 1)], reference: "r" }, { postings: [posting("world", "d", 1)] }, { postings: [posting("world", "d", 1)], reference: "r" }] },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.details).toEqual([expect.objectContaining({ field: "transactions.2.reference", code: "CONFLICT" })]);
    await postTx(ctx, { postings: [posting("world", "e", 10)], timestamp: "2024-01-01T00:00:00Z" });
    await postTx(ctx, { postings: [posting("e", "f", 10)], timestamp: "2024-03-01T00:00:00Z" });
    await postTx(ctx, { postings: [posting("world", "e", 10)] }); // e holds 10 now, none on March 1st
    const early = await callJson(`${ctx.base}/transactions/batch`, {
      token: ctx.user.accessToken, ip: ctx.user.ip,
      body: { transactions: [{ postings: [posting("world", "g", 1)] }, { postings: [posting("e", "g", 5)], timestamp: "2024-02-01T00:00:00Z" }] },
    });
    expect(early.status).toBe(422);
    expect(early.body.error.details).toEqual([expect.objectContaining({ field: "transactions.1.timestamp", code: "INSUFFICIENT_FUNDS" })]);
    // The transaction to blame, not the batch's first on the address (here a deposit).
    const blamed = await callJson(`${ctx.base}/transactions/batch`, {
      token: ctx.user.accessToken, ip: ctx.user.ip,
      body: { transactions: [{ postings: [posting("world", "e", 1)], timestamp: "2023-12-01T00:00:00Z" }, { postings: [posting("e", "g", 5)], timestamp: "2024-02-01T00:00:00Z" }] },
    });
    expect(blamed.status).toBe(422);
    expect(blamed.body.error.details).toEqual([expect.objectContaining({ field: "transactions.1.timestamp" })]);
    // A revert's refusal keeps the ledger's own terms (it has no amount field).
    await postTx(ctx, { postings: [posting("world", "h", 10)] });
    const spent = await postTx(ctx, { postings: [posting("h", "i", 10)] });
    await postTx(ctx, { postings: [posting("i", "j", 10)] });
    const revert = await callJson(`${ctx.base}/transactions/${spent.body.data[0].txid}/revert`, { method: "POST", token: ctx.user.accessToken, ip: ctx.user.ip });
    expect(revert.status).toBe(422);
    expect(revert.body.error.details[0].field).toMatch(/^postings\./);
    const alone = await postTx(ctx, { postings: [posting("e", "g", 5)], timestamp: "2024-02-01T00:00:00Z" });
    expect(alone.body.error.details).toEqual([expect.objectContaining({ field: "timestamp", code: "INSUFFICIENT_FUNDS" })]);
  });

  it("preview=true computes a batch without committing it (it used to be ignored, and the batch committed)", async () => {
    const ctx = await ledgerSpace();
    const preview = await callJson(`${ctx.base}/transactions/batch?preview=true`, {
      token: ctx.user.accessToken, ip: ctx.user.ip,
      body: { transactions: [{ postings: [posting("world", "a", 100)] }, { postings: [posting("a", "b", 60)] }] },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.data[1].postCommitVolumes.b["USD/2"].balance).toBe(60);
    expect((await get(ctx, "/stats")).body.data).toEqual({ transactions: 0, accounts: 0 });
    const failing = await callJson(`${ctx.base}/transactions/batch?preview=true`, {
      token: ctx.user.accessToken, ip: ctx.user.ip, body: { transactions: [{ postings: [posting("a", "b", 1)] }] },
    });
    expect(failing.body.error.code).toBe("INSUFFICIENT_FUNDS");
  });
});

describe("idempotency", () => {
  it("replays the first response for the same key and body, refuses a different body", async () => {
    const ctx = await ledgerSpace();
    const body = { postings: [posting("world", "a", 100)] };
    const first = await postTx(ctx, body, { headers: { "idempotency-key": "k-1" } });
    const second = await postTx(ctx, body, { headers: { "idempotency-key": "k-1" } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.res.headers.get("idempotency-replayed")).toBe("true");
    expect(first.res.headers.get("idempotency-replayed")).toBeNull();
    expect(second.body.data).toEqual(first.body.data);
    const other = await postTx(ctx, { postings: [posting("world", "a", 101)] }, { headers: { "idempotency-key": "k-1" } });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect((await get(ctx, "/stats")).body.data.transactions).toBe(1);
  });
});

describe("listing", () => {
  it("pages with cursors and filters by account, reference, metadata and time", async () => {
    const ctx = await ledgerSpace();
    for (let i = 0; i < 7; i++) {
      await postTx(ctx, { postings: [posting("world", i % 2 ? "users:odd" : "users:even", 10)], reference: `ref-${i}`, metadata: { parity: i % 2 ? "odd" : "even" } });
    }
    const p1 = await get(ctx, "/transactions?pageSize=3");
    expect(p1.body.cursor.data.map((t: any) => t.txid)).toEqual([6, 5, 4]);
    expect(p1.body.cursor.hasMore).toBe(true);
    const p2 = await get(ctx, `/transactions?cursor=${p1.body.cursor.next}`);
    expect(p2.body.cursor.data.map((t: any) => t.txid)).toEqual([3, 2, 1]);
    const back = await get(ctx, `/transactions?cursor=${p2.body.cursor.previous}`);
    expect(back.body.cursor.data.map((t: any) => t.txid)).toEqual([6, 5, 4]);
    const p3 = await get(ctx, `/transactions?cursor=${p2.body.cursor.next}`);
    expect(p3.body.cursor.data.map((t: any) => t.txid)).toEqual([0]);
    expect(p3.body.cursor.hasMore).toBe(false);

    expect((await get(ctx, "/transactions?account=users:odd")).body.cursor.data.map((t: any) => t.txid)).toEqual([5, 3, 1]);
    expect((await get(ctx, "/transactions?account=users:*&pageSize=100")).body.cursor.data).toHaveLength(7);
    expect((await get(ctx, "/transactions?destination=users:even")).body.cursor.data).toHaveLength(4);
    expect((await get(ctx, "/transactions?source=users:even")).body.cursor.data).toHaveLength(0);
    expect((await get(ctx, "/transactions?reference=ref-2")).body.cursor.data.map((t: any) => t.txid)).toEqual([2]);
    expect((await get(ctx, "/transactions?metadata[parity]=even&pageSize=100")).body.cursor.data).toHaveLength(4);
    expect((await get(ctx, "/transactions?endTime=2000-01-01T00:00:00Z")).body.cursor.data).toHaveLength(0);
    // An end before its start is refused, not answered with an empty page (metadata filters still allowed beside it).
    const reversed = await get(ctx, "/transactions?startTime=2030-01-02T00:00:00Z&endTime=2030-01-01T00:00:00Z&metadata[parity]=even");
    expect(reversed.status).toBe(422);
    expect(reversed.body.error.details[0]).toMatchObject({ field: "endTime", code: "INVALID_RANGE" });
    expect((await get(ctx, "/transactions?startTime=2000-01-01T00:00:00Z&endTime=2100-01-01T00:00:00Z&metadata[parity]=even&pageSize=100")).body.cursor.data).toHaveLength(4);
    expect((await get(ctx, "/transactions?cursor=garbage")).status).toBe(422);

    // A cursor carries its query: sent with the same filters and size it pages on; with others it is refused
    // on each, not answered with a page of another query. A filter with a key no metadata can have is refused too.
    const odd = await get(ctx, "/transactions?account=users:odd&pageSize=2");
    expect((await get(ctx, `/transactions?account=users:odd&pageSize=2&cursor=${odd.body.cursor.next}`)).body.cursor.data.map((t: any) => t.txid)).toEqual([1]);
    const conflict = await get(ctx, `/transactions?cursor=${odd.body.cursor.next}&account=users:even&pageSize=5&metadata[parity]=odd`);
    expect(conflict.status).toBe(422);
    expect(conflict.body.error.details.map((d: any) => [d.field, d.code])).toEqual([["account", "CURSOR_CONFLICT"], ["metadata", "CURSOR_CONFLICT"], ["pageSize", "CURSOR_CONFLICT"]]);
    // The same metadata filters in another order are the same query.
    for (let i = 0; i < 2; i++) await postTx(ctx, { postings: [posting("world", "tagged:a", 1)], metadata: { a: "1", b: "2" } });
    const tagged = await get(ctx, "/transactions?metadata[a]=1&metadata[b]=2&pageSize=1");
    const reordered = await get(ctx, `/transactions?metadata[b]=2&metadata[a]=1&pageSize=1&cursor=${tagged.body.cursor.next}`);
    expect(reordered.status).toBe(200);
    expect(reordered.body.cursor.data).toHaveLength(1);
    const firstAccounts = await get(ctx, "/accounts?pageSize=1");
    expect((await get(ctx, `/accounts?cursor=${firstAccounts.body.cursor.next}&pageSize=2`)).body.error.details[0]).toMatchObject({ field: "pageSize", code: "CURSOR_CONFLICT" });
    expect((await get(ctx, `/logs?cursor=${(await get(ctx, "/logs?pageSize=1")).body.cursor.next}&pageSize=1`)).status).toBe(200);
    const badKey = await get(ctx, "/transactions?metadata[order%20id]=5&pageSize=3");
    expect(badKey.status).toBe(422);
    expect(badKey.body.error.details[0]).toMatchObject({ field: "metadata[order id]", code: "INVALID_KEY" });

    const accounts = await get(ctx, "/accounts?address=users:*");
    expect(accounts.body.cursor.data.map((a: any) => a.address)).toEqual(["users:odd", "users:even"]); // descending, as in seed 004
    const balances = await get(ctx, "/balances?address=users:...");
    expect(balances.body.data).toEqual({ "USD/2": 70 });
    const all = await get(ctx, "/balances");
    expect(all.body.data).toEqual({ "USD/2": 0 });
  });

  it("pages accounts (by address, descending) and logs (newest first) both ways, and starts a list after a given item", async () => {
    const ctx = await ledgerSpace();
    const names = ["a", "b", "c", "d", "e"];
    for (const n of names) await postTx(ctx, { postings: [posting("world", `users:${n}`, 1)] });
    const addresses = (page: any) => page.body.cursor.data.map((a: any) => a.address);
    const first = await get(ctx, "/accounts?address=users:*&pageSize=2");
    expect(addresses(first)).toEqual(["users:e", "users:d"]);
    expect(first.body.cursor.previous).toBeUndefined();
    const second = await get(ctx, `/accounts?cursor=${first.body.cursor.next}`);
    expect(addresses(second)).toEqual(["users:c", "users:b"]);
    const third = await get(ctx, `/accounts?cursor=${second.body.cursor.next}`);
    expect(addresses(third)).toEqual(["users:a"]);
    expect(third.body.cursor).toMatchObject({ hasMore: false });
    expect(third.body.cursor.next).toBeUndefined();
    const back = await get(ctx, `/accounts?cursor=${third.body.cursor.previous}`);
    expect(addresses(back)).toEqual(["users:c", "users:b"]);
    expect(addresses(await get(ctx, `/accounts?cursor=${back.body.cursor.previous}`))).toEqual(["users:e", "users:d"]);
    // Seed 004's `after`: the items after the one named, in the list's order.
    expect(addresses(await get(ctx, "/accounts?address=users:*&after=users:c"))).toEqual(["users:b", "users:a"]);
    const afterTx = await get(ctx, "/transactions?after=3");
    expect(afterTx.body.cursor.data.map((t: any) => t.txid)).toEqual([2, 1, 0]);
    // A cursor already says where its page starts.
    const both = await get(ctx, `/accounts?cursor=${first.body.cursor.next}&after=users:c`);
    expect(both.body.error.details).toEqual([expect.objectContaining({ field: "after", code: "CURSOR_CONFLICT" })]);

    const ids = (page: any) => page.body.cursor.data.map((l: any) => l.id);
    const logs1 = await get(ctx, "/logs?pageSize=2");
    expect(ids(logs1)).toEqual([4, 3]);
    const logs2 = await get(ctx, `/logs?cursor=${logs1.body.cursor.next}`);
    expect(ids(logs2)).toEqual([2, 1]);
    expect(ids(await get(ctx, `/logs?cursor=${logs2.body.cursor.previous}`))).toEqual([4, 3]);
    const logs3 = await get(ctx, `/logs?cursor=${logs2.body.cursor.next}`);
    expect(ids(logs3)).toEqual([0]);
    expect(logs3.body.cursor.next).toBeUndefined();
    expect(ids(await get(ctx, `/logs?cursor=${logs3.body.cursor.previous}`))).toEqual([2, 1]);
  });

  it("sets metadata on transactions and accounts through the log", async () => {
    const ctx = await ledgerSpace();
    await postTx(ctx, { postings: [posting("world", "a", 1)] });
    const put = await callJson(`${ctx.base}/transactions/0/metadata`, { method: "PUT", token: ctx.user.accessToken, ip: ctx.user.ip, body: { note: "hi" } });
    expect(put.status).toBe(204);
    expect((await get(ctx, "/transactions/0")).body.data.metadata).toEqual({ note: "hi" });
    await callJson(`${ctx.base}/accounts/a/metadata`, { token: ctx.user.accessToken, ip: ctx.user.ip, body: { owner: "alice" } });
    expect((await get(ctx, "/accounts?metadata[owner]=alice")).body.cursor.data.map((a: any) => a.address)).toEqual(["a"]);
    const logs = await get(ctx, "/logs");
    expect(logs.body.cursor.data.map((l: any) => l.type)).toEqual(["SET_METADATA", "SET_METADATA", "NEW_TRANSACTION"]);
    // A key an object cannot hold is refused, not accepted and lost.
    const proto = JSON.parse('{"__proto__":"x","constructor":"y"}');
    const refused = await callJson(`${ctx.base}/transactions/0/metadata`, { method: "PUT", token: ctx.user.accessToken, ip: ctx.user.ip, body: proto });
    expect(refused.status).toBe(422);
    expect((await postTx(ctx, { postings: [posting("world", "a", 1)], metadata: proto })).status).toBe(422);
    expect((await get(ctx, "/transactions/0")).body.data.metadata).toEqual({ note: "hi" });
  });

  it("refuses a metadata merge that would leave more than 64 keys, on a transaction or an account", async () => {
    const ctx = await ledgerSpace();
    await postTx(ctx, { postings: [posting("world", "a", 1)] });
    const keys = (prefix: string, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "v"]));
    const put = (path: string, body: Record<string, string>) => callJson(`${ctx.base}${path}`, { method: path.includes("/accounts/") ? "POST" : "PUT", token: ctx.user.accessToken, ip: ctx.user.ip, body });
    for (const path of ["/transactions/0/metadata", "/accounts/a/metadata"]) {
      expect((await put(path, keys("a", 60))).status).toBe(204);
      // Overwriting keys already there is fine; four new ones reach the limit; one more is refused, and nothing of it lands.
      expect((await put(path, { ...keys("a", 10), ...keys("b", 4) })).status).toBe(204);
      const over = await put(path, { a0: "changed", c0: "v" });
      expect(over.status).toBe(422);
      expect(over.body.error).toMatchObject({ code: "VALIDATION_FAILED", details: [{ field: "metadata", code: "TOO_BIG" }] });
      expect(over.body.error.message).toMatch(/at most 64 metadata keys; this would leave 65/);
    }
    const tx = (await get(ctx, "/transactions/0")).body.data.metadata;
    expect(Object.keys(tx)).toHaveLength(64);
    expect(tx.a0).toBe("v");
    expect(Object.keys((await get(ctx, "/accounts/a")).body.data.metadata)).toHaveLength(64);
  });
});

describe("log verification", () => {
  it("verifies the chain and reports the first tampered row", async () => {
    const ctx = await ledgerSpace();
    for (let i = 0; i < 5; i++) await postTx(ctx, { postings: [posting("world", "a", 100 + i)] });
    const ok = await get(ctx, "/logs/verify");
    expect(ok.body.data).toMatchObject({ valid: true, checked: 5 });

    const row = await env.DB.prepare("SELECT data FROM ledger_logs WHERE space_id = ? AND id = 2").bind(ctx.spaceId).first<{ data: string }>();
    await env.DB.prepare("UPDATE ledger_logs SET data = ? WHERE space_id = ? AND id = 2")
      .bind(row!.data.replace('"amount":102', '"amount":999'), ctx.spaceId)
      .run();
    const broken = await get(ctx, "/logs/verify");
    expect(broken.body.data).toMatchObject({ valid: false, firstBrokenId: 2, checked: 2 });
  });
});

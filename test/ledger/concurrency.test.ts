import { describe, expect, it } from "vitest";
import { call, callJson } from "../helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { get, ledgerSpace, postTx, posting } from "./helpers";

const statuses = (rs: { status: number }[]) =>
  rs.reduce<Record<number, number>>((acc, r) => ((acc[r.status] = (acc[r.status] ?? 0) + 1), acc), {});

describe("concurrency", () => {
  it("200 concurrent +1 postings to one account end exactly +200", async () => {
    const ctx = await ledgerSpace();
    const rs = await Promise.all(Array.from({ length: 200 }, () => postTx(ctx, { postings: [posting("world", "hot", 1)] })));
    expect(statuses(rs)).toEqual({ 201: 200 });
    expect((await get(ctx, "/accounts/hot")).body.data.balances["USD/2"]).toBe(200);
    expect(new Set(rs.map((r) => r.body.data[0].txid)).size).toBe(200);
    expect(await ledgerViolations(ctx.spaceId)).toEqual([]);
  });

  it("from 100, 50 concurrent withdrawals of 10 give exactly 10 successes", async () => {
    const ctx = await ledgerSpace();
    await postTx(ctx, { postings: [posting("world", "wallet", 100)] });
    const rs = await Promise.all(Array.from({ length: 50 }, () => postTx(ctx, { postings: [posting("wallet", "shop", 10)] })));
    expect(statuses(rs)).toEqual({ 201: 10, 422: 40 });
    expect(rs.filter((r) => r.status === 422).every((r) => r.body.error.code === "INSUFFICIENT_FUNDS")).toBe(true);
    expect((await get(ctx, "/accounts/wallet")).body.data.balances["USD/2"]).toBe(0);
    expect(await ledgerViolations(ctx.spaceId)).toEqual([]);
  });

  it("20 concurrent reverts of one transaction give exactly one success", async () => {
    const ctx = await ledgerSpace();
    await postTx(ctx, { postings: [posting("world", "a", 100)] });
    const rs = await Promise.all(
      Array.from({ length: 20 }, () => callJson(`${ctx.base}/transactions/0/revert`, { method: "POST", token: ctx.user.accessToken, ip: ctx.user.ip })),
    );
    expect(statuses(rs)).toEqual({ 201: 1, 409: 19 });
    expect((await get(ctx, "/stats")).body.data.transactions).toBe(2);
    expect(await ledgerViolations(ctx.spaceId)).toEqual([]);
  });

  it("20 concurrent requests with one idempotency key create one transaction", async () => {
    const ctx = await ledgerSpace();
    const body = { postings: [posting("world", "a", 7)] };
    const rs = await Promise.all(Array.from({ length: 20 }, () => postTx(ctx, body, { headers: { "idempotency-key": "same-key" } })));
    expect(statuses(rs)).toEqual({ 201: 20 });
    expect(rs.filter((r) => r.res.headers.get("idempotency-replayed") === "true")).toHaveLength(19);
    expect(new Set(rs.map((r) => r.body.data[0].txid))).toEqual(new Set([0]));
    expect((await get(ctx, "/stats")).body.data.transactions).toBe(1);
  });

  it("spaces do not block or see each other", async () => {
    const [a, b] = await Promise.all([ledgerSpace(), ledgerSpace()]);
    await Promise.all([
      ...Array.from({ length: 20 }, () => postTx(a, { postings: [posting("world", "x", 1)] })),
      ...Array.from({ length: 20 }, () => postTx(b, { postings: [posting("world", "x", 2)] })),
    ]);
    expect((await get(a, "/accounts/x")).body.data.balances["USD/2"]).toBe(20);
    expect((await get(b, "/accounts/x")).body.data.balances["USD/2"]).toBe(40);
    const foreign = await call(`${b.base}/accounts/x`, { token: a.user.accessToken, ip: a.user.ip });
    expect(foreign.status).toBe(404);
  });
});

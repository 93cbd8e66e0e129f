/**
 * One D1 round trip per authenticated read (issue 10): the session check, the membership check and
 * the page go in one batch, for the Dhanam transaction list and for the ledger's transaction list,
 * first page and a cursor's page alike. Counted on the request's own D1 session.
 */
import { describe, expect, it } from "vitest";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
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

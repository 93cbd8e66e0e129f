/**
 * D1 binds at most 100 parameters per statement. Ledger lists used to bind
 * one parameter per address a pattern matched, and refused patterns matching
 * more than 90 addresses with a 422. Here a pattern matches 150 addresses and
 * every list must answer all of them, page after page, with exact counts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { get, type LedgerCtx, ledgerSpace, posting } from "./helpers";
import { commitEach, fundUsers, pad } from "./many-addresses";

const USERS = 150;
const SPENDERS = 30;

let ctx: LedgerCtx;

/** Every page of a cursor list, following `next` until it runs out; fails on any status but 200. */
async function allPages(path: string): Promise<any[][]> {
  const pages: any[][] = [];
  let res = await get(ctx, path);
  for (;;) {
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    pages.push(res.body.cursor.data);
    if (!res.body.cursor.next) break;
    expect(res.body.cursor.hasMore).toBe(true);
    res = await get(ctx, `${path.split("?")[0]}?cursor=${res.body.cursor.next}`);
  }
  return pages;
}

beforeAll(async () => {
  ctx = await ledgerSpace();
  await fundUsers(ctx, USERS, 100); // txids 0..149: world -> users:uNNN
  await commitEach(ctx, [
    ...Array.from({ length: SPENDERS }, (_, i) => posting(`users:u${pad(i)}`, "merchants:shop", 10)), // txids 150..179
    posting("world", "users:u000:sub", 5), // txid 180: three segments, so users:* does not match it, users:... does
    posting("world", "usersx:a", 7), // txid 181: shares the literal prefix "users", matches neither
  ]);
}, 120_000);

describe(`a pattern matching ${USERS} addresses`, () => {
  it("lists transactions by account, source and destination, page after page", async () => {
    const byAccount = await allPages("/transactions?account=users:*&pageSize=50");
    expect(byAccount.map((p) => p.length)).toEqual([50, 50, 50, 30]);
    const txids = byAccount.flat().map((t) => t.txid);
    expect(txids).toEqual(Array.from({ length: USERS + SPENDERS }, (_, i) => USERS + SPENDERS - 1 - i));

    const bySource = (await allPages("/transactions?source=users:*&pageSize=20")).flat();
    expect(bySource.map((t) => t.txid)).toEqual(Array.from({ length: SPENDERS }, (_, i) => USERS + SPENDERS - 1 - i));
    const byDestination = (await allPages("/transactions?destination=users:*&pageSize=100")).flat();
    expect(byDestination).toHaveLength(USERS);
    expect(byDestination.every((t) => t.postings[0].source === "world")).toBe(true);

    const withRest = (await allPages("/transactions?account=users:...&pageSize=1000")).flat();
    expect(withRest.map((t) => t.txid)).toContain(180);
    expect(withRest).toHaveLength(USERS + SPENDERS + 1);
  });

  it("pages back with previous", async () => {
    const p1 = await get(ctx, "/transactions?account=users:*&pageSize=70");
    const p2 = await get(ctx, `/transactions?cursor=${p1.body.cursor.next}`);
    expect(p2.status).toBe(200);
    const back = await get(ctx, `/transactions?cursor=${p2.body.cursor.previous}`);
    expect(back.status).toBe(200);
    expect(back.body.cursor.data.map((t: any) => t.txid)).toEqual(p1.body.cursor.data.map((t: any) => t.txid));
  });

  it("lists the matching accounts and sums their balances", async () => {
    const accounts = (await allPages("/accounts?address=users:*&pageSize=60")).map((p) => p.map((a) => a.address));
    expect(accounts.map((p) => p.length)).toEqual([60, 60, 30]);
    expect(accounts.flat()).toEqual(Array.from({ length: USERS }, (_, i) => `users:u${pad(USERS - 1 - i)}`)); // by address, descending

    const balances = await get(ctx, "/balances?address=users:*");
    expect(balances.status).toBe(200);
    expect(balances.body.data).toEqual({ "USD/2": USERS * 100 - SPENDERS * 10 });
    const withRest = await get(ctx, "/balances?address=users:...");
    expect(withRest.body.data).toEqual({ "USD/2": USERS * 100 - SPENDERS * 10 + 5 });
  });
});

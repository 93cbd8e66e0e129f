/**
 * Ledger cursors come back from the client, so they are checked like fresh
 * input. They used to be trusted base64 JSON: `{"f":{},"n":1000000}` returned
 * 1,300 rows in one page, `"n":"abc"` was a 500, and filters inside a cursor
 * skipped the query's validation. Now a cursor is signed for its list and its
 * space, and its payload is validated with the query's limits; anything else
 * is a 422 naming the cursor (INVALID_CURSOR), never a 500 and never a page.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { signCursor } from "../../src/lib/cursor";
import { createSpace } from "../helpers";
import { get, type LedgerCtx, ledgerSpace, posting, postTx } from "../ledger/helpers";
import { fundUsers } from "../ledger/many-addresses";

let ctx: LedgerCtx;
let other: LedgerCtx;

const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
/** A cursor signed with the server's own key: only the payload checks stand between it and the database. */
const signed = (payload: unknown, route = "ledger.transactions", spaceId = ctx.spaceId) =>
  signCursor({ secret: env.JWT_SECRET, route, spaceId }, payload);

async function expectInvalidCursor(list: string, cursor: string) {
  const res = await get(ctx, `/${list}?cursor=${encodeURIComponent(cursor)}`);
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(422);
  expect(res.body.error.code).toBe("VALIDATION_FAILED");
  expect(res.body.error.details).toEqual([expect.objectContaining({ field: "cursor", code: "INVALID_CURSOR" })]);
}

beforeAll(async () => {
  ctx = await ledgerSpace();
  await fundUsers(ctx, 120);
  const space = await createSpace(ctx.user, { name: "Second" });
  other = { user: ctx.user, spaceId: space.id, base: `/v1/spaces/${space.id}/ledger` };
  await postTx(other, { postings: [posting("world", "a", 1)] });
  await postTx(other, { postings: [posting("world", "b", 1)] });
}, 60_000);

describe("ledger cursors", () => {
  it("still page through a list when they are the server's own", async () => {
    const p1 = await get(ctx, "/transactions?pageSize=100");
    const p2 = await get(ctx, `/transactions?cursor=${p1.body.cursor.next}`);
    expect(p2.status).toBe(200);
    expect(p2.body.cursor.data).toHaveLength(20);
    expect(p2.body.cursor.pageSize).toBe(100);
  });

  it("refuse a forged, unsigned cursor, however it is shaped", async () => {
    await expectInvalidCursor("transactions", b64url(JSON.stringify({ f: {}, n: 1_000_000 })));
    await expectInvalidCursor("transactions", b64url(JSON.stringify({ f: {}, n: "abc" })));
    await expectInvalidCursor("accounts", b64url(JSON.stringify({ f: {}, n: 1_000_000 })));
    await expectInvalidCursor("logs", b64url(JSON.stringify({ before: 1e9, n: 1_000_000 })));
    await expectInvalidCursor("transactions", `${b64url(JSON.stringify({ f: {}, n: 5 }))}.${"0".repeat(64)}`);
    await expectInvalidCursor("transactions", "garbage");
    await expectInvalidCursor("transactions", ".");
  });

  it("refuse a real cursor whose signature or payload was altered", async () => {
    const next: string = (await get(ctx, "/transactions?pageSize=2")).body.cursor.next;
    const [body, mac] = next.split(".") as [string, string];
    const flipped = `${body}.${mac.slice(0, -1)}${mac.endsWith("0") ? "1" : "0"}`;
    await expectInvalidCursor("transactions", flipped);
    const bigger = b64url(JSON.stringify({ ...JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/"))), n: 1000 }));
    await expectInvalidCursor("transactions", `${bigger}.${mac}`);
    await expectInvalidCursor("transactions", `${body}.${mac.toUpperCase()}`);
    await expectInvalidCursor("transactions", `${body}x.${mac}`);
  });

  it("validate the payload with the query's limits even when it is signed", async () => {
    await expectInvalidCursor("transactions", await signed({ f: {}, n: 1_000_000 }));
    await expectInvalidCursor("transactions", await signed({ f: {}, n: 0 }));
    await expectInvalidCursor("transactions", await signed({ f: {}, n: "abc" }));
    await expectInvalidCursor("transactions", await signed({ f: {}, n: 1.5 }));
    await expectInvalidCursor("transactions", await signed({ f: {}, before: -1, n: 10 }));
    await expectInvalidCursor("transactions", await signed({ f: {}, before: "1; DROP TABLE", n: 10 }));
    await expectInvalidCursor("transactions", await signed({ f: {}, before: 5, after: 1, n: 10 }));
    await expectInvalidCursor("transactions", await signed({ f: { account: "accounts:**********#" }, n: 10 }));
    await expectInvalidCursor("transactions", await signed({ f: { startTime: "yesterday" }, n: 10 }));
    await expectInvalidCursor("transactions", await signed({ f: { metadata: Array(11).fill(["k", "v"]) }, n: 10 }));
    await expectInvalidCursor("transactions", await signed({ f: {}, n: 10, extra: true }));
    await expectInvalidCursor("transactions", await signed(null));
    await expectInvalidCursor("accounts", await signed({ f: { address: "users:(a+)+" }, n: 10 }, "ledger.accounts"));
    await expectInvalidCursor("accounts", await signed({ f: {}, after: "bad address!", n: 10 }, "ledger.accounts"));
    await expectInvalidCursor("logs", await signed({ before: 10, n: 5000 }, "ledger.logs"));
    // The same payloads within limits are accepted: it is the limits that refuse the ones above.
    expect((await get(ctx, `/transactions?cursor=${await signed({ f: { account: "users:*" }, n: 1000 })}`)).body.cursor.data).toHaveLength(120);
    expect((await get(ctx, `/logs?cursor=${await signed({ before: 10, n: 5 }, "ledger.logs")}`)).status).toBe(200);
  });

  it("refuse a cursor from another space of the same user", async () => {
    const theirs: string = (await get(other, "/transactions?pageSize=1")).body.cursor.next;
    expect(theirs).toBeTruthy();
    expect((await get(other, `/transactions?cursor=${theirs}`)).status).toBe(200);
    await expectInvalidCursor("transactions", theirs);
    await expectInvalidCursor("accounts", (await get(other, "/accounts?pageSize=1")).body.cursor.next);
    await expectInvalidCursor("logs", (await get(other, "/logs?pageSize=1")).body.cursor.next);
  });

  it("refuse a cursor from another list of the same space", async () => {
    const logs: string = (await get(ctx, "/logs?pageSize=1")).body.cursor.next;
    await expectInvalidCursor("transactions", logs);
    // An accounts cursor `{f:{}, after, n}` has a shape the transactions list could read; only the list binding refuses it.
    const accounts: string = (await get(ctx, "/accounts?pageSize=1")).body.cursor.next;
    await expectInvalidCursor("transactions", accounts);
    await expectInvalidCursor("accounts", (await get(ctx, "/transactions?pageSize=1")).body.cursor.next);
    await expectInvalidCursor("logs", (await get(ctx, "/transactions?pageSize=1")).body.cursor.next);
    // And the list binding alone, with a payload valid for both lists.
    await expectInvalidCursor("transactions", await signed({ f: {}, n: 3 }, "ledger.accounts"));
  });
});

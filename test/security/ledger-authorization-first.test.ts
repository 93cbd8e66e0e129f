/**
 * Every ledger read checks membership before it does any work on the space's
 * data. The transactions list used to resolve its filters first, so for a
 * space the caller is not in, `?account=payroll:*` answered 422 when that
 * space had more than 90 matching addresses and 404 otherwise: an oracle on
 * another tenant's data, paid for with that tenant's CPU. Now a non-member
 * gets exactly the 404 a nonexistent space gets, whatever the filters, cursor
 * or path would have run into on the real data.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { get, type LedgerCtx, ledgerSpace, posting, postTx } from "../ledger/helpers";
import { fundUsers } from "../ledger/many-addresses";

const MISSING_SPACE = "spc_00000000000000000000000000";

let foreign: LedgerCtx;
let outsider: TestUser;
const cursors: Record<string, string> = {};

const forged = (payload: unknown) => btoa(JSON.stringify(payload)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

beforeAll(async () => {
  foreign = await ledgerSpace();
  await fundUsers(foreign, 95); // more addresses matching users:* than the old 90-address cap
  await postTx(foreign, { postings: [posting("users:u000", "shop", 1)] });

  // Real cursors of the foreign space, the kind a former member might still hold.
  for (const list of ["transactions", "accounts", "logs"]) {
    const page = await get(foreign, `/${list}?pageSize=1`);
    cursors[`foreign ${list}`] = page.body.cursor.next;
  }
  // And cursors of the outsider's own space, valid for them but for another space.
  outsider = await registerUser();
  const own = await createSpace(outsider);
  const mine: LedgerCtx = { user: outsider, spaceId: own.id, base: `/v1/spaces/${own.id}/ledger` };
  await postTx(mine, { postings: [posting("world", "a", 1)] });
  await postTx(mine, { postings: [posting("world", "b", 1)] });
  for (const list of ["transactions", "accounts", "logs"]) {
    const page = await get(mine, `/${list}?pageSize=1`);
    cursors[`own ${list}`] = page.body.cursor.next;
  }
  for (const [k, v] of Object.entries(cursors)) if (!v) throw new Error(`no cursor for ${k}`);
}, 120_000);

/** Each ledger GET path with the inputs that hit an error path (or heavy work) on the foreign space's real data. */
function requests(): string[] {
  const withCursors = (list: string) =>
    [
      "garbage",
      cursors[`foreign ${list}`]!,
      cursors[`own ${list}`]!,
      forged({ f: {}, n: 1_000_000 }),
      forged({ f: {}, n: "abc" }),
      forged({ before: 1, n: 1 }),
    ].map((c) => `/${list}?cursor=${encodeURIComponent(c)}`);
  return [
    "/transactions?account=users:*",
    "/transactions?source=users:*&pageSize=1000",
    "/transactions?destination=users:...",
    "/transactions?account=users:u000",
    "/transactions?reference=missing",
    ...withCursors("transactions"),
    "/transactions/0",
    "/transactions/999999",
    "/accounts?address=users:*",
    ...withCursors("accounts"),
    "/accounts/users:u000",
    "/accounts/never_used",
    "/balances?address=users:*",
    "/balances",
    "/stats",
    ...withCursors("logs"),
    "/logs/verify",
  ];
}

const as = (user: TestUser, spaceId: string, path: string) =>
  callJson(`/v1/spaces/${spaceId}/ledger${path}`, { token: user.accessToken, ip: user.ip });

describe("ledger reads check membership before touching the space's data", () => {
  it("a non-member gets exactly the nonexistent space's 404 on every ledger GET", async () => {
    const failures: string[] = [];
    for (const path of requests()) {
      const [real, missing] = await Promise.all([as(outsider, foreign.spaceId, path), as(outsider, MISSING_SPACE, path)]);
      const shape = (r: typeof real) => ({
        status: r.status,
        keys: Object.keys(r.body?.error ?? {}).sort(),
        code: r.body?.error?.code,
        message: r.body?.error?.message,
        details: r.body?.error?.details,
      });
      const got = shape(real);
      if (got.status !== 404 || JSON.stringify(got) !== JSON.stringify(shape(missing))) {
        failures.push(`${path.slice(0, 80)}: ${JSON.stringify(got)} vs ${JSON.stringify(shape(missing))}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("the same requests from the owner do reach the data (so the 404s above are not an accident)", async () => {
    expect((await get(foreign, "/transactions?account=users:*&pageSize=1000")).body.cursor.data).toHaveLength(96);
    expect((await get(foreign, `/transactions?cursor=${cursors["foreign transactions"]}`)).status).toBe(200);
    expect((await get(foreign, "/transactions/999999")).body.error.message).toBe("Transaction not found");
  });
});

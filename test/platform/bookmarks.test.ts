/**
 * Read replicas with bookmarks: every response names the database state it saw
 * or wrote, and a request that sends it back reads at least that fresh.
 */
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";

// D1's bookmark, then the API's signature over it.
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}\.[0-9a-f]{32}$/;

describe("D1 bookmarks", () => {
  it("let a client read its own write: the write's bookmark, sent back, reads at least that fresh", async () => {
    const u = await registerUser();
    const space = await createSpace(u);
    const acc = await createAccount(u, space.id);
    const before = await callJson(`/v1/transactions?spaceId=${space.id}`, { token: u.accessToken, ip: u.ip });
    const seen = before.res.headers.get("x-d1-bookmark")!;
    expect(seen).toMatch(BOOKMARK);
    const write = await callJson("/v1/transactions", {
      token: u.accessToken, ip: u.ip, headers: { "x-d1-bookmark": seen },
      body: { spaceId: space.id, accountId: acc.id, amount: "12.34", description: "Refund", date: "2024-03-01" },
    });
    expect(write.status).toBe(201);
    const written = write.res.headers.get("x-d1-bookmark")!;
    expect(written).toMatch(BOOKMARK);
    expect(written > seen).toBe(true); // bookmarks sort as the states they name
    const read = await callJson(`/v1/transactions?spaceId=${space.id}`, { token: u.accessToken, ip: u.ip, headers: { "x-d1-bookmark": written } });
    expect(read.body.transactions.map((t: any) => t.id)).toContain(write.body.id);
    expect(read.res.headers.get("x-d1-bookmark")! >= written).toBe(true);
    // The ledger API's writes carry theirs too.
    const ledger = await callJson(`/v1/spaces/${space.id}/ledger/transactions`, {
      token: u.accessToken, ip: u.ip, body: { postings: [{ source: "world", destination: "users:a", amount: 1, asset: "USD/2" }] },
    });
    expect(ledger.res.headers.get("x-d1-bookmark")! > written).toBe(true);
  });

  it("refuse a bookmark the API did not make (malformed, altered or made up), before any read", async () => {
    const u = await registerUser();
    const issued = (await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip })).res.headers.get("x-d1-bookmark")!;
    const [d1, mac] = issued.split(".") as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "0" ? "1" : "0") + s.slice(i + 1);
    const forged = [
      d1, // D1's bookmark without the signature: well formed, but made by no one here
      "ffffffff-ffffffff-ffffffff-ffffffffffffffffffffffffffffffff." + mac, // a state from the future, under another's signature
      `${flip(d1, 20)}.${mac}`, // the state altered
      `${d1}.${flip(mac, 0)}`, // the signature altered
      `${d1}.${mac.toUpperCase()}`,
      `${d1}.${mac}0`,
    ];
    for (const bad of ["garbage", "00000000-00000000-00000000", "0000000G-00000007-00000000-00000000000000000000000000000000", "x".repeat(500), ...forged]) {
      const res = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, headers: { "x-d1-bookmark": bad } });
      expect(res.status, bad).toBe(422);
      expect(res.body.error.details[0]).toMatchObject({ field: "X-D1-Bookmark", code: "INVALID_BOOKMARK" });
    }
  });
});

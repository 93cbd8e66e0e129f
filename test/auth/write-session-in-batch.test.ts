/**
 * POST /v1/transactions checks its session in its first D1 batch (with the
 * account, the role and the category) instead of a round trip of its own. A
 * session that has ended must still get a 401 and store nothing, whatever
 * else the request gets wrong; and a live session still gets its answers.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";

describe("POST /v1/transactions with the session checked in the first batch", () => {
  it("answers 401 to an ended session and stores nothing, valid request or not", async () => {
    const user = await registerUser();
    const other = await registerUser();
    const space = await createSpace(user);
    const foreign = await createSpace(other);
    const as = (u: typeof user) => ({ token: u.accessToken, ip: u.ip });
    const acc = await callJson("/v1/accounts", { ...as(user), body: { spaceId: space.id, name: "Checking", type: "checking", currency: "USD", openingBalance: "100.00" } });
    const foreignAcc = await callJson("/v1/accounts", { ...as(other), body: { spaceId: foreign.id, name: "Theirs", type: "checking", currency: "USD" } });
    const cat = await callJson("/v1/categories", { ...as(user), body: { spaceId: space.id, name: "Food", type: "expense" } });
    const good = { spaceId: space.id, accountId: acc.body.id, amount: "-5.00", description: "lunch", date: "2025-06-15", categoryId: cat.body.id };

    // Live: the batch's answers are the ones the separate reads gave.
    expect((await callJson("/v1/transactions", { ...as(user), body: good })).status).toBe(201);
    expect((await callJson("/v1/transactions", { ...as(user), body: { ...good, accountId: foreignAcc.body.id } })).status).toBe(404);
    expect((await callJson("/v1/transactions", { ...as(user), body: { ...good, categoryId: "cat_nonexistent0000000000000" } })).body.error.details[0].code).toBe("UNKNOWN_CATEGORY");

    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ?").bind(space.id).first<{ n: number }>();
    const out = await callJson("/v1/auth/logout", { method: "POST", ...as(user), body: { refreshToken: user.refreshToken } });
    expect(out.status).toBeLessThan(300);
    const bodies = [
      good,
      { ...good, description: "uncategorized", categoryId: undefined },
      { ...good, accountId: foreignAcc.body.id },
      { ...good, accountId: "acc_nonexistent0000000000000" },
      { ...good, categoryId: "cat_nonexistent0000000000000" },
      { ...good, amount: "0" },
      { ...good, amount: undefined },
      { spaceId: space.id },
    ];
    for (const body of bodies) {
      const res = await callJson("/v1/transactions", { ...as(user), body });
      expect(res.status, JSON.stringify(body)).toBe(401);
    }
    const keyed = await callJson("/v1/transactions", { ...as(user), body: good, headers: { "idempotency-key": "k-1" } });
    expect(keyed.status).toBe(401);
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ?").bind(space.id).first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });
});

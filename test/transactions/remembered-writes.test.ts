/**
 * A writer's categorized write built from remembered facts (remembered-writers.ts): once a user has
 * passed the ordinary checks for an account, their next write naming a category goes straight to the
 * space's ledger with the checks as its batch's guard (write-guard.ts). Whatever has changed since
 * (the session ended, the role, the account, the category, the space's zone, its names) must answer
 * exactly as the ordinary path does, with nothing of the refused write stored.
 */
import { env } from "cloudflare:workers";
import { spaceLedgerOf } from "../../src/modules/ledger/client";
import { groupingLedger } from "../ledger/helpers";
import { describe, expect, it } from "vitest";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { createAccount } from "../accounts/helpers";
import { countingApp } from "../counting-app";
import { addMember, callJson, createSpace, registerUser, type TestUser } from "../helpers";
import { guardHolds, latestSessionId } from "./guard-helpers";

async function setup() {
  const owner = await registerUser();
  const space = await createSpace(owner);
  const acc = await createAccount(owner, space.id, { name: "Checking", openingBalance: "100.00" });
  const cat = await callJson("/v1/categories", { token: owner.accessToken, ip: owner.ip, body: { spaceId: space.id, name: "Coffee", type: "expense" } });
  expect(cat.status).toBe(201);
  return { owner, spaceId: space.id as string, accountId: acc.id as string, coffeeId: cat.body.id as string, ...countingApp() };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

const spend = (s: Ctx, description: string, extra: object = {}) =>
  ({ spaceId: s.spaceId, accountId: s.accountId, categoryId: s.coffeeId, amount: "-4.50", description, date: "2026-03-01", ...extra });

/** The stored Dhanam rows of the space with this description (read straight from D1). */
const stored = async (s: Ctx, description: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM transactions WHERE space_id = ? AND description = ?").bind(s.spaceId, description).first<{ n: number }>())!.n;

/** A write of `user` that the ordinary checks pass, so that the next one is remembered; it takes their round trip. */
async function remembered(s: Ctx, user: TestUser) {
  const first = await s.post(user, "/v1/transactions", spend(s, `first of ${user.id}`));
  expect(first.status, JSON.stringify(first.body)).toBe(201);
  const second = await s.post(user, "/v1/transactions", spend(s, `second of ${user.id}`));
  expect(second.status).toBe(201);
  expect(second.trips).toBe(0);
}

const asAdmin = (s: Ctx, path: string, method: string, body?: unknown) => callJson(path, { token: s.owner.accessToken, ip: s.owner.ip, method, body });

/** A member remembered as a writer (as the owner is) and then demoted to viewer: their next writes' guards refuse. */
async function demotedWriter(s: Ctx) {
  const member = await registerUser();
  await addMember(s.owner, s.spaceId, member, "member");
  await remembered(s, s.owner);
  await remembered(s, member);
  expect((await asAdmin(s, `/v1/spaces/${s.spaceId}/members/${member.id}`, "PATCH", { role: "viewer" })).status).toBe(200);
  return member;
}

describe("a remembered writer's categorized write", () => {
  it("commits in the ledger's batch alone and answers exactly as the ordinary path, names as they are now", async () => {
    const s = await setup();
    const first = await s.post(s.owner, "/v1/transactions", spend(s, "first"));
    expect(first.trips).toBe(1);
    expect((await asAdmin(s, `/v1/accounts/${s.accountId}`, "PATCH", { name: "Everyday" })).status).toBe(200);
    expect((await asAdmin(s, `/v1/categories/${s.coffeeId}`, "PATCH", { name: "Café", color: "#aa5500" })).status).toBe(200);
    const next = await s.post(s.owner, "/v1/transactions", spend(s, "next"));
    expect(next.status).toBe(201);
    expect(next.trips).toBe(0);
    const { id: _a, createdAt: _b, updatedAt: _c, ledgerTxid, ...shown } = next.body;
    expect(ledgerTxid).toBe(first.body.ledgerTxid + 1);
    // The same fields as the ordinary path's answer, and the names renamed after the writer was remembered.
    const { id: _d, createdAt: _e, updatedAt: _f, ledgerTxid: _g, ...firstShown } = first.body;
    expect(shown).toEqual({ ...firstShown, description: "next", account: { id: s.accountId, name: "Everyday" }, category: { id: s.coffeeId, name: "Café", color: "#aa5500" } });
    // And it is stored as shown.
    const got = await callJson(`/v1/transactions/${next.body.id}`, { token: s.owner.accessToken, ip: s.owner.ip });
    expect(got.body).toEqual(next.body);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });

  it("after the session ends: 401, and nothing stored", async () => {
    const s = await setup();
    await remembered(s, s.owner);
    expect((await callJson("/v1/auth/logout", { token: s.owner.accessToken, ip: s.owner.ip, method: "POST" })).status).toBe(204);
    const after = await s.post(s.owner, "/v1/transactions", spend(s, "after logout"));
    expect(after.status).toBe(401);
    expect(await stored(s, "after logout")).toBe(0);
  });

  it("after a demotion to viewer: 403; after removal: 404; nothing stored either time", async () => {
    const s = await setup();
    const member = await registerUser();
    await addMember(s.owner, s.spaceId, member, "member");
    await remembered(s, member);
    expect((await asAdmin(s, `/v1/spaces/${s.spaceId}/members/${member.id}`, "PATCH", { role: "viewer" })).status).toBe(200);
    const demoted = await s.post(member, "/v1/transactions", spend(s, "as viewer"));
    expect(demoted.status).toBe(403);
    expect((await asAdmin(s, `/v1/spaces/${s.spaceId}/members/${member.id}`, "DELETE")).status).toBe(204);
    const removed = await s.post(member, "/v1/transactions", spend(s, "as stranger"));
    expect(removed.status).toBe(404);
    expect(removed.body.error.code).toBe("RESOURCE_NOT_FOUND");
    expect(await stored(s, "as viewer") + await stored(s, "as stranger")).toBe(0);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });

  it("to an account since deactivated: 409; in a category since deleted: 422 UNKNOWN_CATEGORY", async () => {
    const s = await setup();
    await remembered(s, s.owner);
    const other = await callJson("/v1/categories", { token: s.owner.accessToken, ip: s.owner.ip, body: { spaceId: s.spaceId, name: "Tea", type: "expense" } });
    const inTea = await s.post(s.owner, "/v1/transactions", spend(s, "tea", { categoryId: other.body.id }));
    expect(inTea.trips).toBe(0);
    expect((await asAdmin(s, `/v1/categories/${other.body.id}?reassignTo=${s.coffeeId}`, "DELETE")).status).toBe(200);
    const deleted = await s.post(s.owner, "/v1/transactions", spend(s, "in deleted", { categoryId: other.body.id }));
    expect(deleted.status).toBe(422);
    expect(deleted.body.error.details[0]).toMatchObject({ field: "categoryId", code: "UNKNOWN_CATEGORY" });

    expect((await asAdmin(s, `/v1/accounts/${s.accountId}`, "PATCH", { isActive: false })).status).toBe(200);
    const inactive = await s.post(s.owner, "/v1/transactions", spend(s, "to inactive"));
    expect(inactive.status).toBe(409);
    expect(await stored(s, "in deleted") + await stored(s, "to inactive")).toBe(0);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });

  it("after the space's time zone changes: dated in the new zone", async () => {
    const s = await setup();
    await remembered(s, s.owner);
    expect((await asAdmin(s, `/v1/spaces/${s.spaceId}`, "PATCH", { timezone: "Asia/Tokyo" })).status).toBe(200);
    const after = await s.post(s.owner, "/v1/transactions", spend(s, "in tokyo"));
    expect(after.status).toBe(201);
    expect(after.body.date).toBe("2026-03-01T00:00:00.000+09:00");
    // The ordinary path answered it, and remembered the new zone: the next one is remembered again.
    expect(after.trips).toBe(1);
    const next = await s.post(s.owner, "/v1/transactions", spend(s, "in tokyo again"));
    expect(next.body.date).toBe("2026-03-01T00:00:00.000+09:00");
    expect(next.trips).toBe(0);
  });

  it("that overdraws, repeats a key, reuses a key or has a fault: answered as the ordinary path answers", async () => {
    const s = await setup();
    await remembered(s, s.owner);
    const over = await s.post(s.owner, "/v1/transactions", spend(s, "too much", { amount: "-1000.00" }));
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe("INSUFFICIENT_FUNDS");
    const zero = await s.post(s.owner, "/v1/transactions", spend(s, "zero", { amount: "0" }));
    expect(zero.status).toBe(422);
    expect(zero.body.error.details[0]).toMatchObject({ field: "amount", code: "INVALID_AMOUNT" });
    const wrongCurrency = await s.post(s.owner, "/v1/transactions", spend(s, "euros", { currency: "EUR" }));
    expect(wrongCurrency.status).toBe(422);
    expect(wrongCurrency.body.error.details[0]).toMatchObject({ code: "CURRENCY_MISMATCH" });

    const keyed = (description: string) =>
      callJson("/v1/transactions", { token: s.owner.accessToken, ip: s.owner.ip, body: spend(s, description), headers: { "idempotency-key": "remembered-key-1" } });
    const once = await keyed("keyed");
    expect(once.status).toBe(201);
    const twice = await keyed("keyed");
    expect(twice.status).toBe(201);
    expect(twice.res.headers.get("idempotency-replayed")).toBe("true");
    expect(twice.body.id).toBe(once.body.id);
    const reused = await keyed("another body");
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await stored(s, "keyed")).toBe(1);
    expect(await stored(s, "too much") + await stored(s, "zero") + await stored(s, "euros") + await stored(s, "another body")).toBe(0);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });

  it("whose group's batch committed but lost its answer: 201 with the names, each stored once", async () => {
    const s = await setup();
    await remembered(s, s.owner);
    const ledger = await groupingLedger(s.spaceId, { loseFirstGroupsAnswer: true, queued: 3 }); // the first write holds its batch until the other three queue
    try {
      const answers = await Promise.all([1, 2, 3, 4].map((i) => s.post(s.owner, "/v1/transactions", spend(s, `lost ${i}`))));
      expect(ledger.lostAnswers).toBe(1);
      for (const a of answers) {
        expect(a.status).toBe(201);
        expect(a.body).toMatchObject({ category: { id: s.coffeeId, name: "Coffee" }, account: { id: s.accountId, name: "Checking" }, categorySource: "manual" });
      }
    } finally {
      ledger.restore();
    }
    for (const i of [1, 2, 3, 4]) expect(await stored(s, `lost ${i}`)).toBe(1);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });

  it("from a stranger who knows the account: 404 from the ordinary checks, whoever else is remembered", async () => {
    const s = await setup();
    await remembered(s, s.owner);
    const stranger = await registerUser();
    const theirs = await s.post(stranger, "/v1/transactions", spend(s, "stranger's"));
    expect(theirs.status).toBe(404);
    expect(theirs.trips).toBe(1);
    expect(await stored(s, "stranger's")).toBe(0);
  });

  it("in a group with writes whose guard fails: those are refused, every other write commits once", async () => {
    const s = await setup();
    const member = await demotedWriter(s);
    const writes = Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? { user: member, d: `refused ${i}` } : { user: s.owner, d: `kept ${i}` }));
    const ledger = await groupingLedger(s.spaceId, { queued: writes.length - 1 }); // the first write's batch held until the rest queue
    const answers = await Promise.all(writes.map((w) => s.post(w.user, "/v1/transactions", spend(s, w.d, { amount: "-0.10" })))).finally(() => ledger.restore());
    // Guarded writes of both kinds shared batches: a group's batch failed on a guard and its writes ran again alone.
    expect(Math.max(...ledger.guardsPerBatch)).toBeGreaterThanOrEqual(2);
    answers.forEach((a, i) => expect(a.status, writes[i]!.d).toBe(writes[i]!.user === member ? 403 : 201));
    for (const w of writes) expect(await stored(s, w.d), w.d).toBe(w.user === member ? 0 : 1);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
    const balance = await callJson(`/v1/accounts/${s.accountId}`, { token: s.owner.accessToken, ip: s.owner.ip });
    // 100.00, less the four remembering writes of 4.50 and sixteen of 0.10.
    expect(balance.body.balanceDecimal).toBe("80.40");
  });
});

describe("a group whose batch guards refuse", () => {
  it("answers the refusing writes after one read of the guards, and commits the others as one group", async () => {
    const s = await setup();
    const member = await demotedWriter(s);
    // Three of the member's writes (now a viewer's) among the owner's.
    const writes = Array.from({ length: 17 }, (_, i) => ([4, 9, 14].includes(i) ? { user: member, d: `refused ${i}` } : { user: s.owner, d: `kept ${i}` }));
    const ledger = await groupingLedger(s.spaceId, { holdMs: 300, queued: writes.length - 1 });
    const post = (w: (typeof writes)[number]) => s.post(w.user, "/v1/transactions", spend(s, w.d, { amount: "-0.10" }));
    // The first write reaches the ledger first and holds its batch; the other sixteen queue behind it.
    const first = post(writes[0]!);
    for (let waited = 0; !ledger.holding && waited < 3000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    const answers = await Promise.all([first, ...writes.slice(1).map(post)]).finally(() => ledger.restore());
    answers.forEach((a, i) => expect(a.status, writes[i]!.d).toBe(writes[i]!.user === member ? 403 : 201));
    for (const w of writes) expect(await stored(s, w.d), w.d).toBe(w.user === member ? 0 : 1);
    // The first write's batch (held while the rest queued), the group of 16 refused, the chain's read and
    // the guards' read, then the other 13 as one group: three batches with guards, where one batch a
    // write made 18.
    expect(ledger.guardsPerBatch.filter((g) => g > 0)).toEqual([1, 16, 13]);
    expect(ledger.batches.length).toBe(5);
    expect(await ledgerViolations(s.spaceId)).toEqual([]);
  });
});

describe("the ledger's guard of a write", () => {
  it("is only ever an insert into write_guards, of a write that commits", async () => {
    const s = await setup();
    const commit = { kind: "commit" as const, spaceId: s.spaceId, txs: [{ postings: [{ source: "world", destination: `accounts:${s.accountId}`, amount: 1, asset: "USD/2" }] }] };
    // Not an insert into write_guards; or one that binds D1's cap of parameters (it would fail the whole group's batch).
    const atCap = { sql: `INSERT INTO write_guards (refused) SELECT 1 WHERE 0 IN (${Array.from({ length: 100 }, () => "?").join(", ")})`, params: Array.from({ length: 100 }, () => 1) };
    const notASelect = { sql: "INSERT INTO write_guards (refused) VALUES (?)", params: [1] };
    for (const guard of [{ sql: "DELETE FROM transactions WHERE 1 = ?", params: [1] }, { sql: "SELECT 1", params: [] }, notASelect, atCap]) {
      const answer = await spaceLedgerOf(env, s.spaceId).execute({ ...commit, guard });
      expect(answer).toMatchObject({ ok: false, error: { status: 500, code: "INTERNAL_ERROR" } });
    }
    const preview = await spaceLedgerOf(env, s.spaceId).execute({ ...commit, preview: true, guard: { sql: "INSERT INTO write_guards (refused) SELECT 1 WHERE 0", params: [] } });
    expect(preview).toMatchObject({ ok: false, error: { status: 500 } });
    const guard = (holds: boolean) => ({ sql: "INSERT INTO write_guards (refused) SELECT 1 WHERE ? = 0", params: [holds ? 1 : 0] });
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ?").bind(s.spaceId).first<{ n: number }>())!.n;
    // A guard that fails: the write is answered UNVERIFIED and nothing of it lands; the same write whose guard holds commits.
    expect(await spaceLedgerOf(env, s.spaceId).execute({ ...commit, guard: guard(false) })).toMatchObject({ ok: false, error: { code: "UNVERIFIED" } });
    expect(await count()).toBe(1); // the account's opening balance only
    expect(await spaceLedgerOf(env, s.spaceId).execute({ ...commit, guard: guard(true) })).toMatchObject({ ok: true, replayed: false });
    expect(await count()).toBe(2);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM write_guards").first<{ n: number }>())!.n).toBe(0);
  });
});

describe("the guard of a remembered write", () => {
  it("refuses the batch when any one of its conditions fails, and lets it through when all hold", async () => {
    const s = await setup();
    const elsewhere = await createSpace(s.owner);
    const foreignAccount = await createAccount(s.owner, elsewhere.id, { name: "Elsewhere" });
    const foreignCategory = await callJson("/v1/categories", { token: s.owner.accessToken, ip: s.owner.ip, body: { spaceId: elsewhere.id, name: "Elsewhere", type: "expense" } });
    const sessionId = await latestSessionId(s.owner.id);
    const space = (await env.DB.prepare("SELECT timezone, currency FROM spaces WHERE id = ?").bind(s.spaceId).first<{ timezone: string; currency: string }>())!;
    const base = { userId: s.owner.id, sessionId, accountId: s.accountId, categoryId: s.coffeeId, facts: { spaceId: s.spaceId, currency: "USD", timezone: space.timezone } };
    const holds = (w: typeof base = base) => guardHolds(w);
    /** Whether the guard holds while `sql` has changed one row (undone after). */
    const holdsWhile = async (sql: string, undo: string, ...params: unknown[]) => {
      await env.DB.prepare(sql).bind(...params).run();
      try {
        return await holds();
      } finally {
        await env.DB.prepare(undo).bind(...params).run();
      }
    };
    expect(await holds()).toBe(true);
    const stranger = await registerUser();
    const check = async (what: string, p: Promise<boolean>) => expect(await p, what).toBe(false);
    await check("session revoked", holdsWhile("UPDATE sessions SET revoked_at = 1 WHERE id = ?", "UPDATE sessions SET revoked_at = NULL WHERE id = ?", sessionId));
    const expires = (await env.DB.prepare("SELECT expires_at FROM sessions WHERE id = ?").bind(sessionId).first<{ expires_at: number }>())!.expires_at;
    await check("session expired", holdsWhile("UPDATE sessions SET expires_at = 1 WHERE id = ?", `UPDATE sessions SET expires_at = ${expires} WHERE id = ?`, sessionId));
    await check("a viewer", holdsWhile("UPDATE space_members SET role = 'viewer' WHERE space_id = ?", "UPDATE space_members SET role = 'owner' WHERE space_id = ?", s.spaceId));
    await check("space deleted", holdsWhile("UPDATE spaces SET deleted_at = 1 WHERE id = ?", "UPDATE spaces SET deleted_at = NULL WHERE id = ?", s.spaceId));
    await check("account inactive", holdsWhile("UPDATE accounts SET is_active = 0 WHERE id = ?", "UPDATE accounts SET is_active = 1 WHERE id = ?", s.accountId));
    await check("category moved to another space", holdsWhile(
      `UPDATE categories SET space_id = '${elsewhere.id}' WHERE id = ?`, `UPDATE categories SET space_id = '${s.spaceId}' WHERE id = ?`, s.coffeeId));
    await check("not a member (another user's session)", holds({ ...base, userId: stranger.id }));
    await check("another session's id", holds({ ...base, sessionId: "ses_none" }));
    await check("zone changed", holds({ ...base, facts: { ...base.facts, timezone: "Asia/Tokyo" } }));
    await check("currency changed", holds({ ...base, facts: { ...base.facts, currency: "MXN" } }));
    await check("account of another space", holds({ ...base, accountId: foreignAccount.id }));
    await check("category of another space", holds({ ...base, categoryId: foreignCategory.body.id }));
    await check("no such category", holds({ ...base, categoryId: "cat_none" }));
    expect(await holds()).toBe(true);
  });

  it("answers a write naming another space's category, an expired session, a deleted space or an account deactivated behind the ledger's back as the ordinary path does", async () => {
    const s = await setup();
    await remembered(s, s.owner);
    const elsewhere = await createSpace(s.owner);
    const foreign = await callJson("/v1/categories", { token: s.owner.accessToken, ip: s.owner.ip, body: { spaceId: elsewhere.id, name: "Secret name", type: "expense" } });
    const other = await s.post(s.owner, "/v1/transactions", spend(s, "foreign category", { categoryId: foreign.body.id }));
    expect(other.status).toBe(422);
    expect(other.body.error.details[0]).toMatchObject({ field: "categoryId", code: "UNKNOWN_CATEGORY" });
    expect(JSON.stringify(other.body)).not.toContain("Secret name");
    await remembered(s, s.owner);

    // Straight in D1, where the ledger object's own caches cannot see it: only the guard stands in the way.
    await env.DB.prepare("UPDATE accounts SET is_active = 0 WHERE id = ?").bind(s.accountId).run();
    const inactive = await s.post(s.owner, "/v1/transactions", spend(s, "behind the ledger"));
    expect(inactive.status).toBe(409);
    await env.DB.prepare("UPDATE accounts SET is_active = 1 WHERE id = ?").bind(s.accountId).run();
    await remembered(s, s.owner);

    await env.DB.prepare("UPDATE spaces SET deleted_at = ? WHERE id = ?").bind(Date.now(), s.spaceId).run();
    const deleted = await s.post(s.owner, "/v1/transactions", spend(s, "in a deleted space"));
    expect(deleted.status).toBe(404);
    await env.DB.prepare("UPDATE spaces SET deleted_at = NULL WHERE id = ?").bind(s.spaceId).run();
    await remembered(s, s.owner);

    await env.DB.prepare("UPDATE sessions SET expires_at = 1 WHERE user_id = ?").bind(s.owner.id).run();
    const expired = await s.post(s.owner, "/v1/transactions", spend(s, "expired"));
    expect(expired.status).toBe(401);
    for (const d of ["foreign category", "behind the ledger", "in a deleted space", "expired"]) expect(await stored(s, d), d).toBe(0);
  });
});

/**
 * Volumes are cumulative: an income of the largest amount and its void took `world`'s output (and the
 * account's input) to 2^53 - 1 while every balance was back to zero, and from then on no income in the
 * space fitted ("Amount would exceed the largest supported volume"): one member's two requests, or one
 * pasted amount and its correction, stopped the household's ledger for good. The ledger object now takes
 * the smaller side off both sides of such a volume (the balance unchanged, the amount taken kept in
 * `rebased`), so only a balance past 2^53 is refused. The invariant checker compares input + rebased and
 * output + rebased with the entries' exact sums.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { get, ledgerSpace, posting, postTx, type LedgerCtx } from "./helpers";

const MAX = 9007199254740991; // 2^53 - 1 minor units: the largest amount and balance

const revert = (ctx: LedgerCtx, txid: number) =>
  callJson(`${ctx.base}/transactions/${txid}/revert`, { method: "POST", token: ctx.user.accessToken, ip: ctx.user.ip });

/** A Dhanam space with its owner, an income on any of its accounts, and a void. */
async function dhanamSpace() {
  const u = await registerUser();
  const as = { token: u.accessToken, ip: u.ip };
  const space = await createSpace(u);
  const income = (accountId: string, amount: string, date: string, description = "Income") =>
    callJson("/v1/transactions", { ...as, body: { spaceId: space.id, accountId, amount, description, date } });
  const voidTxn = async (id: string) => (await callJson(`/v1/transactions/${id}`, { ...as, method: "DELETE" })).status;
  const account = (opts: Parameters<typeof createAccount>[2]) => createAccount(u, space.id, opts);
  return { u, as, space, income, voidTxn, account };
}

const storedVolume = (spaceId: string, address: string) =>
  env.DB.prepare("SELECT input, output, rebased FROM ledger_volumes WHERE space_id = ? AND address = ? AND asset = 'USD/2'")
    .bind(spaceId, address)
    .first<{ input: number; output: number; rebased: string }>();

describe("volumes past 2^53 of traffic", () => {
  it("an income of the largest amount and its void leave the space able to take income", async () => {
    const { as, space, income, voidTxn, account: newAccount } = await dhanamSpace();
    const account = await newAccount({ name: "Checking" });
    const huge = await income(account.id, "90071992547409.91", "2026-11-02");
    expect(huge.status, JSON.stringify(huge.body)).toBe(201);
    expect(await voidTxn(huge.body.id)).toBe(200);

    const next = await income(account.id, "1500.00", "2026-11-02");
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    const read = await callJson(`/v1/accounts/${account.id}`, as);
    expect(read.body.balanceDecimal ?? read.body.balance).toBe("1500.00");
    // world gave 2^53 - 1 and took it back, then gave 150,000: the common 2^53 - 1 was taken off both sides.
    expect(await storedVolume(space.id, "world")).toEqual({ input: 0, output: 150000, rebased: String(MAX) });
    expect(await storedVolume(space.id, `accounts:${account.id}`)).toEqual({ input: 150000, output: 0, rebased: String(MAX) });
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("repeated largest postings and reverts keep working, with the volumes the ledger API reports", async () => {
    const ctx = await ledgerSpace();
    for (let round = 0; round < 3; round++) {
      const tx = await postTx(ctx, { postings: [posting("world", "users:a", MAX)] });
      expect(tx.status, JSON.stringify(tx.body)).toBe(201);
      const reverted = await revert(ctx, tx.body.data[0].txid);
      expect(reverted.status, JSON.stringify(reverted.body)).toBe(201);
    }
    expect((await postTx(ctx, { postings: [posting("world", "users:a", 250)] })).status).toBe(201);
    const world = await get(ctx, "/accounts/world");
    expect(world.status).toBe(200);
    expect(world.body.data.volumes["USD/2"]).toEqual({ input: 0, output: 250, balance: -250 });
    expect((await storedVolume(ctx.spaceId, "world"))!.rebased).toBe(String(3n * BigInt(MAX)));
    expect(await ledgerViolations(ctx.spaceId)).toEqual([]);
  });

  it("a rebased volume survives the object's reload from D1", async () => {
    const ctx = await ledgerSpace();
    const tx = await postTx(ctx, { postings: [posting("world", "users:a", MAX)] });
    expect((await revert(ctx, tx.body.data[0].txid)).status).toBe(201);
    expect((await postTx(ctx, { postings: [posting("world", "users:a", 7)] })).status).toBe(201);
    await runInDurableObject(env.SPACE_LEDGER.get(env.SPACE_LEDGER.idFromName(ctx.spaceId)), (ledger) => ledger.forget());
    // The reloaded volume carries its rebased total on into the next rebase.
    expect((await postTx(ctx, { postings: [posting("users:a", "world", 7)] })).status).toBe(201);
    expect((await postTx(ctx, { postings: [posting("world", "users:b", MAX)] })).status).toBe(201);
    expect(await storedVolume(ctx.spaceId, "world")).toEqual({ input: 0, output: MAX, rebased: String(BigInt(MAX) + 7n) });
    expect(await ledgerViolations(ctx.spaceId)).toEqual([]);
  });

  it("a balance past 2^53 is still refused, and nothing is written", async () => {
    const ctx = await ledgerSpace();
    expect((await postTx(ctx, { postings: [posting("world", "users:a", MAX)] })).status).toBe(201);
    const over = await postTx(ctx, { postings: [posting("world", "users:a", 1)] });
    expect(over.status).toBe(422);
    expect(over.body.error.message).toMatch(/largest supported balance/);
    // world's balance would pass -(2^53) as well, whoever receives.
    const overWorld = await postTx(ctx, { postings: [posting("world", "users:b", 1)] });
    expect(overWorld.status).toBe(422);
    // Within one transaction: a side rebased by an early posting, then a posting past the balance limit.
    const mixed = await postTx(ctx, { postings: [posting("users:a", "world", 10), posting("world", "users:a", 11)] });
    expect(mixed.status).toBe(422);
    expect(await storedVolume(ctx.spaceId, "users:a")).toEqual({ input: MAX, output: 0, rebased: "0" });
    expect(await ledgerViolations(ctx.spaceId)).toEqual([]);
  });

  it("every balance by value date stays within 2^53 - 1: back-dated writes to a rebased address are checked, exactly", async () => {
    const ctx = await ledgerSpace();
    const at = (day: string) => `2025-01-${day}T00:00:00Z`;
    const post = (source: string, destination: string, amount: number, day: string) =>
      postTx(ctx, { postings: [posting(source, destination, amount)], timestamp: at(day) });
    expect((await post("world", "users:a", MAX, "01")).status).toBe(201);
    expect((await post("users:a", "world", MAX, "07")).status).toBe(201);
    // Dated the 2nd, between the two: users:a would hold 2 × MAX from the 2nd to the 7th (the input alone
    // used to refuse this; with rebased volumes only the check by date can).
    const between = await post("world", "users:a", MAX, "02");
    expect(between.status, JSON.stringify(between.body)).toBe(422);
    expect(between.body.error.code).toBe("VALIDATION_FAILED");
    expect(between.body.error.message).toMatch(/2025-01-02.*largest supported balance/);
    // Five minor units more on the 3rd would be MAX + 5 on that day: refused; after the 7th they fit.
    expect((await post("world", "users:a", 5, "03")).status).toBe(422);
    const after = await post("world", "users:a", 5, "08");
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    // A back-dated write that stays within the range at every date goes through.
    const within = await post("world", "users:a", 1, "07");
    expect(within.status, JSON.stringify(within.body)).toBe(201);
    expect((await get(ctx, "/accounts/users:a")).body.data.volumes["USD/2"].balance).toBe(6);
    expect(await ledgerViolations(ctx.spaceId)).toEqual([]);
  });

  it("world is not bounded by date: an income of the largest amount and its void do not refuse earlier incomes", async () => {
    const { u, as, space, income, voidTxn, account } = await dhanamSpace();
    const a = await account({ name: "A" });
    const b = await account({ name: "B" });
    const huge = await income(a.id, "90071992547409.91", "2026-11-02");
    expect(await voidTxn(huge.body.id)).toBe(200);
    for (const [accountId, date] of [[b.id, "2026-11-03"], [b.id, "2026-11-01"], [b.id, "2025-01-15"], [a.id, "2026-11-03"]] as const) {
      const r = await income(accountId, "15.00", date);
      expect(r.status, `${date}: ${JSON.stringify(r.body)}`).toBe(201);
    }
    // Account A held the largest balance only between two entries of the 2nd's instant (the income and its
    // void), never at an instant's end: an income to it dated before then goes through, and its statement
    // shows the in-between balance exactly (in bigints).
    expect((await income(a.id, "15.00", "2026-10-01")).status).toBe(201);
    const statement = await callJson(`/v1/accounts/${a.id}/ledger?from=2026-10-01&to=2026-11-30`, as);
    expect(statement.status, JSON.stringify(statement.body)).toBe(200);
    expect(statement.body.entries.map((e: { runningBalance: string }) => e.runningBalance)).toEqual(["15.00", "90071992547424.91", "15.00", "30.00"]);
    // Through the ledger API: nearly the largest amount out of world now and back far in the future.
    const ctx = { user: u, spaceId: space.id, base: `/v1/spaces/${space.id}/ledger` };
    const most = MAX - 10_000;
    expect((await postTx(ctx, { postings: [posting("world", "users:x", most)] })).status).toBe(201);
    expect((await postTx(ctx, { postings: [posting("users:x", "world", most)], timestamp: "9999-12-31T00:00:00Z" })).status).toBe(201);
    const today = await income(b.id, "15.00", new Date().toISOString().slice(0, 10));
    expect(today.status, JSON.stringify(today.body)).toBe(201);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("a future-dated income of the largest amount and its void do not stop an account's later incomes", async () => {
    const { space, income: incomeTo, voidTxn, account } = await dhanamSpace();
    const checking = await account({ name: "Checking", openingBalance: "100.00" });
    const income = (amount: string, date: string) => incomeTo(checking.id, amount, date);
    const peak = await income("90071992547309.91", "2999-12-31"); // the largest balance less the 100.00 there
    expect(peak.status, JSON.stringify(peak.body)).toBe(201);
    expect(await voidTxn(peak.body.id)).toBe(200);
    for (const date of [new Date().toISOString().slice(0, 10), "2030-06-01"]) {
      const r = await income("25.00", date);
      expect(r.status, `${date}: ${JSON.stringify(r.body)}`).toBe(201);
    }
    // What an instant's end would hold past the limit is still refused: the peak kept, then an earlier income.
    const kept = await income("90071992547259.91", "2999-12-31");
    expect(kept.status, JSON.stringify(kept.body)).toBe(201);
    const over = await income("0.01", "2031-01-01");
    expect(over.status).toBe(422);
    expect(over.body.error.message).toMatch(/largest supported balance/);
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("a statement's totals past 2^53 are exact, and its running balances are right", async () => {
    const { as, space, income, voidTxn, account: newAccount } = await dhanamSpace();
    const account = await newAccount({ name: "Savings" });
    for (let round = 0; round < 3; round++) {
      const mistyped = await income(account.id, "90071992547409.91", "2026-11-02", "Mistyped");
      expect(mistyped.status).toBe(201);
      expect(await voidTxn(mistyped.body.id)).toBe(200);
    }
    expect((await income(account.id, "0.05", "2026-11-03", "Interest")).status).toBe(201);
    const statement = await callJson(`/v1/accounts/${account.id}/ledger?from=2026-11-01&to=2026-12-31`, as);
    expect(statement.status, JSON.stringify(statement.body)).toBe(200);
    // Three incomes of MAX and the interest in; three reversals out: 3 × 90071992547409.91 = 270215977642229.73.
    expect(statement.body).toMatchObject({ totalCredit: "270215977642229.78", totalDebit: "270215977642229.73", openingBalance: "0.00", closingBalance: "0.05" });
    expect(statement.body.entries.map((e: { runningBalance: string }) => e.runningBalance)).toEqual(
      ["90071992547409.91", "0.00", "90071992547409.91", "0.00", "90071992547409.91", "0.00", "0.05"],
    );
    expect(await ledgerViolations(space.id)).toEqual([]);
  });

  it("a posting from an address to itself near the largest balance keeps it (both sides grow, then are rebased)", async () => {
    const { applyPostings } = await import("../../src/modules/ledger/engine");
    const volumes = new Map([[`users:a\u0000USD/2`, { input: MAX, output: 0, rebased: 0n }]]);
    const applied = applyPostings(volumes, [posting("users:a", "users:a", 5)], 0, 0, { allowsOverdraft: () => false });
    expect("entries" in applied).toBe(true);
    expect(volumes.get(`users:a\u0000USD/2`)).toEqual({ input: MAX, output: 0, rebased: 5n });
  });
});

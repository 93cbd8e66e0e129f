/**
 * A category's deletion overtaken by the space's deletion or by its caller's removal or demotion. It checked the
 * caller's role, then moved the category's rows in the space's ledger and deleted it, without looking again: it
 * landed for someone no longer allowed to make it. Now the rows move only while the caller still holds the role in
 * the live space (their batch carries the guard), and with no rows to move the deletion's own batch carries it; a
 * lost race is answered as a request after it (404, 403) and leaves the category as it was, taking rows again
 * (the ledger object's mark that refuses rows in a category being deleted is given back).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type TestUser, userApi } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { racingApp } from "../racing-app";
import { spaceToDelete, spaceWith } from "../spaces/race-fixtures";

const categoryOf = async (id: string) => (await env.DB.prepare("SELECT category_id FROM transactions WHERE id = ?").bind(id).first<{ category_id: string | null }>())!.category_id;
const exists = async (id: string) => (await env.DB.prepare("SELECT COUNT(*) AS n FROM categories WHERE id = ?").bind(id).first<{ n: number }>())!.n === 1;
const retiring = (op: { kind: string }) => op.kind === "retireCategory";
/** The deletion's own batch, which goes to D1 after the ledger's part. */
const DELETES_CATEGORY = /delete from "categories"/i;

/** The owner's account and two expense categories of the space, and a way to spend in one. */
async function categoriesIn(owner: TestUser, spaceId: string) {
  const a = userApi(owner);
  const acc = await createAccount(owner, spaceId, { name: "Checking", openingBalance: "100.00" });
  const make = async (name: string) => {
    const res = await a.post("/v1/categories", { spaceId, name, type: "expense" });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const spend = async (categoryId: string) => {
    const t = await a.post("/v1/transactions", { spaceId, accountId: acc.id, amount: "-4.50", date: "2026-11-02", description: "Coffee", categoryId });
    expect(t.status).toBe(201);
    return t.body.id as string;
  };
  return { pets: await make("Pets"), food: await make("Food"), spend };
}

describe("a category's deletion that another's write overtakes", () => {
  it("deletes nothing for a member removed before the ledger's part: 404, and the category takes rows", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, removeIt } = await spaceWith("member");
    const { pets, spend } = await categoriesIn(owner, spaceId);
    const racing = racingApp(null, removeIt, { ledger: retiring });
    const res = await racing.del(other, `/v1/categories/${pets}`);
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Category not found");
    expect(await exists(pets)).toBe(true);
    expect(await categoryOf(await spend(pets))).toBe(pets);
  });

  it("deletes nothing for a member removed between the ledger's part and its batch: 404, and the category takes rows", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, removeIt } = await spaceWith("member");
    const { pets, spend } = await categoriesIn(owner, spaceId);
    const racing = racingApp(DELETES_CATEGORY, removeIt);
    const res = await racing.del(other, `/v1/categories/${pets}`);
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(404);
    expect(await exists(pets)).toBe(true);
    // The ledger object had marked it as being deleted; the refusal gave the mark back.
    expect(await categoryOf(await spend(pets))).toBe(pets);
  });

  it("moves no rows for a member demoted to viewer meanwhile: 403, the rows where they were", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, demoteIt } = await spaceWith("member");
    const { pets, food, spend } = await categoriesIn(owner, spaceId);
    const t = await spend(pets);
    const racing = racingApp(null, demoteIt, { ledger: retiring });
    const res = await racing.del(other, `/v1/categories/${pets}?reassignTo=${food}`);
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect(await exists(pets)).toBe(true);
    expect(await categoryOf(t)).toBe(pets);
    expect(await categoryOf(await spend(pets))).toBe(pets);
  });

  it("moves no rows of a deleted space: the category's 404", { timeout: 60_000 }, async () => {
    const { owner, spaceId, deleteIt } = await spaceToDelete();
    const { pets, food, spend } = await categoriesIn(owner, spaceId);
    const t = await spend(pets);
    const racing = racingApp(null, deleteIt, { ledger: retiring });
    const res = await racing.del(owner, `/v1/categories/${pets}?reassignTo=${food}`);
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(404);
    expect(await categoryOf(t)).toBe(pets);
    expect(await exists(pets)).toBe(true);
  });

  it("a deletion whose own batch fails (D1 unavailable) leaves the category taking rows, and its retry completes", { timeout: 60_000 }, async () => {
    const { owner, spaceId } = await spaceWith("member");
    const { pets, food, spend } = await categoriesIn(owner, spaceId);
    const racing = racingApp(DELETES_CATEGORY, async () => {
      throw new Error("D1 unavailable");
    });
    // The injected fault is the server's, so the answer is the 500 of a failed batch (nothing a client sent).
    const res = await racing.del(owner, `/v1/categories/${pets}`);
    expect(res.status).toBe(500);
    expect(await exists(pets)).toBe(true);
    const t = await spend(pets);
    expect(await categoryOf(t)).toBe(pets);
    // Asked again, into a target this time: the first attempt's mark is gone, so no 409 for "another target".
    const again = await userApi(owner).del(`/v1/categories/${pets}?reassignTo=${food}`);
    expect(again.status).toBe(200);
    expect(await categoryOf(t)).toBe(food);
  });

  it("completes once its rows have moved, whatever comes after: 200", { timeout: 60_000 }, async () => {
    const { owner, other, spaceId, removeIt } = await spaceWith("member");
    const { pets, food, spend } = await categoriesIn(owner, spaceId);
    const t = await spend(pets);
    const racing = racingApp(DELETES_CATEGORY, removeIt);
    const res = await racing.del(other, `/v1/categories/${pets}?reassignTo=${food}`);
    expect(racing.fired()).toBe(true);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ deleted: pets, reassignedTo: food, movedTransactions: 1 });
    expect(await exists(pets)).toBe(false);
    expect(await categoryOf(t)).toBe(food);
  });
});

/**
 * D1 binds at most 100 parameters per statement, reads included. Every route
 * whose query takes a list the caller sizes is driven here past that: 150
 * budget categories, more than 100 budgets on one category, transaction pages
 * and rule runs over 120 categories, bulk-categorize with 150 ids, a user in
 * 101 spaces, and ML text with 160 distinct tokens. A statement over the cap
 * is a 500 (and for budgets it used to break `GET /v1/budgets` for the whole
 * space afterwards), so each call must answer with exactly the expected status.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, callJson, enableTwoFactor, registerUser, type TestUser } from "../helpers";
import { MAX_OWNED_SPACES } from "../../src/modules/spaces/service";
import { createAccount } from "../accounts/helpers";
import { settleJob } from "./world";

const OVER = 150; // comfortably past D1's 100, and past twice 49 (a list bound twice)

function as(u: TestUser) {
  /** The call, which must answer `status`; anything else (a 500 above all) fails with the body. */
  const send = async (path: string, status: number, opts: { method?: string; body?: unknown } = {}) => {
    const res = await callJson(path, { token: u.accessToken, ip: u.ip, ...opts });
    expect(res.status, `${opts.method ?? (opts.body ? "POST" : "GET")} ${path}: ${JSON.stringify(res.body)?.slice(0, 500)}`).toBe(status);
    return res.body;
  };
  return {
    get: (path: string) => send(path, 200),
    post: (path: string, body: unknown, status = 201) => send(path, status, { body }),
    patch: (path: string, body: unknown) => send(path, 200, { method: "PATCH", body }),
  };
}

/** Runs `n` calls, `width` at a time, keeping their order. */
async function times<T>(n: number, fn: (i: number) => Promise<T>, width = 25): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += width) out.push(...(await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, j) => fn(i + j)))));
  return out;
}

const pad = (i: number) => String(i).padStart(3, "0");

async function setup() {
  const u = await registerUser();
  const a = as(u);
  const space = await a.post("/v1/spaces", { name: "Many", type: "personal", currency: "USD" });
  const acc = await createAccount(u, space.id, { openingBalance: 100000 });
  const newCategories = (n: number, rule?: (i: number) => string): Promise<string[]> =>
    times(n, async (i) => (await a.post("/v1/categories", {
      spaceId: space.id, name: `Cat ${pad(i)}`, type: "expense",
      ...(rule ? { rules: [{ condition: "description_contains", value: rule(i) }] } : {}),
    })).id);
  const spend = (body: Record<string, unknown>) =>
    a.post("/v1/transactions", { spaceId: space.id, accountId: acc.id, date: new Date().toISOString(), ...body });
  return { u, a, spaceId: space.id as string, newCategories, spend };
}

const outbox = (spaceId: string) =>
  env.DB.prepare("SELECT payload FROM event_outbox WHERE space_id = ? AND type = 'budget.alert.threshold_exceeded'").bind(spaceId).all<{ payload: string }>();

// Each case builds hundreds of rows through the API: minutes, not the default 30 s, under a loaded machine.
describe("routes that bind a caller-sized list stay under D1's 100 parameters", { timeout: 180_000 }, () => {
  it("a budget over 50 categories (the old schema cap) does not break the space's budget list", async () => {
    // Its category list was bound twice (102 parameters at 49): create and every later list were 500s.
    const { a, spaceId, newCategories } = await setup();
    const ids = await newCategories(50);
    const b = await a.post("/v1/budgets", { spaceId, name: "Fifty", amount: 100, period: "monthly", categoryIds: ids, alertThreshold: 80 });
    expect((await a.get(`/v1/budgets?spaceId=${spaceId}`)).map((x: { id: string }) => x.id)).toEqual([b.id]);
  });

  it(`budgets over ${OVER} categories: create, get, list, patch, and the alert a transaction triggers`, async () => {
    const { a, spaceId, newCategories, spend } = await setup();
    const ids = await newCategories(OVER);
    const plain = await a.post("/v1/budgets", { spaceId, name: "Everything", amount: 1000, period: "monthly", categoryIds: ids, alertThreshold: 10 });
    expect(plain.categories).toHaveLength(OVER);
    const allocated = await a.post("/v1/budgets", {
      spaceId, name: "Allocated", amount: OVER, period: "monthly", categories: ids.map((categoryId) => ({ categoryId, allocated: "1.00" })),
    });
    expect(allocated.categories.every((c: { allocated: number }) => c.allocated === 1)).toBe(true);

    expect((await a.get(`/v1/budgets/${plain.id}`)).categories).toHaveLength(OVER);
    expect((await a.get(`/v1/budgets?spaceId=${spaceId}`)).map((b: { id: string }) => b.id).sort()).toEqual([plain.id, allocated.id].sort());
    const patched = await a.patch(`/v1/budgets/${allocated.id}`, { amount: 2 * OVER, categories: ids.map((categoryId) => ({ categoryId, allocated: "2.00" })) });
    expect(patched).toMatchObject({ amount: 2 * OVER });
    expect((await a.patch(`/v1/budgets/${plain.id}`, { categoryIds: [...ids].reverse() })).categories).toHaveLength(OVER);

    // The last category is far past the first 100: the alert check and spending must still see it.
    await spend({ amount: -120, description: "big", categoryId: ids[OVER - 1] });
    const events = (await outbox(spaceId)).results.map((r) => JSON.parse(r.payload));
    expect(events).toEqual([expect.objectContaining({ budgetId: plain.id, currentSpent: 120, threshold: 10 })]);
    expect(await a.get(`/v1/budgets/${plain.id}`)).toMatchObject({ spent: 120, remaining: 880 });
    expect((await a.get(`/v1/budgets?spaceId=${spaceId}`))).toHaveLength(2);
  });

  it("more than 100 budgets watching one category: list, and the alert check of a transaction", async () => {
    const { a, spaceId, newCategories, spend } = await setup();
    const [cat] = await newCategories(1);
    const budgets = await times(101, (i) => a.post("/v1/budgets", { spaceId, name: `B${pad(i)}`, amount: 100, period: "monthly", categoryIds: [cat], alertThreshold: 50 }));
    expect(await a.get(`/v1/budgets?spaceId=${spaceId}`)).toHaveLength(101);
    await spend({ amount: -60, description: "crosses every budget", categoryId: cat });
    const alerted = (await outbox(spaceId)).results.map((r) => JSON.parse(r.payload).budgetId).sort();
    expect(alerted).toEqual(budgets.map((b) => b.id).sort());
    // Every period's alert is out: the next write reads their 101 keys (one JSON parameter) and writes none.
    await spend({ amount: -1, description: "after", categoryId: cat });
    expect((await outbox(spaceId)).results).toHaveLength(101);
  });

  it("a transaction page over 120 categories, and apply-rules into 120 categories", async () => {
    const { a, spaceId, newCategories, spend } = await setup();
    const n = 120;
    // Uncategorized first; then a rule per category claims one transaction each.
    const txs = await times(n, (i) => spend({ amount: -1, description: `Purchase ref-${pad(i)}` }));
    const cats = await newCategories(n, (i) => `ref-${pad(i)}`);
    await a.post("/v1/budgets", { spaceId, name: "Watching all", amount: 1000, period: "monthly", categoryIds: cats, alertThreshold: 10 });
    const run = await a.post("/v1/categories/apply-rules", { spaceId }, 200);
    expect(run).toMatchObject({ matched: n, updated: n });
    // The alert check after the recategorization reads the budgets watching 120 categories itself: 120.00 of 1,000.00 is 12%.
    expect((await outbox(spaceId)).results.map((r) => JSON.parse(r.payload))).toEqual([expect.objectContaining({ currentSpentDecimal: "120.00", percentageSpent: 12, threshold: 10 })]);

    const page = await a.get(`/v1/transactions?spaceId=${spaceId}&limit=200`);
    const shown = new Map<string, string>(page.transactions.map((t: { id: string; category: { id: string } | null }) => [t.id, t.category?.id]));
    expect(txs.map((t) => shown.get(t.id))).toEqual(cats);
  });

  it("bulk-categorize with 150 ids, 120 of them real", async () => {
    const { a, spaceId, newCategories, spend } = await setup();
    const [cat] = await newCategories(1);
    const txs = await times(120, (i) => spend({ amount: -1, description: `Purchase ${i}` }));
    const fake = Array.from({ length: 30 }, (_, i) => `txn_missing${pad(i)}`);
    const bulk = await a.post("/v1/transactions/bulk-categorize", { spaceId, transactionIds: [...txs.map((t) => t.id), ...fake], categoryId: cat }, 200);
    expect(bulk).toEqual({ updated: 120, notFound: 30 });
    const page = await a.get(`/v1/transactions?spaceId=${spaceId}&limit=200`);
    const categoryOf = new Map(page.transactions.map((t: { id: string; category: { id: string } | null }) => [t.id, t.category?.id]));
    expect(txs.map((t) => categoryOf.get(t.id))).toEqual(txs.map(() => cat));
  });

  it("a user in 101 spaces lists them all, with their accounts", { timeout: 120_000 }, async () => {
    const u = await registerUser();
    const a = as(u);
    // A user owns at most MAX_OWNED_SPACES; the rest are others' spaces they were added to (30 adds a day an adder).
    const own = await times(MAX_OWNED_SPACES, (i) => a.post("/v1/spaces", { name: `S${pad(i)}`, type: "personal", currency: "USD" }));
    const theirs: { id: string }[] = [];
    for (const count of [30, 101 - MAX_OWNED_SPACES - 30]) {
      const friend = await registerUser();
      const f = as(friend);
      for (const space of await times(count, (i) => f.post("/v1/spaces", { name: `F${pad(i)}`, type: "personal", currency: "USD" }))) {
        await addMember(friend, space.id, u, "member");
        theirs.push(space);
      }
    }
    expect(own.length + theirs.length).toBe(101);
    const last = theirs.at(-1)!;
    const acc = await createAccount(u, last.id, { openingBalance: 5 });
    const listed = await a.get("/v1/spaces");
    expect(listed.length).toBeGreaterThanOrEqual(101);
    expect(listed.find((s: { id: string }) => s.id === last.id).accounts).toEqual([expect.objectContaining({ id: acc.id, balance: 5 })]);
  });

  it("ML over 160 distinct tokens: auto-categorization, a correction, a prediction and a retrain", async () => {
    const { u, a, spaceId, newCategories, spend } = await setup();
    const [cat] = await newCategories(1);
    // Two-letter words are tokens; skip the stopwords so every one counts.
    const stop = new Set("an at by co cv de el en in la mx of on or sa su to un al".split(" "));
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const words = [...letters].flatMap((x) => [...letters].map((y) => x + y)).filter((w) => !stop.has(w)).slice(0, 160);
    const description = words.join(" ");
    expect(description.length).toBeLessThanOrEqual(500);

    const tx = await spend({ amount: -3, description, merchantName: "Tokens Galore" });
    const corr = await a.post("/v1/ml/corrections", { transactionId: tx.id, correctedCategoryId: cat, applyToSimilar: true });
    expect(corr.correctionId).toBeTruthy();
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM ml_token_counts WHERE space_id = ?").bind(spaceId).first<{ n: number }>();
    expect(rows!.n).toBeGreaterThan(160);
    const predicted = await a.post("/v1/ml/predict", { spaceId, description, merchantName: "Tokens Galore" }, 200);
    expect(predicted.categoryId).toBe(cat);
    const next = await spend({ amount: -4, description, merchantName: "Tokens Galore" });
    expect(next.category?.id).toBe(cat);

    await enableTwoFactor(u);
    const job = await a.post("/v1/ml/retrain", { spaceId }, 202);
    await settleJob(job.jobId);
    expect((await env.DB.prepare("SELECT status FROM jobs WHERE id = ?").bind(job.jobId).first<{ status: string }>())!.status).toBe("completed");
  });
});

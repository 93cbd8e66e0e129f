/**
 * A bank disconnected and linked again imports its history into new accounts (relinks.ts); the user's work on the
 * old rows (a category chosen by hand, notes, tags) came with it nowhere, so the dashboard's top categories lost
 * "Eating out" and the user had to categorize months again (a QA run). The new rows take it from the old copies of
 * the same transaction (relink-carry.ts): same day, amount, currency and provider text, each old row once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { dateIn } from "../../src/lib/dates";
import { plaidSandboxInternals } from "../../src/sandbox/plaid";
import { registerUser } from "../helpers";
import { api, ok } from "../analytics/fixture";
import { disconnect, linkedPlaid } from "../analytics/relink-helpers";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { applyChanges } from "../../src/modules/providers/apply";
import { emptyStats, type NormalAccount, type NormalTxn } from "../../src/modules/providers/sync-types";
import { createConnection, getConnection } from "../../src/modules/providers/connections";
import { directServices, plaidAccessToken, plaidControl, syncNow } from "./helpers";

const CHIPOTLE = "Chipotle Mexican Grill";
const DAY_MS = 86_400_000;

type Sim = ReturnType<typeof plaidSandboxInternals.stateAt> extends ReadonlyMap<string, infer T> ? T : never;

/**
 * A login whose 90 days of history hold two equal purchases (same day, merchant, amount and account), and whose
 * second generation changes the amount of a purchase of that history (the bank's correction), whatever the day.
 */
async function loginWithTwins(): Promise<string> {
  const anchor = new Date().toISOString().slice(0, 10);
  for (let i = 0; ; i++) {
    const token = `public-sandbox-carry-${i}`;
    const item = { item_id: "probe", seed: await sha256Hex(token), anchor_day: anchor, history_days: 90 } as Parameters<typeof plaidSandboxInternals.stateAt>[0];
    const before = plaidSandboxInternals.stateAt(item, 0);
    const after = plaidSandboxInternals.stateAt(item, 2);
    const seen = new Set<string>();
    let twins = false;
    for (const t of before.values()) {
      const k = `${t.account}|${t.date}|${t.merchant}|${t.cents}`;
      if (!t.pending && t.merchant !== CHIPOTLE && seen.has(k)) twins = true;
      seen.add(k);
    }
    const corrected = [...before.values()].some((t: Sim) => !t.pending && after.get(t.id) && after.get(t.id)!.cents !== t.cents);
    if (twins && corrected) return token;
  }
}

interface Row {
  id: string;
  pid: string;
  subtype: string;
  date: number;
  amount: number;
  merchant: string | null;
  category_id: string | null;
  category_source: string | null;
  notes: string | null;
  tags: string;
  status: string;
}

/** A connection's synced rows, each with its live amount (its correcting entries added), in (date, id) order. */
async function rowsOf(connectionId: string): Promise<Row[]> {
  const { results } = await env.DB.prepare(
    `SELECT t.id, t.provider_transaction_id AS pid, a.subtype, t.date, t.amount, t.merchant_name AS merchant, t.category_id, t.category_source, t.notes, t.tags, t.status
       FROM transactions t JOIN provider_accounts pa ON pa.account_id = t.account_id JOIN accounts a ON a.id = t.account_id
      WHERE pa.connection_id = ? AND t.provider_transaction_id NOT LIKE 'balance#%' ORDER BY t.date, t.id`,
  ).bind(connectionId).all<Row>();
  const first = results.filter((r) => !r.pid.includes("#"));
  for (const r of results) {
    if (!r.pid.includes("#") || r.status === "cancelled") continue;
    first.find((f) => f.pid === r.pid.split("#")[0])!.amount += r.amount;
  }
  return first;
}

/** What identifies a transaction across two links of one login: its account, day, merchant and amount. */
const keyOf = (r: Row) => `${r.subtype}|${r.date}|${r.merchant}|${r.amount}`;
/** The user's work on a row (and the rules'), as the test compares it. */
const work = (r: Row) => ({ category: r.category_id, source: r.category_source, notes: r.notes, tags: JSON.parse(r.tags) as string[] });
const UNTOUCHED = { category: null, source: null, notes: null, tags: [] };

/** Two equal posted purchases of one day (not Chipotle's, which the first test categorizes). */
const twinsIn = (rows: Row[]) => [...byKey(rows).values()].find((g) => g.length >= 2 && g[0]!.status === "posted" && g[0]!.merchant !== CHIPOTLE)!;

function byKey(rows: Row[]) {
  const m = new Map<string, Row[]>();
  for (const r of rows) m.set(keyOf(r), [...(m.get(keyOf(r)) ?? []), r]);
  return m;
}

/** The ledger's balance of `address` (what was posted to it, minor units). */
const ledgerBalance = async (spaceId: string, address: string) =>
  (await env.DB.prepare("SELECT COALESCE(SUM(input - output), 0) AS b FROM ledger_volumes WHERE space_id = ? AND address = ?").bind(spaceId, address).first<{ b: number }>())!.b;

async function space() {
  const owner = await registerUser();
  const a = api(owner);
  const spaceId = (await ok(a.post("/v1/spaces", { name: "Relinked", type: "personal", currency: "USD", timezone: "UTC" }))).id as string;
  const category = async (name: string, merchant?: string) =>
    (await ok(a.post("/v1/categories", { spaceId, name, type: "expense", ...(merchant ? { rules: [{ condition: "merchant_contains", value: merchant }] } : {}) }))).id as string;
  return { owner, a, spaceId, category };
}

describe("a bank linked again keeps the user's work on its rows", () => {
  it("carries hand-set categories, notes and tags to the new copies, one to one, and the dashboard keeps them", { timeout: 180_000 }, async () => {
    const { owner, a, spaceId, category } = await space();
    const eatingOut = await category("Eating out");
    const mine = await category("Mine");
    // The user's rule files Starbucks under "Coffee" as the bank's rows arrive; the rule is deleted later.
    const coffee = await category("Coffee", "starbucks");
    const token = await loginWithTwins();
    const first = await linkedPlaid(owner, spaceId, `${token}.1`);
    const old = await rowsOf(first);
    expect(old.filter((r) => r.category_id === coffee && r.category_source === "rule").length).toBeGreaterThan(0);
    await ok(a.patch(`/v1/categories/${coffee}`, { rules: [] }));

    // Every Chipotle purchase is "Eating out" by hand; one has a note and tags too.
    const chipotle = old.filter((r) => r.merchant === CHIPOTLE && r.status === "posted");
    expect(chipotle.length).toBeGreaterThan(1);
    for (const r of chipotle) await ok(a.patch(`/v1/transactions/${r.id}`, { categoryId: eatingOut }));
    await ok(a.patch(`/v1/transactions/${chipotle[0]!.id}`, { notes: "with Ana", tags: ["friends", "lunch"] }));
    // Two equal purchases on one day, told apart by the user: each new copy takes one of them.
    const twins = twinsIn(old);
    await ok(a.patch(`/v1/transactions/${twins[0]!.id}`, { categoryId: mine, notes: "first", tags: ["one"] }));
    await ok(a.patch(`/v1/transactions/${twins[1]!.id}`, { notes: "second" }));

    const figures = async () => {
      const dash = await ok(a.get(`/v1/analytics/dashboard?spaceId=${spaceId}&period=1y`));
      return { cashFlow: dash.cashFlow, categories: dash.topCategories };
    };
    const before = await figures();
    expect(before.categories.find((c: { categoryId: string }) => c.categoryId === eatingOut)).toBeDefined();
    const ledgerBefore = await ledgerBalance(spaceId, `expense:${eatingOut}`);
    expect(ledgerBefore).toBeGreaterThan(0);

    await disconnect(owner, first);
    const second = await linkedPlaid(owner, spaceId, `${token}.2`); // the same login: the same history, imported anew
    const copies = await rowsOf(second);

    // Each day's equal transactions carry, between them, exactly what the old copies held (untouched stays untouched).
    const oldByKey = byKey((await rowsOf(first)).filter((r) => r.status !== "cancelled"));
    const newByKey = byKey(copies);
    expect([...newByKey.keys()].sort()).toEqual([...oldByKey.keys()].sort());
    const sorted = (rows: Row[]) => rows.map(work).map((w) => JSON.stringify(w)).sort();
    for (const [k, rows] of newByKey) expect(sorted(rows), k).toEqual(sorted(oldByKey.get(k)!));
    // In figures: the Chipotle copies are "Eating out" by hand, the noted one with its note, and the twins one each.
    const chipotleCopies = copies.filter((r) => r.merchant === CHIPOTLE && r.status === "posted");
    expect(chipotleCopies.map((r) => [r.category_id, r.category_source])).toEqual(chipotle.map(() => [eatingOut, "manual"]));
    expect(copies.filter((r) => r.notes === "with Ana").map((r) => [keyOf(r), JSON.parse(r.tags)])).toEqual([[keyOf(chipotle[0]!), ["friends", "lunch"]]]);
    expect(newByKey.get(keyOf(twins[0]!))!.map(work)).toEqual(
      expect.arrayContaining([{ category: mine, source: "manual", notes: "first", tags: ["one"] }, { ...UNTOUCHED, notes: "second" }]),
    );
    // Starbucks stays "Coffee", as the rule had filed the old rows, though the rule is gone.
    const starbucks = copies.filter((r) => r.merchant === "Starbucks");
    expect(starbucks.filter((r) => r.status === "posted").map(work)).toEqual(
      old.filter((r) => r.merchant === "Starbucks" && r.status === "posted").map(() => ({ ...UNTOUCHED, category: coffee, source: "rule" })),
    );

    // The dashboard counts the bank once, "Eating out" included; the ledger posted the copies to the category.
    expect(await figures()).toEqual(before);
    expect(await ledgerBalance(spaceId, `expense:${eatingOut}`)).toBe(2 * ledgerBefore);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("a budget on a hand-set category spends the same after the relink", { timeout: 180_000 }, async () => {
    const { owner, a, spaceId, category } = await space();
    const eatingOut = await category("Eating out");
    const token = await loginWithTwins();
    const first = await linkedPlaid(owner, spaceId, `${token}.1`);
    for (const r of (await rowsOf(first)).filter((r) => r.merchant === CHIPOTLE)) await ok(a.patch(`/v1/transactions/${r.id}`, { categoryId: eatingOut }));
    // A yearly budget from before the bank's history: all of it in one period.
    const startDate = new Date(Date.now() - 120 * DAY_MS).toISOString().slice(0, 10);
    const budget = (await ok(a.post("/v1/budgets", { spaceId, name: "Eating out", amount: "100000.00", period: "yearly", startDate, categoryIds: [eatingOut] }))).id as string;
    const before = await ok(a.get(`/v1/budgets/${budget}`));
    expect(Number(before.spentDecimal)).toBeGreaterThan(0);

    await disconnect(owner, first);
    await linkedPlaid(owner, spaceId, `${token}.2`);
    expect(await ok(a.get(`/v1/budgets/${budget}`))).toEqual(before);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("carries nothing to a copy that is not the same transaction; a row the person voided has its copy voided", { timeout: 180_000 }, async () => {
    const { owner, a, spaceId, category } = await space();
    const mine = await category("Mine");
    const rides = await category("Rides", "uber");
    const token = await loginWithTwins();
    const anchorMs = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`); // the simulator's day of the link
    const first = await linkedPlaid(owner, spaceId, `${token}.1`);
    // The bank corrects one purchase's amount, and posts what was pending, before the disconnection.
    await plaidControl("transactions/advance", { access_token: await plaidAccessToken(first), generations: 2 });
    await syncNow(first);
    const old = await rowsOf(first);
    const corrected = (await env.DB.prepare(
      "SELECT substr(provider_transaction_id, 1, instr(provider_transaction_id, '#c') - 1) AS pid FROM transactions WHERE space_id = ? AND provider_transaction_id LIKE '%#c%'",
    ).bind(spaceId).all<{ pid: string }>()).results.map((r) => old.find((o) => o.pid === r.pid)!).find((r) => r.status === "posted")!;
    expect(corrected).toBeDefined();
    await ok(a.patch(`/v1/transactions/${corrected.id}`, { categoryId: mine, notes: "corrected" }));
    // Two equal purchases, both noted; one voided by the user.
    const twins = twinsIn(old);
    await ok(a.patch(`/v1/transactions/${twins[0]!.id}`, { categoryId: mine, notes: "kept" }));
    await ok(a.patch(`/v1/transactions/${twins[1]!.id}`, { categoryId: mine, notes: "voided" }));
    expect((await a.del(`/v1/transactions/${twins[1]!.id}`)).status).toBeLessThan(300);
    // A purchase of the day after the link (the bank's next generation), noted: the new link brings it later.
    const nextDay = old.find((r) => r.date === anchorMs + DAY_MS && r.status === "posted")!;
    await ok(a.patch(`/v1/transactions/${nextDay.id}`, { notes: "later", tags: ["x"] }));

    // The user moves Uber from "Rides" to a new "Taxi" rule: the new rows follow the rule as it is now.
    await ok(a.patch(`/v1/categories/${rides}`, { rules: [] }));
    const taxi = await category("Taxi", "uber");

    await disconnect(owner, first);
    const second = await linkedPlaid(owner, spaceId, `${token}.2`);
    const copies = await rowsOf(second);
    const uber = copies.filter((r) => r.merchant === "Uber");
    expect(uber.length).toBeGreaterThan(0);
    expect(old.filter((r) => r.merchant === "Uber").every((r) => r.category_id === rides)).toBe(true);
    for (const r of uber) expect([r.category_id, r.category_source]).toEqual([taxi, "rule"]);

    // The new link holds the purchase at its first amount: the same day and merchant, another amount, no carry.
    const same = copies.filter((r) => r.subtype === corrected.subtype && r.date === corrected.date && r.merchant === corrected.merchant);
    expect(same.length).toBeGreaterThan(0);
    expect(same.some((r) => r.amount === corrected.amount)).toBe(false);
    for (const r of same) expect(work(r)).toEqual(r.merchant === "Uber" ? { ...UNTOUCHED, category: taxi, source: "rule" } : UNTOUCHED);
    // One of the two copies takes the kept one's; the other is voided, as the person voided its old copy (with its work).
    expect(newTwins(copies, twins[0]!).map((r) => ({ ...work(r), status: r.status })).sort((p, q) => String(p.notes).localeCompare(String(q.notes)))).toEqual([
      { category: mine, source: "manual", notes: "kept", tags: [], status: "posted" },
      { category: mine, source: "manual", notes: "voided", tags: [], status: "cancelled" },
    ]);
    expect(copies.filter((r) => r.notes !== null).map((r) => r.notes).sort()).toEqual(["kept", "voided"]);
    expect(await ledgerViolations(spaceId)).toEqual([]);

    // A later sync imports what the old link had from the day after the link: the noted one takes its note there.
    await plaidControl("transactions/advance", { access_token: await plaidAccessToken(second), generations: 1 });
    await syncNow(second);
    const later = (await rowsOf(second)).filter((r) => !copies.some((c) => c.id === r.id) && r.status === "posted");
    expect(later.length).toBeGreaterThan(1);
    // An Uber purchase there follows the Taxi rule, as every new Uber row does.
    const ruled = nextDay.merchant === "Uber" ? { category: taxi, source: "rule" } : {};
    expect(later.filter((r) => r.notes !== null).map((r) => [keyOf(r), work(r)])).toEqual([[keyOf(nextDay), { ...UNTOUCHED, ...ruled, notes: "later", tags: ["x"] }]]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});

describe("a bank linked again after the space's zone changed", () => {
  it("carries the user's work to the copies of the same days (a reviewer's case: a space moved from UTC to Mexico City)", { timeout: 180_000 }, async () => {
    const { owner, a, spaceId, category } = await space();
    const eatingOut = await category("Eating out");
    const token = `public-sandbox-zone-${crypto.randomUUID()}`;
    const first = await linkedPlaid(owner, spaceId, `${token}.1`);
    const old = (await rowsOf(first)).filter((r) => r.status !== "cancelled");
    // Every Chipotle purchase "Eating out" by hand; every third row noted and tagged.
    const chipotle = old.filter((r) => r.merchant === CHIPOTLE);
    expect(chipotle.length).toBeGreaterThan(1);
    for (const r of chipotle) await ok(a.patch(`/v1/transactions/${r.id}`, { categoryId: eatingOut }));
    const noted = old.filter((_, i) => i % 3 === 0);
    for (const r of noted) await ok(a.patch(`/v1/transactions/${r.id}`, { notes: `note ${r.pid}`, tags: ["mine"] }));

    // The old rows were stored at UTC midnights; the space now lives six hours behind, then the bank is linked again.
    await ok(a.patch(`/v1/spaces/${spaceId}`, { timezone: "America/Mexico_City" }));
    await disconnect(owner, first);
    const second = await linkedPlaid(owner, spaceId, `${token}.2`); // the same login: the same history, imported anew
    const copies = await rowsOf(second);

    // Each day's transactions (by the day each was stored for) carry, between them, what the old copies held.
    const dayKey = (tz: string) => (r: Row) => `${r.subtype}|${dateIn(r.date, tz)}|${r.merchant}|${r.amount}`;
    const group = (rows: Row[], key: (r: Row) => string) => {
      const m = new Map<string, string[]>();
      for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), JSON.stringify(work(r))].sort());
      return m;
    };
    const before = group((await rowsOf(first)).filter((r) => r.status !== "cancelled"), dayKey("UTC"));
    const after = group(copies, dayKey("America/Mexico_City"));
    expect(new Map([...after].sort())).toEqual(new Map([...before].sort()));
    expect(copies.filter((r) => r.notes !== null).length).toBe(noted.length);
    expect(copies.filter((r) => r.merchant === CHIPOTLE).map((r) => [r.category_id, r.category_source])).toEqual(chipotle.map(() => [eatingOut, "manual"]));
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});

describe("a bank linked again, over several syncs", () => {
  // The sync engine fed directly (applyChanges, as the sync job runs it), so each sync's rows are chosen.
  const account: NormalAccount = { externalId: "ext-1", name: "Checking", type: "checking", subtype: null, currency: "USD", mask: "0001", balanceMinor: null };
  const row = (id: string, date: string, amountMinor: number, description = "NETFLIX.COM"): NormalTxn =>
    ({ id, accountExternalId: "ext-1", amountMinor, date, description, merchantName: null, pending: false, pendingId: null });
  /** A Plaid connection of the space made directly, and a sync of chosen rows (and removals) through the sync engine. */
  const connector = (spaceId: string, userId: string) => async () => {
    const { svc } = directServices();
    const made = await createConnection(svc, {
      spaceId, provider: "plaid", status: "active", externalId: `item-${crypto.randomUUID()}`, institutionId: "ins_carry", institutionName: "Bank",
      credentials: { accessToken: "x", itemId: "y" }, createdBy: userId,
    });
    const conn = (await getConnection(svc, made.id))!;
    return { id: conn.id, sync: (rows: NormalTxn[], removed: string[] = []) => applyChanges(svc, conn, { accounts: [account], upserts: rows, removed, matchPendingHeuristically: false }, emptyStats()) };
  };

  it("pairs each old row once: a copy imported by a later sync takes the next one, not the first again", { timeout: 60_000 }, async () => {
    const { owner, a, spaceId, category } = await space();
    const mine = await category("Mine");
    const connect = connector(spaceId, owner.id);
    const first = await connect();
    // Three equal charges on one day, told apart by the user, and one of another day.
    await first.sync([row("o1", "2025-03-04", -1549), row("o2", "2025-03-04", -1549), row("o3", "2025-03-04", -1549), row("o4", "2025-03-05", -1549)]);
    const old = await rowsOf(first.id);
    for (const [i, r] of old.entries()) await ok(a.patch(`/v1/transactions/${r.id}`, { categoryId: mine, notes: `charge ${i + 1}` }));
    await disconnect(owner, first.id);

    const second = await connect();
    const notes = async () => (await rowsOf(second.id)).map((r) => r.notes);
    await second.sync([row("n1", "2025-03-04", -1549)]);
    expect(await notes()).toEqual(["charge 1"]);
    // The bank lists two more of that day later on (and a fourth the old link never had): the next two, then nothing.
    await second.sync([row("n2", "2025-03-04", -1549), row("n3", "2025-03-04", -1549), row("n4", "2025-03-04", -1549)]);
    expect((await notes()).sort()).toEqual(["charge 1", "charge 2", "charge 3", null].sort());
    // Another text that day is another transaction; the other day's charge pairs with its own.
    await second.sync([row("n5", "2025-03-04", -1549, "SPOTIFY"), row("n6", "2025-03-05", -1549)]);
    const all = await rowsOf(second.id);
    expect(all.map((r) => [r.pid, r.notes, r.category_id])).toEqual(
      expect.arrayContaining([["n5", null, null], ["n6", "charge 4", mine]]),
    );
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("after the space's zone changed, equal charges of consecutive days each take their own day's work, over several syncs", { timeout: 60_000 }, async () => {
    const { owner, a, spaceId } = await space();
    const connect = connector(spaceId, owner.id);
    const first = await connect();
    // Three equal charges on consecutive days, stored at UTC midnights, told apart by the user.
    await first.sync([row("o1", "2025-03-04", -1549), row("o2", "2025-03-05", -1549), row("o3", "2025-03-06", -1549)]);
    for (const r of await rowsOf(first.id)) await ok(a.patch(`/v1/transactions/${r.id}`, { notes: `of ${r.pid}` }));
    // The household moves: each old row's UTC midnight is 18:00 of the day before in Mexico City.
    await ok(a.patch(`/v1/spaces/${spaceId}`, { timezone: "America/Mexico_City" }));
    await disconnect(owner, first.id);

    const second = await connect();
    const notes = async () => Object.fromEntries((await rowsOf(second.id)).map((r) => [r.pid, r.notes]));
    // The middle day first: it takes its own day's note, not the next day's (which is on its local day now).
    await second.sync([row("n2", "2025-03-05", -1549)]);
    expect(await notes()).toEqual({ n2: "of o2" });
    // Then the days either side, in a later sync: each its own, the middle one's taken already.
    await second.sync([row("n3", "2025-03-06", -1549), row("n1", "2025-03-04", -1549)]);
    expect(await notes()).toEqual({ n1: "of o1", n2: "of o2", n3: "of o3" });
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });

  it("in the zone a row was stored in, its day is certain: a copy of another day takes nothing from it", { timeout: 60_000 }, async () => {
    const { owner, a, spaceId } = await space();
    const connect = connector(spaceId, owner.id);
    const first = await connect();
    await first.sync([row("o1", "2025-03-04", -1549)]);
    const [old] = await rowsOf(first.id);
    await ok(a.patch(`/v1/transactions/${old!.id}`, { notes: "the 4th" }));
    await disconnect(owner, first.id);
    const second = await connect();
    // The same charge a day later (a pending purchase the new link brings on its posting day, or another one).
    await second.sync([row("n1", "2025-03-05", -1549), row("n0", "2025-03-03", -1549)]);
    expect((await rowsOf(second.id)).map((r) => [r.pid, r.notes])).toEqual([["n0", null], ["n1", null]]);
  });

  it("a copy the bank removed takes no old row: the one it sends again posted under a new id takes that row's work (second review)", { timeout: 60_000 }, async () => {
    const { owner, a, spaceId } = await space();
    const connect = connector(spaceId, owner.id);
    const first = await connect();
    await first.sync([row("o1", "2025-03-04", -1549), row("o2", "2025-03-04", -1549)]);
    const old = await rowsOf(first.id);
    for (const [i, r] of old.entries()) await ok(a.patch(`/v1/transactions/${r.id}`, { notes: `charge ${i + 1}` }));
    await disconnect(owner, first.id);
    const second = await connect();
    // The first charge arrives pending (it takes "charge 1"); then the bank drops it and sends it posted under a new
    // id without naming the pending one.
    await second.sync([{ ...row("p1", "2025-03-04", -1549), pending: true }]);
    await second.sync([row("q1", "2025-03-04", -1549)], ["p1"]);
    const live = (await rowsOf(second.id)).filter((r) => r.status !== "cancelled");
    expect(live.map((r) => [r.pid, r.notes])).toEqual([["q1", "charge 1"]]);
    expect(await ledgerViolations(spaceId)).toEqual([]);
  });
});

const newTwins = (copies: Row[], twin: Row) => copies.filter((r) => keyOf(r) === keyOf(twin));

/**
 * Property-based, at the Dhanam level: seeded random sequences of user
 * operations (creates, transfers, those between two currencies too, trades, voids, recategorizations, overdraft
 * flags, raw ledger writes and reverts, idempotent replays), each a real HTTP
 * call through the app, keep every ledger invariant after every single step,
 * and keep each account's balance, statement and no-overdraft promise in
 * agreement. A refused step changes nothing.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callJson, registerUser, type TestUser } from "../helpers";
import { createAccount, seedCategory } from "../accounts/helpers";
import { ledgerViolations } from "./ledger-invariants";

// ---------------------------------------------------------------- the world of one run

const ACCOUNT_NAMES = ["checking", "savings", "card", "broker"] as const;
type AccountName = (typeof ACCOUNT_NAMES)[number];
/** And a peso account, which only transfers reach (to or from one of the dollar accounts, with what arrived). */
const ALL_ACCOUNTS = [...ACCOUNT_NAMES, "pesos"] as const;
type AnyAccount = (typeof ALL_ACCOUNTS)[number];
const CATEGORY_NAMES = ["food", "rent", "salary"] as const;
type CategoryName = (typeof CATEGORY_NAMES)[number];

interface World {
  user: TestUser;
  spaceId: string;
  accounts: Record<AnyAccount, string>;
  categories: Record<CategoryName, string>;
  /** Dhanam transaction ids the run knows of (opening balances, creates, transfer sides, trades). */
  txns: string[];
  /** Accounts that were allowed to overdraw at some point of the run: their history may hold negative points. */
  everOverdraft: Set<string>;
  /** Idempotency keys used by the run: the body sent first and the id it committed (if it did). */
  keys: Map<string, { body: Record<string, unknown>; id: string | null }>;
  requests: number;
  /** Transfers between the peso account and a dollar account that committed. */
  crossed: number;
}

/** Today (UTC) when the test started; dates are generated relative to it. */
const TODAY = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const DAY = 86_400_000;

// ---------------------------------------------------------------- generators

/** Minor units: mostly small, sometimes large enough to overdraw. */
const centsArb = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 6_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 150_000 }) });

/** How an amount is written: an exact 2-decimal string, a small JSON number, or (rarely) something refused. */
const amountFormArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant("string" as const) },
  { weight: 4, arbitrary: fc.constant("number" as const) },
  { weight: 1, arbitrary: fc.constantFrom("three-decimals" as const, "zero" as const) },
);

const dateArb = fc.record({
  days: fc.integer({ min: -60, max: 30 }),
  time: fc.option(fc.record({ minutes: fc.integer({ min: 0, max: 24 * 60 - 1 }), zone: fc.constantFrom("Z", "+05:30", "-06:00", ".250Z") }), { nil: undefined, freq: 3 }),
});
type DateSpec = typeof dateArb extends fc.Arbitrary<infer T> ? T : never;

const accountArb = fc.constantFrom(...ACCOUNT_NAMES);
const categoryArb = fc.option(fc.constantFrom(...CATEGORY_NAMES), { nil: undefined, freq: 3 });

const createArb = fc.record({
  account: accountArb,
  type: fc.constantFrom(undefined, undefined, "expense", "income", "fee", "other") as fc.Arbitrary<"expense" | "income" | "fee" | "other" | undefined>,
  /** Mostly the sign the type wants; sometimes the other (a 422). */
  negative: fc.boolean(),
  signAgreesWithType: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  cents: centsArb,
  form: amountFormArb,
  category: categoryArb,
  date: dateArb,
  merchant: fc.constantFrom(undefined, "Starbucks", "Oxxo", "Amazon"),
  pending: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});
type CreateSpec = typeof createArb extends fc.Arbitrary<infer T> ? T : never;

const opArb = fc.oneof(
  { weight: 8, arbitrary: createArb.map((spec) => ({ kind: "create" as const, spec })) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        from: fc.constantFrom<AccountName>("checking", "checking", "card", "broker", "savings"),
        /** How far round the account list the destination is: 0 (the same account, a 422) now and then. */
        step: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(0) }),
        cents: centsArb,
        form: amountFormArb,
        date: dateArb,
        /** Now and then one side is the peso account: what arrives is then `toCents`, or left out (a 422). */
        pesos: fc.oneof({ weight: 2, arbitrary: fc.constant("neither" as const) }, { weight: 1, arbitrary: fc.constantFrom("from" as const, "to" as const) }),
        toCents: fc.oneof({ weight: 6, arbitrary: centsArb }, { weight: 1, arbitrary: fc.constant(null) }),
      })
      .map(({ step, pesos, ...r }) => {
        const to: AnyAccount = pesos === "to" ? "pesos" : ACCOUNT_NAMES[(ACCOUNT_NAMES.indexOf(r.from) + step) % ACCOUNT_NAMES.length]!;
        return { kind: "transfer" as const, ...r, from: (pesos === "from" ? "pesos" : r.from) as AnyAccount, to };
      }),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        side: fc.constantFrom("buy", "sell"),
        quantity: fc.constantFrom("1", "2", "0.5", "1.25", "0.00000001", 3, 0.75),
        priceCents: fc.integer({ min: 100, max: 40_000 }),
        priceForm: fc.constantFrom("string", "number", "three-decimals"),
        fees: fc.constantFrom(undefined, "1.05", 0.5, "0"),
        date: dateArb,
      })
      .map((r) => ({ kind: "trade" as const, ...r })),
  },
  { weight: 3, arbitrary: fc.nat({ max: 1000 }).map((target) => ({ kind: "void" as const, target })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ target: fc.nat({ max: 1000 }), category: fc.option(fc.constantFrom(...CATEGORY_NAMES), { nil: null, freq: 3 }) })
      .map((r) => ({ kind: "recategorize" as const, ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ targets: fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 5 }), category: fc.constantFrom(...CATEGORY_NAMES), missing: fc.boolean() })
      .map((r) => ({ kind: "bulk" as const, ...r })),
  },
  {
    // Mostly the card (opened below zero, so forbidding overdraft is refused while it owes) and checking.
    weight: 3,
    arbitrary: fc
      .record({ account: fc.constantFrom<AccountName>("card", "card", "card", "checking", "checking", "savings", "broker"), allow: fc.boolean() })
      .map((r) => ({ kind: "overdraft" as const, ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        account: accountArb,
        asset: fc.constantFrom("own", "EUR/2", "AAPL/8"),
        inbound: fc.boolean(),
        amount: fc.integer({ min: 1, max: 100_000 }),
        batch: fc.boolean(),
      })
      .map((r) => ({ kind: "rawAccount" as const, ...r })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }).map((amount) => ({ kind: "rawFree" as const, amount })) },
  { weight: 2, arbitrary: fc.nat({ max: 1000 }).map((target) => ({ kind: "revert" as const, target })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ key: fc.constantFrom("k1", "k2", "k3"), reuseBody: fc.boolean(), spec: createArb })
      .map((r) => ({ kind: "idem" as const, ...r })),
  },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------- rendering

const decimal = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

function renderAmount(cents: number, negative: boolean, form: "string" | "number" | "three-decimals" | "zero"): string | number {
  switch (form) {
    case "string":
      return `${negative ? "-" : ""}${decimal(cents)}`;
    case "number":
      return ((negative ? -1 : 1) * cents) / 100;
    case "three-decimals":
      return `${negative ? "-" : ""}${decimal(cents)}5`;
    case "zero":
      return negative ? "-0.00" : 0;
  }
}

function renderDate(d: DateSpec): string {
  const day = new Date(TODAY + d.days * DAY).toISOString().slice(0, 10);
  if (!d.time) return day;
  const hh = String(Math.floor(d.time.minutes / 60)).padStart(2, "0");
  const mm = String(d.time.minutes % 60).padStart(2, "0");
  return d.time.zone === ".250Z" ? `${day}T${hh}:${mm}:00.250Z` : `${day}T${hh}:${mm}:00${d.time.zone}`;
}

function createBody(w: World, s: CreateSpec): Record<string, unknown> {
  const wantsNegative = s.type === "expense" || s.type === "fee" ? true : s.type === "income" ? false : s.negative;
  const negative = s.signAgreesWithType ? wantsNegative : !wantsNegative;
  return {
    spaceId: w.spaceId,
    accountId: w.accounts[s.account],
    amount: renderAmount(s.cents, negative, s.form),
    description: s.type === "fee" ? "Bank fee" : negative ? "Groceries" : "Payday",
    date: renderDate(s.date),
    ...(s.type ? { type: s.type } : {}),
    ...(s.category ? { categoryId: w.categories[s.category] } : {}),
    ...(s.merchant ? { merchantName: s.merchant } : {}),
    ...(s.pending ? { status: "pending" } : {}),
  };
}

// ---------------------------------------------------------------- HTTP

async function http(w: World, method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  w.requests++;
  return callJson(path, { method, token: w.user.accessToken, ip: w.user.ip, body, headers });
}

async function setupWorld(): Promise<World> {
  const user = await registerUser();
  const w: World = {
    user, spaceId: "", accounts: {} as World["accounts"], categories: {} as World["categories"],
    txns: [], everOverdraft: new Set(), keys: new Map(), requests: 0, crossed: 0,
  };
  // A zone west of UTC, so a bare date's midnight is not UTC midnight.
  const space = await http(w, "POST", "/v1/spaces", { name: "Home", type: "personal", currency: "USD", timezone: "America/Mexico_City" });
  expect(space.status).toBe(201);
  w.spaceId = space.body.id;
  const made = [
    ["checking", { name: "Checking", type: "checking", openingBalance: "500.00" }],
    ["savings", { name: "Savings", type: "savings" }],
    ["card", { name: "Card", type: "credit_card", openingBalance: "-100.00" }],
    ["broker", { name: "Brokerage", type: "brokerage", openingBalance: "1000.00" }],
    ["pesos", { name: "Pesos", type: "savings", currency: "MXN", openingBalance: "5000.00" }],
  ] as const;
  for (const [name, body] of made) {
    const acc = await createAccount(user, w.spaceId, body);
    w.requests++;
    w.accounts[name] = acc.id;
    if (acc.allowOverdraft) w.everOverdraft.add(acc.id);
  }
  expect([...w.everOverdraft]).toEqual([w.accounts.card]);
  // System categories of the space, else seeded rows.
  const cats = await http(w, "GET", `/v1/categories?spaceId=${w.spaceId}`);
  expect(cats.status).toBe(200);
  const list = cats.body as { id: string; type: string; parentId?: string | null }[];
  const expenses = list.filter((c) => c.type === "expense");
  const income = list.find((c) => c.type === "income");
  w.categories.food = expenses[0]?.id ?? (await seedCategory(w.spaceId, "Food"));
  w.categories.rent = expenses[1]?.id ?? (await seedCategory(w.spaceId, "Rent"));
  w.categories.salary = income?.id ?? (await seedCategory(w.spaceId, "Salary", "income"));
  // The opening balances are Dhanam rows too: fair targets for voids and recategorizations.
  const opening = await http(w, "GET", `/v1/transactions?spaceId=${w.spaceId}`);
  expect(opening.status).toBe(200);
  w.txns.push(...(opening.body.transactions as { id: string }[]).map((t) => t.id));
  expect(w.txns).toHaveLength(4);
  return w;
}

/** Everything a refused request must leave as it was. */
async function fingerprint(spaceId: string): Promise<string> {
  const q = (sql: string) => env.DB.prepare(sql).bind(spaceId).all();
  const [ledgerTxs, logs, rows, accounts] = await Promise.all([
    q("SELECT seq, reverted_by_seq, metadata FROM ledger_transactions WHERE space_id = ? ORDER BY seq"),
    q("SELECT COUNT(*) AS n, MAX(hash) AS h FROM ledger_logs WHERE space_id = ?"),
    q("SELECT id, status, category_id, category_source FROM transactions WHERE space_id = ? ORDER BY id"),
    q("SELECT id, allow_overdraft, is_active FROM accounts WHERE space_id = ? ORDER BY id"),
  ]);
  return JSON.stringify([ledgerTxs.results, logs.results, rows.results, accounts.results]);
}

/** The Dhanam accounts whose ledger entries a write after sequence `afterSeq` touched. */
async function accountsTouchedAfter(spaceId: string, afterSeq: number): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT DISTINCT address FROM ledger_entries WHERE space_id = ? AND seq >= ? AND address LIKE 'accounts:%'")
    .bind(spaceId, afterSeq)
    .all<{ address: string }>();
  return rows.results.map((r) => r.address.slice("accounts:".length));
}

const ledgerTxCount = async (spaceId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ?").bind(spaceId).first<{ n: number }>())!.n;

interface Outcome {
  status: number;
  /** The statuses this kind of operation may answer with. */
  allowed: number[];
}

const pick = <T>(list: T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);

async function apply(w: World, op: Op): Promise<Outcome> {
  switch (op.kind) {
    case "create": {
      const r = await http(w, "POST", "/v1/transactions", createBody(w, op.spec));
      if (r.status === 201) w.txns.push(r.body.id);
      return { status: r.status, allowed: [201, 422] };
    }
    case "transfer": {
      const crosses = (op.from === "pesos") !== (op.to === "pesos");
      const r = await http(w, "POST", "/v1/transactions/transfer", {
        spaceId: w.spaceId, fromAccountId: w.accounts[op.from], toAccountId: w.accounts[op.to],
        amount: renderAmount(op.cents, false, op.form), date: renderDate(op.date), description: "Move",
        ...(crosses && op.toCents !== null ? { toAmount: renderAmount(op.toCents, false, op.form) } : {}),
      });
      if (r.status === 201) {
        w.txns.push(r.body.from.id, r.body.to.id);
        if (crosses) w.crossed++;
        // Each leg in its own account's currency.
        expect(r.body.from.currency).toBe(op.from === "pesos" ? "MXN" : "USD");
        expect(r.body.to.currency).toBe(op.to === "pesos" ? "MXN" : "USD");
      }
      // Same account on both sides, a bad amount, what arrived left out between two currencies, or not enough money: 422.
      return { status: r.status, allowed: [201, 422] };
    }
    case "trade": {
      const unitPrice = op.priceForm === "number" ? op.priceCents / 100 : op.priceForm === "string" ? decimal(op.priceCents) : `${decimal(op.priceCents)}7`;
      const r = await http(w, "POST", "/v1/transactions", {
        spaceId: w.spaceId, accountId: w.accounts.broker, description: "Apple", date: renderDate(op.date),
        trade: { symbol: "AAPL", side: op.side, quantity: op.quantity, unitPrice, ...(op.fees !== undefined ? { fees: op.fees } : {}) },
      });
      if (r.status === 201) {
        w.txns.push(r.body.id);
        expect(r.body).toMatchObject({ type: "trade", subtype: op.side, trade: { symbol: "AAPL" } });
      }
      // Selling shares not held or buying without the cash: 422.
      return { status: r.status, allowed: [201, 422] };
    }
    case "void": {
      const id = pick(w.txns, op.target) ?? "txn_missing";
      const r = await http(w, "DELETE", `/v1/transactions/${id}`);
      if (r.status === 200) expect(r.body.transaction.status).toBe("cancelled");
      // Missing: 404; already void or reverted: 409; the reversal would overdraw: 422.
      return { status: r.status, allowed: [200, 404, 409, 422] };
    }
    case "recategorize": {
      const id = pick(w.txns, op.target) ?? "txn_missing";
      const categoryId = op.category === null ? null : w.categories[op.category];
      const r = await http(w, "PATCH", `/v1/transactions/${id}`, { categoryId });
      if (r.status === 200) expect(r.body.category?.id ?? null).toBe(categoryId);
      return { status: r.status, allowed: [200, 404, 409, 422] };
    }
    case "bulk": {
      const ids = [...new Set(op.targets.map((t) => pick(w.txns, t)).filter((x): x is string => !!x))];
      if (op.missing || ids.length === 0) ids.push("txn_missing");
      const r = await http(w, "POST", "/v1/transactions/bulk-categorize", { spaceId: w.spaceId, transactionIds: ids, categoryId: w.categories[op.category] });
      if (r.status === 200) expect(r.body.updated + r.body.notFound).toBe(ids.length);
      return { status: r.status, allowed: [200, 422] };
    }
    case "overdraft": {
      const id = w.accounts[op.account];
      const r = await http(w, "PATCH", `/v1/accounts/${id}`, { allowOverdraft: op.allow });
      if (r.status === 200) {
        expect(r.body.allowOverdraft).toBe(op.allow);
        if (op.allow) w.everOverdraft.add(id);
      }
      // Forbidding overdraft on an account below zero: 409.
      return { status: r.status, allowed: op.allow ? [200] : [200, 409] };
    }
    case "rawAccount": {
      const address = `accounts:${w.accounts[op.account]}`;
      const asset = op.asset === "own" ? "USD/2" : op.asset;
      const posting = op.inbound
        ? { source: "world", destination: address, amount: op.amount, asset }
        : { source: address, destination: "world", amount: op.amount, asset };
      const base = `/v1/spaces/${w.spaceId}/ledger/transactions`;
      const r = op.batch
        ? await http(w, "POST", `${base}/batch`, { transactions: [{ postings: [{ source: "world", destination: "users:a", amount: 1, asset: "USD/2" }] }, { postings: [posting] }] })
        : await http(w, "POST", base, { postings: [posting] });
      // accounts: addresses belong to Dhanam accounts: always refused.
      if (r.status === 422) expect(r.body.error.details[0]).toMatchObject({ code: "RESERVED_ADDRESS" });
      return { status: r.status, allowed: [422] };
    }
    case "rawFree": {
      const r = await http(w, "POST", `/v1/spaces/${w.spaceId}/ledger/transactions`, {
        postings: [{ source: "world", destination: "users:a", amount: op.amount, asset: "USD/2" }],
      });
      return { status: r.status, allowed: [201] };
    }
    case "revert": {
      const txid = op.target % ((await ledgerTxCount(w.spaceId)) + 2);
      const r = await http(w, "POST", `/v1/spaces/${w.spaceId}/ledger/transactions/${txid}/revert`);
      // Beyond the last: 404; reverted already or itself a revert: 409; would overdraw: 422.
      return { status: r.status, allowed: [201, 404, 409, 422] };
    }
    case "idem": {
      const replayed = (r: { res: Response }) => r.res.headers.get("idempotency-replayed") === "true";
      const prior = w.keys.get(op.key);
      const body = prior && op.reuseBody ? prior.body : createBody(w, op.spec);
      const send = () => http(w, "POST", "/v1/transactions", body, { "idempotency-key": op.key });
      const countBefore = await ledgerTxCount(w.spaceId);
      const first = await send();
      const second = await send();
      // However many times it is sent, a key commits at most one ledger transaction, and a replay none.
      const committed = first.status === 201 && !replayed(first) ? 1 : 0;
      expect(await ledgerTxCount(w.spaceId)).toBe(countBefore + committed);
      const sameBody = prior !== undefined && JSON.stringify(prior.body) === JSON.stringify(body);
      if (prior?.id && sameBody) {
        // The key committed earlier with this body: both are replays of that transaction.
        for (const r of [first, second]) {
          expect(r.status).toBe(201);
          expect(r.body.id).toBe(prior.id);
          expect(replayed(r)).toBe(true);
        }
      } else if (prior?.id) {
        // The key committed another body: refused, twice.
        for (const r of [first, second]) {
          expect(r.status).toBe(422);
          expect(r.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
        }
      } else {
        expect(second.status).toBe(first.status);
        if (first.status === 201) {
          expect(replayed(first)).toBe(false);
          expect(second.body.id).toBe(first.body.id);
          expect(replayed(second)).toBe(true);
          w.txns.push(first.body.id);
        }
        if (!prior || first.status === 201) w.keys.set(op.key, { body, id: first.status === 201 ? first.body.id : null });
      }
      return { status: first.status, allowed: [201, 422] };
    }
  }
}

/**
 * Each given account's balance is its statement's closing and current balance,
 * and the statement of an account that was never allowed to overdraw never dips
 * below zero at any point (in value-date order).
 */
async function checkAccounts(w: World, names: readonly AnyAccount[], after: string) {
  await Promise.all(
    names.map(async (name) => {
      const id = w.accounts[name];
      const [acc, st] = await Promise.all([http(w, "GET", `/v1/accounts/${id}`), http(w, "GET", `/v1/accounts/${id}/ledger?from=2000-01-01`)]);
      expect(acc.status, after).toBe(200);
      expect(st.status, after).toBe(200);
      expect(st.body.closingBalance, `${name} closing vs balance ${after}`).toBe(acc.body.balanceDecimal);
      expect(st.body.currentBalance, `${name} current vs balance ${after}`).toBe(acc.body.balanceDecimal);
      if (!w.everOverdraft.has(id)) {
        expect(acc.body.allowOverdraft, after).toBe(false);
        const points = [st.body.openingBalance, ...st.body.entries.map((e: { runningBalance: string }) => e.runningBalance)] as string[];
        const negative = points.filter((p) => p.startsWith("-"));
        expect(negative, `${name} statement goes negative ${after}`).toEqual([]);
      }
    }),
  );
}

/*
 * Request budget: each run is a fresh user (the `general` policy allows 1000
 * requests an hour per user) and stays under 900 requests. Calls through
 * `exports.default.fetch` also get slower the more of them one test file makes
 * (a test-harness effect: the same app called through `app.fetch` stays flat),
 * so after a step only the accounts it touched are read back, and the whole
 * file stays around 550 requests.
 */
describe("Dhanam operations keep the ledger sound", () => {
  it("Dhanam ledger invariants hold after every step of random sequences of user operations", { timeout: 120_000 }, async () => {
    const seen = new Set<number>();
    let maxRequests = 0;
    let crossed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 15, maxLength: 35 }), async (ops) => {
        const w = await setupWorld();
        await checkAccounts(w, ALL_ACCOUNTS, "after setup");
        expect(await ledgerViolations(w.spaceId)).toEqual([]);
        const nameOf = new Map(ALL_ACCOUNTS.map((n) => [w.accounts[n], n]));
        for (const [i, op] of ops.entries()) {
          const before = await fingerprint(w.spaceId);
          const seqBefore = await ledgerTxCount(w.spaceId);
          const { status, allowed } = await apply(w, op);
          const after = `after step ${i} ${JSON.stringify(op)} (status ${status})`;
          seen.add(status);
          expect(status, after).toBeLessThan(500);
          expect(allowed, after).toContain(status);
          expect(await ledgerViolations(w.spaceId), after).toEqual([]);
          if (status >= 400) {
            // A refused request leaves the ledger, the rows and the accounts as they were.
            expect(await fingerprint(w.spaceId), `a refused request changed the space ${after}`).toBe(before);
            continue;
          }
          // Check the accounts the step wrote to (and the one whose flag it set); a step that moved
          // no account's money checks one account in turn, so every statement is read now and then.
          const touched = new Set((await accountsTouchedAfter(w.spaceId, seqBefore)).map((id) => nameOf.get(id)!));
          if (op.kind === "overdraft") touched.add(op.account);
          if (touched.size === 0) touched.add(ACCOUNT_NAMES[i % ACCOUNT_NAMES.length]!);
          await checkAccounts(w, [...touched], after);
        }
        await checkAccounts(w, ALL_ACCOUNTS, "at the end of the run");
        maxRequests = Math.max(maxRequests, w.requests);
        crossed += w.crossed;
      }),
      { seed: 20261122, numRuns: 8, endOnFailure: true },
    );
    // The generator reached committed, refused and conflicting writes, within the user's hourly budget.
    expect(seen.has(201)).toBe(true);
    expect(seen.has(422)).toBe(true);
    expect(seen.has(409)).toBe(true);
    expect(maxRequests).toBeLessThan(900);
    expect(crossed).toBeGreaterThan(0);
  });
});



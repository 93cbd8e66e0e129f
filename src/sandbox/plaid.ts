/**
 * A deterministic, offline Plaid: the endpoints the client uses, with Plaid's
 * own wire types, checking the client's auth headers.
 *
 * An item's data is a pure function of its seed (the login of the public token
 * it was exchanged from: the token up to its first `.`, so that
 * `public-sandbox-alice.1` and `public-sandbox-alice.2` are two Link sessions of
 * one login, with the same accounts, as a bank linked twice is at Plaid) and
 * its generation: generation 0 is 90 days of history
 * (about 3 transactions a day over a checking and a credit card account, a
 * few pending); each later generation posts the pending ones under new ids
 * naming them (`pending_transaction_id`, restaurant ones with a tip), adds
 * new pending and posted transactions, and now and then modifies an amount
 * or removes a transaction. /transactions/sync pages through the difference
 * between the cursor's generation and the current one.
 *
 * Controls (Plaid's sandbox endpoints and a few of our own, sandbox only). It sends no webhooks (there is no
 * /sandbox/item/fire_webhook here): a test signs Plaid's webhook bodies with a key it publishes (below) and posts them.
 * /sandbox/item/reset_login (ITEM_LOGIN_REQUIRED), /sandbox/link/complete
 * (finishing Link in update mode repairs the item), /sandbox/transactions/advance,
 * /sandbox/transactions/mutate_during_pagination, /sandbox/transactions/page_size,
 * /sandbox/item/rate_limit (the next n requests get RATE_LIMIT_EXCEEDED),
 * /sandbox/webhook_verification_key/create (publish a test's public JWK). /item/get answers an item's
 * error state (ITEM_LOGIN_REQUIRED between reset_login and update mode's repair), as Plaid does.
 */
import { Hono } from "hono";
import type {
  AccountBase,
  AccountsGetResponse,
  ItemGetResponse,
  ItemPublicTokenExchangeResponse,
  LinkTokenCreateResponse,
  PlaidError,
  RemovedTransaction,
  Transaction,
  TransactionsSyncResponse,
  WebhookVerificationKeyGetResponse,
} from "plaid";
import type { AppEnv } from "../env";
import { randomToken, sha256Hex, timingSafeEqual } from "../lib/crypto";
import { insertRows } from "../lib/sql";
import { fnv1a, prng } from "./hash";

/** Mounted with one catch-all line in routes.ts, so the simulator's endpoints stay out of the API's route table. */
export const plaidSandbox = new Hono<AppEnv>().basePath("/sandbox/plaid");

interface ItemRow {
  item_id: string;
  access_token: string;
  seed: string;
  generation: number;
  anchor_day: string;
  status: "ok" | "login_required" | "removed";
  mutate_during_pagination: number;
  max_page_size: number;
  update_link_token: string | null;
  rate_limited_requests: number;
  history_days: number;
  webhook: string | null;
}

const requestId = () => randomToken(9);

function plaidError(status: number, type: string, code: string, message: string) {
  // Plaid's error object: its HTTP status and documentation link ride along with the type and code.
  const body: PlaidError = {
    error_type: type as PlaidError["error_type"], error_code: code, error_code_reason: null, error_message: message, display_message: null, request_id: requestId(),
    causes: [], status, documentation_url: `https://plaid.com/docs/errors/${type.toLowerCase().replace(/_/g, "-")}/#${code.toLowerCase()}`, suggested_action: null,
  };
  return Response.json(body, { status });
}

// The client's credentials, as Plaid checks them (headers or body).
plaidSandbox.use("*", async (c, next) => {
  if (/\/plaid\/sandbox\//.test(c.req.path)) return next();
  let body: Record<string, unknown> = {};
  try {
    body = (await c.req.json()) as Record<string, unknown>;
  } catch {
    return plaidError(400, "INVALID_REQUEST", "INVALID_BODY", "Request body is not valid JSON");
  }
  const clientId = c.req.header("plaid-client-id") ?? String(body.client_id ?? "");
  const secret = c.req.header("plaid-secret") ?? String(body.secret ?? "");
  if (!timingSafeEqual(clientId, c.env.PLAID_CLIENT_ID) || !timingSafeEqual(secret, c.env.PLAID_SECRET)) {
    return plaidError(400, "INVALID_INPUT", "INVALID_API_KEYS", "invalid client_id or secret provided");
  }
  await next();
});

// ---------------------------------------------------------------------------
// Deterministic data
// ---------------------------------------------------------------------------



const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function plaidId(item: string, key: string): string {
  const r = prng(`${item}|${key}`);
  let s = "";
  for (let i = 0; i < 37; i++) s += ALNUM[Math.floor(r() * ALNUM.length)];
  return s;
}

const MERCHANTS: { name: string; min: number; max: number; restaurant?: boolean; card?: boolean }[] = [
  { name: "Starbucks", min: 350, max: 900, restaurant: true, card: true },
  { name: "Whole Foods Market", min: 2500, max: 18000 },
  { name: "Uber", min: 900, max: 4500, card: true },
  { name: "Shell", min: 3000, max: 7500 },
  { name: "Amazon", min: 1200, max: 15000, card: true },
  { name: "Chipotle Mexican Grill", min: 1100, max: 2600, restaurant: true, card: true },
  { name: "Netflix", min: 1549, max: 1549, card: true },
  { name: "Trader Joe's", min: 1800, max: 9000 },
  { name: "The Cheesecake Factory", min: 4200, max: 12000, restaurant: true, card: true },
  { name: "CVS Pharmacy", min: 600, max: 4000 },
  { name: "Target", min: 1500, max: 12000, card: true },
  { name: "Spotify", min: 1099, max: 1099, card: true },
];

interface SimTxn {
  id: string;
  account: "chk" | "cc";
  cents: number; // Plaid sign: positive = money out
  /** Plaid's `date`: the day it posted (the purchase's while pending). */
  date: string;
  /** Plaid's `authorized_date`: the purchase's day, which a posting keeps. */
  authorized: string;
  name: string;
  merchant: string | null;
  pending: boolean;
  pendingId: string | null;
  restaurant: boolean;
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function randomTxn(item: ItemRow, key: string, day: string, pending: boolean): SimTxn {
  const r = prng(`${item.seed}|${key}`);
  const m = MERCHANTS[Math.floor(r() * MERCHANTS.length)]!;
  const cents = m.min + Math.floor(r() * (m.max - m.min + 1));
  return {
    id: plaidId(item.item_id, key), account: m.card ? "cc" : "chk", cents, date: day, authorized: day, name: m.name.toUpperCase(), merchant: m.name,
    pending, pendingId: null, restaurant: !!m.restaurant,
  };
}

/** The last few states computed (a paged sync asks for the same two on every page); read-only to callers. */
const recentStates = new Map<string, ReadonlyMap<string, SimTxn>>();

/** The item's transactions at generation `g`, in a stable order (a pure function of the item's seed fields and `g`). */
export function stateAt(item: ItemRow, g: number): ReadonlyMap<string, SimTxn> {
  const key = `${item.item_id}|${item.seed}|${item.anchor_day}|${item.history_days}|${g}`;
  const known = recentStates.get(key);
  if (known) return known;
  const state = computeStateAt(item, g);
  recentStates.set(key, state);
  if (recentStates.size > 8) recentStates.delete(recentStates.keys().next().value!);
  return state;
}

function computeStateAt(item: ItemRow, g: number): Map<string, SimTxn> {
  const state = new Map<string, SimTxn>();
  if (g < 0) return state;
  const put = (t: SimTxn) => state.set(t.id, t);
  const days = item.history_days ?? 90;
  const start = addDays(item.anchor_day, -days);
  for (let d = 0; d < days; d++) {
    const day = addDays(start, d);
    const r = prng(`${item.seed}|day|${d}`);
    const n = 2 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) put(randomTxn(item, `h${d}.${i}`, day, false));
    if (d % 14 === 3) {
      put({ id: plaidId(item.item_id, `pay${d}`), account: "chk", cents: -240000, date: day, authorized: day, name: "ACME CORP PAYROLL", merchant: "Acme Corp", pending: false, pendingId: null, restaurant: false });
    }
    if (d % 30 === 1) {
      put({ id: plaidId(item.item_id, `rent${d}`), account: "chk", cents: 185000, date: day, authorized: day, name: "RENT PAYMENT PARKSIDE APTS", merchant: null, pending: false, pendingId: null, restaurant: false });
    }
  }
  for (let i = 0; i < 3; i++) put(randomTxn(item, `p0.${i}`, addDays(item.anchor_day, -1 + (i % 2)), true));
  for (let gen = 1; gen <= g; gen++) {
    const day = addDays(item.anchor_day, gen);
    const r = prng(`${item.seed}|gen|${gen}`);
    // Pending ones post under new ids that name them; restaurants add a tip.
    for (const p of [...state.values()].filter((t) => t.pending)) {
      state.delete(p.id);
      const tip = p.restaurant ? Math.round((p.cents * (15 + Math.floor(r() * 6))) / 100) : 0;
      put({ ...p, id: plaidId(item.item_id, `post:${p.id}`), cents: p.cents + tip, pending: false, pendingId: p.id, date: day });
    }
    for (let i = 0; i < 2; i++) put(randomTxn(item, `p${gen}.${i}`, day, true));
    for (let i = 0; i < 3; i++) put(randomTxn(item, `n${gen}.${i}`, day, false));
    const posted = [...state.values()].filter((t) => !t.pending && t.cents > 0);
    if (gen % 2 === 0 && posted.length) {
      const t = posted[Math.floor(r() * posted.length)]!;
      put({ ...t, cents: t.cents + 100 + Math.floor(r() * 400) });
    }
    if (gen % 3 === 0 && posted.length) state.delete(posted[Math.floor(r() * posted.length)]!.id);
  }
  return state;
}

function accountIds(item: ItemRow) {
  return { chk: plaidId(item.item_id, "account:chk"), cc: plaidId(item.item_id, "account:cc") };
}

const OPENING_CENTS = (item: ItemRow) => 150000 + (fnv1a(item.seed) % 350000);

/** An account's last four digits: the login's own, so that two logins at the bank have different accounts. */
const maskOf = (item: ItemRow, account: "chk" | "cc") => String(fnv1a(`${item.seed}|mask|${account}`) % 10_000).padStart(4, "0");

function accountsOf(item: ItemRow, state: ReadonlyMap<string, SimTxn>): AccountBase[] {
  const ids = accountIds(item);
  let chkPosted = 0;
  let chkPending = 0;
  let ccPosted = 0;
  let ccPending = 0;
  for (const t of state.values()) {
    if (t.account === "chk") t.pending ? (chkPending += t.cents) : (chkPosted += t.cents);
    else t.pending ? (ccPending += t.cents) : (ccPosted += t.cents);
  }
  const current = OPENING_CENTS(item) - chkPosted;
  const base = (id: string, name: string, mask: string, type: string, subtype: string, cur: number, avail: number | null, limit: number | null): AccountBase => ({
    account_id: id, name, official_name: name, mask, type: type as AccountBase["type"], subtype: subtype as AccountBase["subtype"],
    balances: { current: cur / 100, available: avail === null ? null : avail / 100, limit: limit === null ? null : limit / 100, iso_currency_code: "USD", unofficial_currency_code: null },
  });
  return [
    base(ids.chk, "Plaid Checking", maskOf(item, "chk"), "depository", "checking", current, current - chkPending, null),
    base(ids.cc, "Plaid Credit Card", maskOf(item, "cc"), "credit", "credit card", ccPosted, 1_000_000 - ccPosted - ccPending, 1_000_000),
  ];
}

/** Plaid's personal_finance_category of each simulated merchant (by its merchant name, else its description). */
const CATEGORIES: Record<string, [string, string]> = {
  Starbucks: ["FOOD_AND_DRINK", "FOOD_AND_DRINK_COFFEE"],
  "Whole Foods Market": ["FOOD_AND_DRINK", "FOOD_AND_DRINK_GROCERIES"],
  Uber: ["TRANSPORTATION", "TRANSPORTATION_TAXIS_AND_RIDE_SHARES"],
  Shell: ["TRANSPORTATION", "TRANSPORTATION_GAS"],
  Amazon: ["GENERAL_MERCHANDISE", "GENERAL_MERCHANDISE_ONLINE_MARKETPLACES"],
  "Chipotle Mexican Grill": ["FOOD_AND_DRINK", "FOOD_AND_DRINK_FAST_FOOD"],
  Netflix: ["ENTERTAINMENT", "ENTERTAINMENT_TV_AND_MOVIES"],
  "Trader Joe's": ["FOOD_AND_DRINK", "FOOD_AND_DRINK_GROCERIES"],
  "The Cheesecake Factory": ["FOOD_AND_DRINK", "FOOD_AND_DRINK_RESTAURANT"],
  "CVS Pharmacy": ["MEDICAL", "MEDICAL_PHARMACIES_AND_SUPPLEMENTS"],
  Target: ["GENERAL_MERCHANDISE", "GENERAL_MERCHANDISE_SUPERSTORES"],
  Spotify: ["ENTERTAINMENT", "ENTERTAINMENT_MUSIC_AND_AUDIO"],
  "Acme Corp": ["INCOME", "INCOME_WAGES"],
  "RENT PAYMENT PARKSIDE APTS": ["RENT_AND_UTILITIES", "RENT_AND_UTILITIES_RENT"],
};

/**
 * A transaction as /transactions/sync sends it (Plaid-Version 2020-09-14): `date` the posted day (the purchase's while
 * pending) and `authorized_date` the purchase's, which a posting keeps; the personal finance category and the
 * enrichment fields (counterparties, logo, website, merchant entity) Plaid adds.
 */
function wire(item: ItemRow, t: SimTxn): Transaction {
  const ids = accountIds(item);
  const [primary, detailed] = CATEGORIES[t.merchant ?? t.name] ?? ["GENERAL_MERCHANDISE", "GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE"];
  const entity = t.merchant ? plaidId("merchant", t.merchant).slice(0, 22) : null;
  const site = t.merchant ? `${t.merchant.toLowerCase().replace(/[^a-z]/g, "")}.com` : null;
  return {
    account_id: ids[t.account], amount: t.cents / 100, iso_currency_code: "USD", unofficial_currency_code: null, category: null, category_id: null,
    check_number: null, date: t.date, datetime: null, authorized_date: t.authorized, authorized_datetime: null,
    location: { address: null, city: null, region: null, postal_code: null, country: null, lat: null, lon: null, store_number: null },
    name: t.name, merchant_name: t.merchant, original_description: null, payment_meta: {
      by_order_of: null, payee: null, payer: null, payment_method: null, payment_processor: null, ppd_id: null, reason: null, reference_number: null,
    },
    pending: t.pending, pending_transaction_id: t.pendingId, account_owner: null, transaction_id: t.id,
    payment_channel: (t.restaurant ? "in store" : "online") as Transaction["payment_channel"], transaction_code: null,
    transaction_type: (t.restaurant ? "place" : "digital") as Transaction["transaction_type"], logo_url: null, website: site,
    personal_finance_category: { primary, detailed, confidence_level: "VERY_HIGH" },
    personal_finance_category_icon_url: `https://plaid-category-icons.plaid.com/PFC_${primary}.png`,
    counterparties: t.merchant && entity
      ? [{ name: t.merchant, type: "merchant" as never, logo_url: null, website: site, entity_id: entity, confidence_level: "VERY_HIGH" }]
      : [],
    merchant_entity_id: entity,
  };
}

// ---------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------

async function itemByToken(env: Env, token: unknown): Promise<ItemRow | null> {
  if (typeof token !== "string" || token.length > 200) return null;
  return env.DB.prepare("SELECT * FROM sandbox_plaid_items WHERE access_token = ? AND status != 'removed'").bind(token).first<ItemRow>();
}

/** The item of an access token, or the Plaid error answer. */
async function liveItem(env: Env, body: Record<string, unknown>): Promise<ItemRow | Response> {
  const item = await itemByToken(env, body.access_token);
  if (!item) return plaidError(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN", "provided access token is in an invalid format or does not exist");
  if (item.rate_limited_requests > 0) {
    await env.DB.prepare("UPDATE sandbox_plaid_items SET rate_limited_requests = rate_limited_requests - 1 WHERE item_id = ?").bind(item.item_id).run();
    return plaidError(429, "RATE_LIMIT_EXCEEDED", "TRANSACTIONS_SYNC_LIMIT", "rate limit exceeded for attempts to access this item. please try again later");
  }
  if (item.status === "login_required") {
    return plaidError(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED", "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information");
  }
  return item;
}

plaidSandbox.post("/link/token/create", async (c) => {
  const body = (await c.req.json()) as Record<string, unknown>;
  const user = body.user as { client_user_id?: unknown } | undefined;
  if (!user || typeof user.client_user_id !== "string") return plaidError(400, "INVALID_REQUEST", "MISSING_FIELDS", "the following required fields are missing: user.client_user_id");
  const token = `link-sandbox-${crypto.randomUUID()}`;
  if (body.access_token !== undefined) {
    const item = await itemByToken(c.env, body.access_token);
    if (!item) return plaidError(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN", "provided access token is in an invalid format or does not exist");
    await c.env.DB.prepare("UPDATE sandbox_plaid_items SET update_link_token = ? WHERE item_id = ?").bind(token, item.item_id).run();
  }
  const res: LinkTokenCreateResponse = { link_token: token, expiration: new Date(Date.now() + 4 * 3_600_000).toISOString(), request_id: requestId() };
  return c.json(res);
});

/** `public-sandbox-history-<days>-...`: that many days of history (up to ten years), else 90. */
const historyDays = (token: string) => Math.min(3650, Math.max(1, Number(/history-(\d{1,4})/.exec(token)?.[1] ?? 90)));

plaidSandbox.post("/item/public_token/exchange", async (c) => {
  const body = (await c.req.json()) as Record<string, unknown>;
  const token = body.public_token;
  if (typeof token !== "string" || !/^public-sandbox-[A-Za-z0-9._-]{1,120}$/.test(token)) {
    return plaidError(400, "INVALID_INPUT", "INVALID_PUBLIC_TOKEN", "provided public token is in an invalid format. expected format: public-<environment>-<identifier>");
  }
  const itemId = `item-sandbox-${randomToken(12)}`;
  const accessToken = `access-sandbox-${crypto.randomUUID()}`;
  const anchor = new Date().toISOString().slice(0, 10);
  await c.env.DB.prepare(
    "INSERT INTO sandbox_plaid_items (item_id, access_token, seed, anchor_day, status, history_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(itemId, accessToken, await sha256Hex(token.split(".")[0]!), anchor, token.includes("login-required") ? "login_required" : "ok", historyDays(token), Date.now())
    .run();
  const res: ItemPublicTokenExchangeResponse = { access_token: accessToken, item_id: itemId, request_id: requestId() };
  return c.json(res);
});

plaidSandbox.post("/accounts/get", async (c) => {
  const item = await liveItem(c.env, await c.req.json());
  if (item instanceof Response) return item;
  const res = {
    accounts: accountsOf(item, stateAt(item, item.generation)),
    item: { item_id: item.item_id, institution_id: "ins_109508", webhook: item.webhook, error: null, available_products: [], billed_products: ["transactions"], consent_expiration_time: null, update_type: "background" },
    request_id: requestId(),
  } as unknown as AccountsGetResponse;
  return c.json(res);
});

/**
 * /item/get as Plaid answers it: the item, with `error` the error that stops it (ITEM_LOGIN_REQUIRED while its login
 * needs repairing in update mode), null while it is healthy. The item's error is its state, not a failure of the
 * call: the answer is a 200 either way.
 */
plaidSandbox.post("/item/get", async (c) => {
  const item = await itemByToken(c.env, ((await c.req.json()) as Record<string, unknown>).access_token);
  if (!item) return noItem();
  const error: PlaidError | null =
    item.status === "login_required"
      ? {
          error_type: "ITEM_ERROR" as PlaidError["error_type"], error_code: "ITEM_LOGIN_REQUIRED",
          error_message: "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information",
          display_message: null, request_id: requestId(),
        }
      : null;
  const res = {
    item: {
      item_id: item.item_id, institution_id: "ins_109508", webhook: item.webhook, error, available_products: [], billed_products: ["transactions"],
      products: ["transactions"], consented_products: ["transactions"], consent_expiration_time: null, update_type: "background",
    },
    status: { transactions: { last_successful_update: null, last_failed_update: null }, last_webhook: null },
    request_id: requestId(),
  } as unknown as ItemGetResponse;
  return c.json(res);
});

interface Cursor {
  from: number;
  to: number;
  offset: number;
}
const encodeCursor = (c: Cursor) => btoa(JSON.stringify(c)).replace(/=+$/, "");
function decodeCursor(s: unknown): Cursor | null {
  if (s === undefined || s === null || s === "") return { from: -1, to: -1, offset: 0 };
  if (typeof s !== "string" || s.length > 200) return null;
  try {
    const c = JSON.parse(atob(s)) as Cursor;
    return [c.from, c.to, c.offset].every((n) => Number.isInteger(n) && n >= -1) ? c : null;
  } catch {
    return null;
  }
}

plaidSandbox.post("/transactions/sync", async (c) => {
  const body = (await c.req.json()) as Record<string, unknown>;
  const found = await liveItem(c.env, body);
  if (found instanceof Response) return found;
  let item = found;
  const cursor = decodeCursor(body.cursor);
  if (!cursor) return plaidError(400, "INVALID_INPUT", "INVALID_CURSOR", "cursor is not valid");
  const count = Math.min(Math.max(1, Number(body.count ?? 100) || 100), 500, item.max_page_size);
  const midway = cursor.offset > 0;
  if (midway && item.mutate_during_pagination) {
    // The item's data changes while the client pages: Plaid refuses the rest of that pagination.
    await c.env.DB.prepare("UPDATE sandbox_plaid_items SET generation = generation + 1, mutate_during_pagination = 0 WHERE item_id = ?").bind(item.item_id).run();
    item = { ...item, generation: item.generation + 1, mutate_during_pagination: 0 };
  }
  const to = midway ? cursor.to : item.generation;
  if (midway && to !== item.generation) {
    return plaidError(400, "TRANSACTIONS_ERROR", "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION", "Underlying transaction data changed since last page was fetched. Please restart pagination from last update.");
  }
  const before = stateAt(item, cursor.from);
  const after = stateAt(item, to);
  type Change = { kind: "added" | "modified"; t: SimTxn } | { kind: "removed"; t: SimTxn };
  const changes: Change[] = [];
  for (const t of after.values()) {
    const old = before.get(t.id);
    if (!old) changes.push({ kind: "added", t });
    else if (old.cents !== t.cents || old.pending !== t.pending || old.date !== t.date) changes.push({ kind: "modified", t });
  }
  for (const [id, t] of before) if (!after.has(id)) changes.push({ kind: "removed", t });
  const page = changes.slice(cursor.offset, cursor.offset + count);
  const hasMore = cursor.offset + count < changes.length;
  const res: TransactionsSyncResponse = {
    transactions_update_status: "HISTORICAL_UPDATE_COMPLETE" as TransactionsSyncResponse["transactions_update_status"],
    accounts: accountsOf(item, after),
    added: page.flatMap((ch) => (ch.kind === "added" ? [wire(item, ch.t)] : [])),
    modified: page.flatMap((ch) => (ch.kind === "modified" ? [wire(item, ch.t)] : [])),
    // A removed transaction is its id and its account's (both required by Plaid's schema), nothing else.
    removed: page.flatMap((ch): RemovedTransaction[] => (ch.kind === "removed" ? [{ transaction_id: ch.t.id, account_id: accountIds(item)[ch.t.account] }] : [])),
    next_cursor: encodeCursor(hasMore ? { from: cursor.from, to, offset: cursor.offset + count } : { from: to, to, offset: 0 }),
    has_more: hasMore,
    request_id: requestId(),
  };
  return c.json(res);
});

plaidSandbox.post("/item/remove", async (c) => {
  const item = await itemByToken(c.env, ((await c.req.json()) as Record<string, unknown>).access_token);
  if (!item) return plaidError(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN", "provided access token is in an invalid format or does not exist");
  // The item's rate limit (/sandbox/item/rate_limit) holds its removal back too (an item in any other state is removed).
  if (item.rate_limited_requests > 0) {
    await c.env.DB.prepare("UPDATE sandbox_plaid_items SET rate_limited_requests = rate_limited_requests - 1 WHERE item_id = ?").bind(item.item_id).run();
    return plaidError(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT", "rate limit exceeded for attempts to access this item. please try again later");
  }
  await c.env.DB.prepare("UPDATE sandbox_plaid_items SET status = 'removed' WHERE item_id = ?").bind(item.item_id).run();
  return c.json({ request_id: requestId() });
});

plaidSandbox.post("/webhook_verification_key/get", async (c) => {
  const kid = ((await c.req.json()) as Record<string, unknown>).key_id;
  const row = typeof kid === "string" ? await c.env.DB.prepare("SELECT * FROM sandbox_plaid_keys WHERE kid = ?").bind(kid).first<{ kid: string; public_jwk: string; created_at: number; expired_at: number | null }>() : null;
  if (!row) return plaidError(400, "INVALID_INPUT", "INVALID_WEBHOOK_VERIFICATION_KEY_ID", "invalid key_id provided");
  const jwk = JSON.parse(row.public_jwk) as { kty: string; crv: string; x: string; y: string };
  const res: WebhookVerificationKeyGetResponse = {
    key: { alg: "ES256", crv: jwk.crv, kid: row.kid, kty: jwk.kty, use: "sig", x: jwk.x, y: jwk.y, created_at: Math.floor(row.created_at / 1000), expired_at: row.expired_at === null ? null : Math.floor(row.expired_at / 1000) },
    request_id: requestId(),
  };
  return c.json(res);
});

// ---------------------------------------------------------------------------
// Sandbox controls
// ---------------------------------------------------------------------------

async function controlItem(c: { env: Env; req: { json(): Promise<unknown> } }): Promise<{ item: ItemRow | null; body: Record<string, unknown> }> {
  let body: Record<string, unknown> = {};
  try {
    body = (await c.req.json()) as Record<string, unknown>;
  } catch {}
  return { item: await itemByToken(c.env, body.access_token), body };
}

const noItem = () => plaidError(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN", "provided access token is in an invalid format or does not exist");

plaidSandbox.post("/sandbox/transactions/advance", async (c) => {
  const { item, body } = await controlItem(c);
  if (!item) return noItem();
  const n = Math.min(30, Math.max(1, Number(body.generations ?? 1) || 1));
  await c.env.DB.prepare("UPDATE sandbox_plaid_items SET generation = generation + ? WHERE item_id = ?").bind(n, item.item_id).run();
  return c.json({ generation: item.generation + n, request_id: requestId() });
});

plaidSandbox.post("/sandbox/transactions/mutate_during_pagination", async (c) => {
  const { item } = await controlItem(c);
  if (!item) return noItem();
  await c.env.DB.prepare("UPDATE sandbox_plaid_items SET mutate_during_pagination = 1 WHERE item_id = ?").bind(item.item_id).run();
  return c.json({ request_id: requestId() });
});

plaidSandbox.post("/sandbox/transactions/page_size", async (c) => {
  const { item, body } = await controlItem(c);
  if (!item) return noItem();
  const n = Math.min(500, Math.max(1, Number(body.max_page_size) || 500));
  await c.env.DB.prepare("UPDATE sandbox_plaid_items SET max_page_size = ? WHERE item_id = ?").bind(n, item.item_id).run();
  return c.json({ request_id: requestId() });
});

plaidSandbox.post("/sandbox/item/rate_limit", async (c) => {
  const { item, body } = await controlItem(c);
  if (!item) return noItem();
  const n = Math.min(1000, Math.max(0, Number(body.requests) || 0));
  await c.env.DB.prepare("UPDATE sandbox_plaid_items SET rate_limited_requests = ? WHERE item_id = ?").bind(n, item.item_id).run();
  return c.json({ request_id: requestId() });
});

plaidSandbox.post("/sandbox/item/reset_login", async (c) => {
  const { item } = await controlItem(c);
  if (!item) return noItem();
  await c.env.DB.prepare("UPDATE sandbox_plaid_items SET status = 'login_required' WHERE item_id = ?").bind(item.item_id).run();
  return c.json({ reset_login: true, request_id: requestId() });
});

/** What the user does in Link opened in update mode: signing in again repairs the item. */
plaidSandbox.post("/sandbox/link/complete", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
  const token = typeof body.link_token === "string" ? body.link_token : "";
  const res = await c.env.DB.prepare("UPDATE sandbox_plaid_items SET status = 'ok', update_link_token = NULL WHERE update_link_token = ? AND status != 'removed'").bind(token).run();
  if (res.meta.changes === 0) return plaidError(400, "INVALID_INPUT", "INVALID_LINK_TOKEN", "link token is not an update-mode token of any item");
  return c.json({ repaired: true, request_id: requestId() });
});

plaidSandbox.post("/sandbox/webhook_verification_key/create", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as { kid?: unknown; public_jwk?: unknown; expired_at?: unknown };
  const jwk = body.public_jwk as { kty?: string; crv?: string; x?: string; y?: string; d?: string } | undefined;
  if (typeof body.kid !== "string" || !jwk || jwk.kty !== "EC" || jwk.d !== undefined) {
    return plaidError(400, "INVALID_INPUT", "INVALID_FIELD", "kid and a public EC JWK (no private part) are required");
  }
  const expiredAt = typeof body.expired_at === "number" ? body.expired_at * 1000 : null;
  await c.env.DB.prepare(
    "INSERT INTO sandbox_plaid_keys (kid, public_jwk, created_at, expired_at) VALUES (?, ?, ?, ?) ON CONFLICT (kid) DO UPDATE SET public_jwk = excluded.public_jwk, expired_at = excluded.expired_at",
  )
    .bind(body.kid, JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }), Date.now(), expiredAt)
    .run();
  return c.json({ kid: body.kid, request_id: requestId() });
});

/**
 * The bench's baseline: `n` rows shaped like synced transactions inserted into D1 with nothing else
 * (no dedupe, categorization or ledger), in the same runtime, timed inside the Worker.
 */
plaidSandbox.post("/sandbox/bench/bare_insert", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
  const n = Math.min(50_000, Math.max(1, Number(body.n) || 1));
  const started = Date.now();
  const db = c.env.DB;
  const rows = Array.from({ length: n }, (_, i) => [`acc_bench`, `bench-${started}-${i}`, -(100 + (i % 9900)), `Bare insert ${i}`, started]);
  const statements = insertRows(db, "sandbox_bench_rows", ["account_id", "provider_transaction_id", "amount", "description", "date"], rows);
  for (let i = 0; i < statements.length; i += 50) await db.batch(statements.slice(i, i + 50));
  return c.json({ rows: n, ms: Date.now() - started, statements: statements.length });
});

export const plaidSandboxInternals = { stateAt, accountIds };

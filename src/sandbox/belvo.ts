/**
 * A deterministic, offline Belvo: links with credentials (institution
 * `banamex`, any username and password; password `invalid` is refused as
 * Belvo refuses a bad login), accounts and transactions in MXN, checking the
 * client's Basic auth.
 *
 * A link's data is a function of its seed and generation, like the Plaid
 * simulator's, but as Belvo does it: a pending transaction is deleted when it
 * is processed and the processed one has a new id and no link to it
 * (sometimes with a tip); on odd generations two identical pending OXXO
 * purchases appear, so that their processed twins cannot be told apart.
 *
 * Controls: /sandbox/links/advance {link, generations}, /sandbox/links/invalidate {link, status?} (the bank wants the
 * login again, until the link's credentials are updated: PUT /api/links/{id}/; status "invalid" makes Belvo's
 * 400 invalid_link of a link whose password changed, else its 428 token_required).
 */
import { Hono } from "hono";
import type { BelvoAccount, BelvoLink, BelvoTransaction } from "../providers/belvo/client";
import type { AppEnv } from "../env";
import { sha256Hex, timingSafeEqual } from "../lib/crypto";
import { fnv1a, prng } from "./hash";

export const belvoSandbox = new Hono<AppEnv>().basePath("/sandbox/belvo");

interface LinkRow {
  id: string;
  institution: string;
  username: string;
  seed: string;
  generation: number;
  anchor_day: string;
  status: string;
  created_at: number;
}

const belvoError = (status: number, code: string, message: string) =>
  Response.json([{ code, message, request_id: crypto.randomUUID().replace(/-/g, "") }], { status });

belvoSandbox.use("*", async (c, next) => {
  if (/\/belvo\/sandbox\//.test(c.req.path)) return next();
  const expected = `Basic ${btoa(`${c.env.BELVO_SECRET_ID}:${c.env.BELVO_SECRET_PASSWORD}`)}`;
  if (!timingSafeEqual(c.req.header("authorization") ?? "", expected)) return belvoError(401, "authentication_failed", "Invalid credentials to access the API");
  await next();
});

function uuid(seed: string): string {
  const r = prng(seed);
  const hex = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
/**
 * A link's history is anchored this many days before its creation, so that the days its generations add
 * (/sandbox/links/advance: one day each) are past days for the first 29 of them: Belvo lists no future day (a
 * date_to after today is refused, below), and a simulator dating its news in the future could not be read as
 * Belvo is read.
 */
const ANCHOR_DAYS_AGO = 30;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const MERCHANTS = [
  { name: "OXXO", min: 2500, max: 18000 },
  { name: "Walmart Supercenter", min: 30000, max: 250000 },
  { name: "Uber", min: 6000, max: 32000, card: true },
  { name: "Liverpool", min: 50000, max: 400000, card: true },
  { name: "Starbucks", min: 5500, max: 14000, restaurant: true, card: true },
  { name: "Sanborns", min: 18000, max: 90000, restaurant: true },
  { name: "CFE Suministrador", min: 35000, max: 120000 },
  { name: "Pemex Gasolinera", min: 40000, max: 110000 },
];

interface SimTxn {
  id: string;
  account: "chk" | "tdc";
  cents: number; // positive OUTFLOW, negative INFLOW
  date: string;
  merchant: string;
  description: string;
  pending: boolean;
  restaurant: boolean;
}

function randomTxn(link: LinkRow, key: string, day: string, pending: boolean): SimTxn {
  const r = prng(`${link.seed}|${key}`);
  const m = MERCHANTS[Math.floor(r() * MERCHANTS.length)]!;
  return {
    id: uuid(`${link.id}|${key}`), account: m.card ? "tdc" : "chk", cents: m.min + Math.floor(r() * (m.max - m.min)), date: day, merchant: m.name,
    description: m.name.toUpperCase(), pending, restaurant: !!m.restaurant,
  };
}

export function belvoStateAt(link: LinkRow, g: number): Map<string, SimTxn> {
  const state = new Map<string, SimTxn>();
  const put = (t: SimTxn) => state.set(t.id, t);
  const start = addDays(link.anchor_day, -90);
  for (let d = 0; d < 90; d++) {
    const day = addDays(start, d);
    const n = 1 + Math.floor(prng(`${link.seed}|day|${d}`)() * 3);
    for (let i = 0; i < n; i++) put(randomTxn(link, `h${d}.${i}`, day, false));
    if (d % 15 === 0) put({ id: uuid(`${link.id}|nomina${d}`), account: "chk", cents: -1850000, date: day, merchant: "Nomina Empresa SA", description: "DEPOSITO NOMINA", pending: false, restaurant: false });
  }
  for (let i = 0; i < 2; i++) put(randomTxn(link, `p0.${i}`, addDays(link.anchor_day, -1), true));
  for (let gen = 1; gen <= g; gen++) {
    const day = addDays(link.anchor_day, gen);
    const r = prng(`${link.seed}|gen|${gen}`);
    for (const p of [...state.values()].filter((t) => t.pending)) {
      state.delete(p.id);
      const tip = p.restaurant ? Math.round(p.cents / 10) : 0;
      put({ ...p, id: uuid(`${link.id}|processed|${p.id}`), cents: p.cents + tip, pending: false, date: day });
    }
    for (let i = 0; i < 2; i++) put(randomTxn(link, `p${gen}.${i}`, day, true));
    if (gen % 2 === 1) {
      for (let i = 0; i < 2; i++) put({ id: uuid(`${link.id}|twin${gen}.${i}`), account: "chk", cents: 4500, date: day, merchant: "OXXO", description: "OXXO", pending: true, restaurant: false });
    }
    for (let i = 0; i < 2; i++) put(randomTxn(link, `n${gen}.${i}`, day, false));
    const processed = [...state.values()].filter((t) => !t.pending && t.cents > 0);
    if (gen % 2 === 0) {
      const t = processed[Math.floor(r() * processed.length)]!;
      put({ ...t, cents: t.cents + 1000 });
    }
    if (gen % 3 === 0) state.delete(processed[Math.floor(r() * processed.length)]!.id);
  }
  return state;
}

const OPENING = (link: LinkRow) => 2_500_000 + (fnv1a(link.seed) % 5_000_000);

/** Belvo's fields the adapter reads, and the others its API sends. */
type Sent<T> = T & Record<string, unknown>;

function accountsOf(link: LinkRow, state: Map<string, SimTxn>): Sent<BelvoAccount>[] {
  let chk = 0;
  let tdc = 0;
  for (const t of state.values()) if (!t.pending) t.account === "chk" ? (chk += t.cents) : (tdc += t.cents);
  const now = new Date().toISOString();
  // Belvo's Account as its API sends it (its OpenAPI's Account schema): balances are JSON numbers, a card's `current`
  // what is owed (positive) and `balance_type` LIABILITY, with its `credit_data`.
  const inst = { name: "banamex_mx_retail", type: "bank" };
  const common = {
    link: link.id, institution: inst, currency: "MXN", collected_at: now, created_at: now, last_accessed_at: now, public_identification_name: "CLABE",
    loan_data: null, funds_data: null, receivables_data: null, bank_product_id: null, internal_identification: null,
  };
  return [
    {
      ...common, id: uuid(`${link.id}|acc|chk`), category: "CHECKING_ACCOUNT", balance_type: "ASSET", type: "Cuentas", name: "Cuenta Perfiles", number: "4401",
      public_identification_value: "002180700000004401", balance: { current: (OPENING(link) - chk) / 100, available: (OPENING(link) - chk) / 100 }, credit_data: null,
    },
    {
      ...common, id: uuid(`${link.id}|acc|tdc`), category: "CREDIT_CARD", balance_type: "LIABILITY", type: "Tarjetas", name: "Tarjeta Clásica", number: "9120",
      public_identification_value: "9120", balance: { current: tdc / 100, available: (5_000_000 - tdc) / 100 },
      credit_data: { credit_limit: 50_000, collected_at: now, cutting_date: null, next_payment_date: null, minimum_payment: null, no_interest_payment: null, interest_rate: null },
    },
  ];
}

async function linkOf(env: Env, id: unknown): Promise<LinkRow | null> {
  if (typeof id !== "string" || id.length > 64) return null;
  return env.DB.prepare("SELECT * FROM sandbox_belvo_links WHERE id = ?").bind(id).first<LinkRow>();
}

async function usable(env: Env, id: unknown): Promise<LinkRow | Response> {
  const link = await linkOf(env, id);
  if (!link || link.status === "deleted") return belvoError(404, "not_found", "Link not found");
  // Belvo's answers for a link it cannot use: an invalidated one (the password changed) is a 400 invalid_link, one
  // whose bank wants a new token a 428 token_required.
  if (link.status === "invalid") return belvoError(400, "invalid_link", "The link has been invalidated. You may need to update link credentials");
  if (link.status !== "valid") return belvoError(428, "token_required", "A new login is required to access the institution");
  return link;
}

belvoSandbox.post("/api/token/", (c) => c.json({ access: `belvo-widget-${crypto.randomUUID()}`, refresh: `belvo-refresh-${crypto.randomUUID()}` }));

belvoSandbox.post("/api/links/", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
  const { institution, username, password } = body;
  if (typeof institution !== "string" || typeof username !== "string" || typeof password !== "string") return belvoError(400, "required", "institution, username and password are required");
  if (institution !== "banamex") return belvoError(400, "invalid", `Institution ${institution.slice(0, 40)} is not available`);
  if (password === "invalid") return belvoError(400, "login_error", "Invalid credentials provided to login to the institution");
  const id = crypto.randomUUID();
  const now = new Date();
  const externalId = typeof body.external_id === "string" ? body.external_id.slice(0, 128) : null;
  await c.env.DB.prepare("INSERT INTO sandbox_belvo_links (id, institution, username, seed, anchor_day, status, created_at, external_id) VALUES (?, ?, ?, ?, ?, 'valid', ?, ?)")
    .bind(id, institution, username.slice(0, 100), await sha256Hex(`${institution}|${username}`), addDays(now.toISOString().slice(0, 10), -ANCHOR_DAYS_AGO), now.getTime(), externalId)
    .run();
  const link: BelvoLink = { id, institution, access_mode: "recurrent", status: "valid", created_at: now.toISOString(), external_id: externalId };
  return c.json(link, 201);
});

// Links by the client's own id for them (Belvo's list, one page).
belvoSandbox.get("/api/links/", async (c) => {
  const externalId = c.req.query("external_id");
  if (!externalId) return belvoError(400, "required", "external_id is required by this simulator");
  const { results } = await c.env.DB.prepare("SELECT * FROM sandbox_belvo_links WHERE external_id = ? AND status != 'deleted' ORDER BY created_at")
    .bind(externalId.slice(0, 128))
    .all<LinkRow & { external_id: string }>();
  const links: BelvoLink[] = results.map((l) => ({
    id: l.id, institution: l.institution, access_mode: "recurrent", status: l.status as BelvoLink["status"], created_at: new Date(l.created_at).toISOString(), external_id: l.external_id,
  }));
  return c.json({ count: links.length, next: null, previous: null, results: links });
});

belvoSandbox.get("/api/links/:id/", async (c) => {
  const link = await linkOf(c.env, c.req.param("id"));
  if (!link || link.status === "deleted") return belvoError(404, "not_found", "Link not found");
  const out: BelvoLink = { id: link.id, institution: link.institution, access_mode: "recurrent", status: link.status as BelvoLink["status"], created_at: new Date(link.created_at).toISOString(), external_id: null };
  return c.json(out, 200);
});

// Update a link's credentials: the institution takes the new password (any but `invalid`) and the link is valid again.
belvoSandbox.put("/api/links/:id/", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
  const link = await linkOf(c.env, c.req.param("id"));
  if (!link || link.status === "deleted") return belvoError(404, "not_found", "Link not found");
  if (typeof body.password !== "string" || body.password.length === 0) return belvoError(400, "required", "password is required");
  if (body.password === "invalid") return belvoError(400, "login_error", "Invalid credentials provided to login to the institution");
  await c.env.DB.prepare("UPDATE sandbox_belvo_links SET status = 'valid' WHERE id = ? AND status != 'deleted'").bind(link.id).run();
  const out: BelvoLink = { id: link.id, institution: link.institution, access_mode: "recurrent", status: "valid", created_at: new Date(link.created_at).toISOString(), external_id: null };
  return c.json(out, 200);
});

belvoSandbox.delete("/api/links/:id/", async (c) => {
  const res = await c.env.DB.prepare("UPDATE sandbox_belvo_links SET status = 'deleted' WHERE id = ? AND status != 'deleted'").bind(c.req.param("id")).run();
  return res.meta.changes ? c.body(null, 204) : belvoError(404, "not_found", "Link not found");
});

belvoSandbox.post("/api/accounts/", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
  const link = await usable(c.env, body.link);
  if (link instanceof Response) return link;
  return c.json(accountsOf(link, belvoStateAt(link, link.generation)), 201);
});

belvoSandbox.post("/api/transactions/", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
  const link = await usable(c.env, body.link);
  if (link instanceof Response) return link;
  // Belvo's TransactionsRequest: date_from and date_to are required YYYY-MM-DD days, date_from not after date_to, and
  // date_to "cannot be greater than today's date (in other words, no future dates)"; a 400 validation error otherwise.
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const from = body.date_from;
  const to = body.date_to;
  if (typeof from !== "string" || !day.test(from)) return belvoError(400, "required", "date_from: This field is required.");
  if (typeof to !== "string" || !day.test(to)) return belvoError(400, "required", "date_to: This field is required.");
  if (to > new Date().toISOString().slice(0, 10)) return belvoError(400, "invalid", "date_to: Ensure this value is not greater than today.");
  if (from > to) return belvoError(400, "invalid", "date_from: Ensure this value is not greater than date_to.");
  const now = new Date().toISOString();
  const state = belvoStateAt(link, link.generation);
  // Belvo's Transaction as its API sends it: `account` the whole account, `amount` positive with the direction in
  // `type`, `accounting_date` an instant, the merchant's name in `merchant.merchant_name`.
  const [chk, tdc] = accountsOf(link, state);
  const out: Sent<BelvoTransaction>[] = [...state.values()]
    .filter((t) => t.date >= from && t.date <= to)
    .map((t) => ({
      id: t.id, internal_identification: null, account: t.account === "chk" ? chk! : tdc!, amount: Math.abs(t.cents) / 100, currency: "MXN", type: t.cents < 0 ? "INFLOW" : "OUTFLOW",
      status: t.pending ? "PENDING" : "PROCESSED", value_date: t.date, accounting_date: t.pending ? null : `${t.date}T12:00:00.000Z`, description: t.description,
      reference: null, observations: null, balance: null, merchant: { merchant_name: t.merchant, logo: null, website: null }, category: null, subcategory: null,
      credit_card_data: null, collected_at: now, created_at: now,
    }));
  return c.json(out, 201);
});

belvoSandbox.post("/sandbox/links/advance", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
  const n = Math.min(30, Math.max(1, Number(body.generations ?? 1) || 1));
  const res = await c.env.DB.prepare("UPDATE sandbox_belvo_links SET generation = generation + ? WHERE id = ?").bind(n, String(body.link ?? "")).run();
  return res.meta.changes ? c.json({ advanced: n }) : belvoError(404, "not_found", "Link not found");
});

belvoSandbox.post("/sandbox/links/invalidate", async (c) => {
  const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
  const status = body.status === "invalid" ? "invalid" : "token_required";
  const res = await c.env.DB.prepare("UPDATE sandbox_belvo_links SET status = ? WHERE id = ?").bind(status, String(body.link ?? "")).run();
  return res.meta.changes ? c.json({ status }) : belvoError(404, "not_found", "Link not found");
});

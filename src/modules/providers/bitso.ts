/** Bitso connections: API key and secret (sealed), balances valued at market prices, queued syncs. */
import type { AuthContext, Services } from "../../env";
import { responseText, type Locale } from "../../lib/i18n";
import { ApiError, validationFailed } from "../../lib/errors";
import { sha256Hex } from "../../lib/crypto";
import { type Currency, CURRENCY_SCALES, FIAT_CURRENCIES, formatMinor, moneyFields, toMajorNumber } from "../../lib/money";
import { ymdString, zonedDate } from "../../lib/zoned-time";
import { Converter, loadRateBook } from "../rates/convert";
import { frac, fracToDecimal, roundHalfEven } from "../rates/exact";
import { isSandboxUrl, outbound } from "../../lib/outbound";
import { valueMinor } from "../prices/decimal";
import { getPrices } from "../prices/service";
import { bitsoClientFor, bitsoClientId, inMinorUnits, learnBitsoClientIds, normalBitsoAccount, supportedCurrency, unsupportedBalances } from "../../providers/bitso/adapter";
import type { BitsoBalance } from "../../providers/bitso/client";
import { asApiError, ProviderError } from "../../providers/errors";
import { requireSpaceRole } from "../spaces/access";
import { applyChanges } from "./apply";
import { emptyStats, type NormalAccount } from "./sync-types";
import { bitsoLoginKey, claimIdentity, connectionAccountIds, type ConnectionRow, createConnection, getConnection, presentConnection, refuseConnectedLogin, setStatus } from "./connections";
import { enqueueSync, queueFirstSync } from "./sync";

/** Looks prices up: `getPrices` of the prices module, or anything with its shape (tests, other quotes). */
export type PriceLookup = (svc: Services, symbols: string[], quote: string) => Promise<Map<string, LookedUp>>;

/**
 * A price as shown; for an exchange rate, `convert` values a quantity with the exact rate (the decimal is
 * rounded for display), as net worth converts it.
 */
type LookedUp = { priceDecimal: string; day: string; source: string; stale: boolean; convert?: (quantityMinor: bigint) => bigint };

/**
 * Values balances in `quote` exactly (integer quantity × decimal price, rounded once to the quote's minor
 * unit). A balance in the quote currency itself counts at par; one without a price is listed with no value.
 */
export async function valueBalances(svc: Services, balances: { accountId: string | null; currency: Currency; quantityMinor: number }[], quote: Currency, lookup: PriceLookup = getPrices) {
  const prices = await lookup(svc, [...new Set(balances.map((b) => b.currency))].filter((c) => c !== quote), quote);
  const qScale = CURRENCY_SCALES[quote];
  return balances.map((b) => {
    const scale = CURRENCY_SCALES[b.currency];
    const price = b.currency === quote ? { priceDecimal: "1", day: null as string | null, source: "par", stale: false } : prices.get(b.currency);
    const convert = price && "convert" in price ? price.convert : undefined;
    const value = !price ? null : Number(convert ? convert(BigInt(b.quantityMinor)) : valueMinor(BigInt(b.quantityMinor), scale, price.priceDecimal, qScale));
    return {
      id: b.accountId,
      name: `Bitso ${b.currency}`,
      symbol: b.currency,
      ...moneyFields("balance", b.quantityMinor, scale),
      quote,
      value: value === null ? null : toMajorNumber(value, qScale),
      valueDecimal: value === null ? null : formatMinor(value, qScale),
      priceDecimal: price?.priceDecimal ?? null,
      priceStale: price?.stale ?? null,
      priceSource: price?.source ?? null,
    };
  });
}

const isFiat = (c: string) => (FIAT_CURRENCIES as readonly string[]).includes(c);

/**
 * Coins at their market price, and a fiat wallet (the MXN wallet in a USD space) at the day's exchange rate, the
 * space's own rate first: as net worth converts the same balance. `day` is the space's local day.
 */
const pricesAndRates = (spaceId: string, day: string): PriceLookup => async (svc, symbols, quote) => {
  const fiat = symbols.filter(isFiat);
  const found: Map<string, LookedUp> = await getPrices(svc, symbols.filter((s) => !isFiat(s)), quote);
  if (fiat.length === 0) return found;
  const book = await loadRateBook(svc, spaceId, [...fiat, quote], day, day);
  const converter = new Converter(book, quote);
  for (const f of fiat) {
    const r = book.resolve(f, quote, day);
    if (!r) continue;
    const sources = [...new Set(r.legs.map((l) => l.entry.source))].join("+");
    found.set(f, { priceDecimal: fracToDecimal(r.value, 12).replace(/\.?0+$/, ""), day: r.date, source: `rate:${sources}`, stale: r.date !== day,
      convert: (minor) => roundHalfEven(converter.exactFrac(f, frac(minor), day, "bitso")) });
  }
  return found;
};

async function present(svc: Services, space: { id: string; timezone: string }, connectionId: string, balances: BitsoBalance[], quote: Currency) {
  const rows = (await svc.env.DB.prepare("SELECT account_id, provider_account_id FROM provider_accounts WHERE connection_id = ?").bind(connectionId).all<{ account_id: string; provider_account_id: string }>()).results;
  const list = balances.flatMap((b) => {
    const currency = supportedCurrency(b.currency);
    if (!currency) return [];
    return [{ accountId: rows.find((r) => r.provider_account_id === `bitso:${b.currency.toLowerCase()}`)?.account_id ?? null, currency, quantityMinor: inMinorUnits(b.total, currency) }];
  });
  return valueBalances(svc, list, quote, pricesAndRates(space.id, ymdString(zonedDate(svc.clock.now(), space.timezone))));
}

/** A connection's balances in currencies it cannot import (USDT), by connection. */
const unsupportedOf = (connectionId: string, balances: BitsoBalance[]) => unsupportedBalances(balances).map((b) => ({ connectionId, ...b }));

/** Why a connection's balances could not be read now, in the API's terms (the PROVIDER_ERROR a route would answer). */
function connectionError(connectionId: string, e: ProviderError) {
  const api = asApiError(e);
  return { connectionId, status: api.status, code: api.code, message: api.message, providerCode: e.code, retryable: e.transient };
}

export async function connectBitso(svc: Services, auth: AuthContext, input: { spaceId: string; apiKey: string; apiSecret: string }, locale: Locale = "en") {
  const { space } = await requireSpaceRole(svc, auth, input.spaceId, "admin");
  const loginKey = await bitsoLoginKey(svc.env, input.apiKey);
  await refuseConnectedLogin(svc, input.spaceId, "bitso", loginKey);
  await learnBitsoClientIds(svc, input.spaceId);
  const base = `${svc.env.BITSO_BASE_URL.replace(/\/+$/, "")}`;
  if (isSandboxUrl(svc.env, base)) {
    // Sandbox only: issue the pair at the simulator, as a user issues a key in Bitso's app.
    const res = await outbound(svc.env)(new Request(`${base}/sandbox/keys`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ api_key: input.apiKey, api_secret: input.apiSecret }) }));
    if (!res.ok) throw new ApiError(502, "PROVIDER_ERROR", "bitso: sandbox key could not be issued");
  }
  let conn = await createConnection(svc, {
    spaceId: input.spaceId, provider: "bitso", status: "pending", externalId: (await sha256Hex(`bitso:${input.apiKey}`)).slice(0, 24), institutionId: "bitso",
    institutionName: "Bitso", credentials: { apiKey: input.apiKey, apiSecret: input.apiSecret }, createdBy: auth.userId, loginKey,
  });
  let balances: BitsoBalance[];
  let accounts: NormalAccount[];
  const client = await bitsoClientFor(svc, conn);
  try {
    // The Bitso account behind the key, which another key of it says too: one a live connection of the space holds
    // (or takes at the same time: one conditional write) is the 409. Not said now: connected, and compared at the
    // first sync that reads it (keepOneConnection, in fetchBitso).
    const clientId = await bitsoClientId(client);
    if (clientId) await claimIdentity(svc, conn, "provider_client_id", clientId);
    balances = await client.balances();
    // A balance that is no amount (not a decimal) is Bitso's answer refused, as a refused key is: nothing left behind.
    accounts = balances.map(normalBitsoAccount).filter((a): a is NormalAccount => a !== null).map((a) => ({ ...a, balanceMinor: null }));
  } catch (e) {
    // A key Bitso refuses, or an account connected already, leaves nothing behind (nor its credentials).
    await svc.env.DB.prepare("DELETE FROM provider_connections WHERE id = ?").bind(conn.id).run();
    throw e instanceof ProviderError ? asApiError(e) : e;
  }
  await applyChanges(svc, conn, { accounts, upserts: [], removed: [], matchPendingHeuristically: false }, emptyStats());
  await setStatus(svc, conn.id, "active", null);
  const firstSync = await queueFirstSync(svc, (await getConnection(svc, conn.id))!);
  conn = (await getConnection(svc, conn.id))!;
  const quote = (supportedCurrency(space.currency) ?? "USD") as Currency;
  return {
    connection: presentConnection(conn, (await connectionAccountIds(svc, [conn.id])).get(conn.id) ?? []),
    accounts: await present(svc, space, conn.id, balances, quote),
    unsupported: unsupportedOf(conn.id, balances),
    jobId: firstSync.jobId,
    firstSync,
    message: responseText(locale, "connected", { provider: "Bitso" }),
  };
}

/**
 * POST /bitso/sync: queue a sync of every live Bitso connection of the space and show the balances now. A
 * connection whose balances Bitso refuses (a revoked key) or cannot give now is listed in `connectionErrors`:
 * an empty `accounts` alone would read as holding nothing.
 */
export async function syncBitso(svc: Services, auth: AuthContext, input: { spaceId: string }) {
  const { space } = await requireSpaceRole(svc, auth, input.spaceId, "admin");
  const conns = (await svc.env.DB.prepare("SELECT * FROM provider_connections WHERE space_id = ? AND provider = 'bitso' AND status != 'disconnected'").bind(input.spaceId).all<ConnectionRow>()).results;
  const accounts: Awaited<ReturnType<typeof present>> = [];
  const unsupported: ReturnType<typeof unsupportedOf> = [];
  const connectionErrors: ReturnType<typeof connectionError>[] = [];
  if (conns.length === 0) return { jobId: null, jobIds: [] as string[], accounts, unsupported, connectionErrors, status: "nothing_to_sync" as const };
  const quote = (supportedCurrency(space.currency) ?? "USD") as Currency;
  const jobIds: string[] = [];
  for (const c of conns) {
    jobIds.push((await enqueueSync(svc, c, "manual")).jobId);
    try {
      const balances = await (await bitsoClientFor(svc, c)).balances();
      accounts.push(...(await present(svc, space, c.id, balances, quote)));
      unsupported.push(...unsupportedOf(c.id, balances));
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      // The queued sync meets the same answer and records it on the connection; the caller learns it now.
      connectionErrors.push(connectionError(c.id, e));
    }
  }
  if (jobIds.length === 0) throw validationFailed([{ field: "spaceId", message: "No Bitso connection", code: "NOT_CONNECTED" }]);
  return { jobId: jobIds[0]!, jobIds, accounts, unsupported, connectionErrors, status: "queued" as const };
}

/**
 * Bitso → the sync engine: one account per currency held (in its own asset:
 * BTC/8, MXN/2...), each trade one ledger transaction with a row per account it
 * touches and its fee as a fee row, and the balances Bitso reports reconciled by
 * explicit adjustments.
 *
 * What Bitso's amounts mean, from its own published data (its Java SDK's recorded answers, the ledger entries
 * of the same trades, and the answers ccxt recorded from the live API; docs.bitso.com's user_trades example is
 * the odd one out, and its own ledger entry reads as below too):
 * - `major` and `minor` are the trade's own balance updates, signed from the account's view, gross of the fee:
 *   `minor` is `major` × `price` (to 8 decimals or more), and Bitso's ledger books exactly them as the trade.
 * - `fees_amount` is the fee charged, a separate debit of `fees_currency` (the ledger's `fee` entry is its
 *   negative). It is written positive in every recorded answer and negative in the documentation's example:
 *   either way it is charged, so its magnitude is the fee row, never a credit and never counted again.
 * - Bitso keeps pesos (and every currency) to 8 decimals or more, in trades and in `/v3/balance` alike
 *   ("15000.00100210"): an amount finer than the currency's minor unit is rounded to it (`inMinorUnits`), and the
 *   difference those roundings leave against the balance Bitso reports lands in the sync's balance adjustment.
 */
import type { Services } from "../../env";
import { type Currency, CURRENCY_SCALES, formatMinor, isCurrency, parseMajorHalfEven } from "../../lib/money";
import type { NormalAccount, NormalTrade } from "../../modules/providers/sync-types";
import { LeftOut } from "../../modules/providers/left-out";
import { type ConnectionRow, keepOneConnection, openCredentials } from "../../modules/providers/connections";
import type { Fetched } from "../../modules/providers/sync";
import { ProviderError, shownValue } from "../errors";
import { type BitsoBalance, BitsoClient, type BitsoTrade, d1Nonces } from "./client";

export const supportedCurrency = (c: string): Currency | null => {
  const up = c.toUpperCase();
  return isCurrency(up) ? up : null;
};

/** A balance as Bitso writes it: an exact decimal. */
const DECIMAL = /^-?\d{1,30}(?:\.\d{1,30})?$/;

/**
 * The balances no account can hold (a currency with no asset here, as USDT): left out of the accounts and net
 * worth, so shown to the user as Bitso reports them. Zero ones are left out too: Bitso lists every currency it has.
 */
export function unsupportedBalances(balances: BitsoBalance[]): { currency: string; balance: string }[] {
  return balances
    .filter((b) => !supportedCurrency(b.currency) && DECIMAL.test(b.total) && /[1-9]/.test(b.total))
    .map((b) => ({ currency: b.currency.toUpperCase(), balance: b.total }));
}

const extId = (currency: string) => `bitso:${currency.toLowerCase()}`;
const COIN_NAMES: Record<string, string> = { BTC: "Bitcoin", ETH: "Ether", MXN: "Pesos", USD: "Dollars" };

/**
 * An amount as Bitso writes it (a decimal, with as many places as Bitso keeps: "1013.540958479115") in minor units
 * of `currency`, rounded half-even to them when finer: the house's rounding, unbiased, so the cents lost and gained
 * over many trades do not pile up on one side of the balance Bitso reports (which is rounded alike). Anything that
 * is not a decimal (a word, "1,5", "1e-3", none) is no amount: INVALID_AMOUNT, the sync failed, nothing stored.
 */
export function inMinorUnits(value: string, currency: Currency): number {
  const raw: unknown = value;
  const p = typeof raw === "string" || typeof raw === "number" ? parseMajorHalfEven(raw, CURRENCY_SCALES[currency], BITSO_PLACES) : null;
  if (!p?.ok) throw new ProviderError("bitso", 200, "INVALID_AMOUNT", `Amount ${shownValue(value)} is not exact in ${currency}`);
  return p.minor;
}

/** The most places read in a Bitso amount (its balances and `minor`s carry up to 18; DECIMAL allows 30). */
const BITSO_PLACES = 30;

export function normalBitsoAccount(b: BitsoBalance): NormalAccount | null {
  const currency = supportedCurrency(b.currency);
  if (!currency) return null;
  return { externalId: extId(b.currency), name: `Bitso ${COIN_NAMES[currency] ?? currency}`, type: "crypto", subtype: "exchange_wallet", currency, mask: null, balanceMinor: inMinorUnits(b.total, currency) };
}

/**
 * Bitso's `created_at` ("2016-04-08T17:52:31.000+00:00", or "+0000" without the colon) as an ISO 8601
 * instant, which the sync keeps (its day comes from the space's zone); only its date when it does not read
 * as one, which is then that day in the space's zone.
 */
export function tradeInstant(createdAt: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:?\d{2})$/.exec(createdAt);
  if (!m) return createdAt.slice(0, 10);
  const zone = m[2]!.length === 5 ? `${m[2]!.slice(0, 3)}:${m[2]!.slice(3)}` : m[2]!;
  const iso = `${m[1]}${zone}`;
  return Number.isNaN(Date.parse(iso)) ? createdAt.slice(0, 10) : iso;
}

export function normalBitsoTrade(t: BitsoTrade): NormalTrade | null {
  const [majorCode, minorCode] = t.book.split("_");
  const major = supportedCurrency(majorCode ?? "");
  const minor = supportedCurrency(minorCode ?? "");
  const fee = supportedCurrency(t.fees_currency);
  if (!major || !minor || !fee) return null;
  // Charged whichever sign it is written with (see above): a debit of its magnitude, once.
  const feeMinor = Math.abs(inMinorUnits(t.fees_amount, fee));
  return {
    id: `trade:${t.tid}`,
    date: tradeInstant(t.created_at),
    description: `${t.side === "buy" ? "Buy" : "Sell"} ${major} on Bitso (${t.book})`,
    legs: [
      { accountExternalId: extId(minor), amountMinor: inMinorUnits(t.minor, minor), fee: false, side: t.side },
      { accountExternalId: extId(major), amountMinor: inMinorUnits(t.major, major), fee: false, side: t.side },
      ...(feeMinor > 0 ? [{ accountExternalId: extId(fee), amountMinor: -feeMinor, fee: true, side: t.side }] : []),
    ],
    record: { symbol: major, book: t.book, side: t.side, quantity: t.major.replace(/^-/, ""), unitPrice: t.price, quote: minor, fees: formatMinor(feeMinor, CURRENCY_SCALES[fee]), feesCurrency: fee, tradeId: String(t.tid) },
  };
}

export async function bitsoClientFor(svc: Services, conn: Pick<ConnectionRow, "id" | "credentials_enc">): Promise<BitsoClient> {
  const { apiKey, apiSecret } = await openCredentials<{ apiKey: string; apiSecret: string }>(svc.env, conn);
  return new BitsoClient(svc.env, apiKey, apiSecret, d1Nonces(svc.env.DB, conn.id, () => svc.clock.now()));
}

/** The Bitso account behind a client's key: its account status's client id; null when Bitso does not say now. */
export async function bitsoClientId(client: BitsoClient): Promise<string | null> {
  const status = await client.accountStatus().catch((e) => {
    if (e instanceof ProviderError) return null;
    throw e;
  });
  return status && (typeof status.client_id === "string" || typeof status.client_id === "number") ? String(status.client_id) : null;
}

/**
 * Stores the Bitso account behind a connection's key (its client id outlives the key: a key revoked and another
 * issued is the same account, which tells a relink from another account: lib/relinks.ts, and two live
 * connections of one account apart: keepOneConnection). Kept as it is when Bitso does not say; a later sync
 * asks again. Returns the id Bitso said.
 */
export async function recordBitsoClientId(svc: Services, client: BitsoClient, connectionId: string): Promise<string | null> {
  const id = await bitsoClientId(client);
  if (id) await svc.env.DB.prepare("UPDATE provider_connections SET provider_client_id = ? WHERE id = ? AND provider_client_id IS NULL").bind(id, connectionId).run();
  return id;
}

/**
 * The client ids of the space's active Bitso connections not known yet (made before they were kept, migration 0034,
 * or whose connect or syncs could not read them), asked of Bitso with their keys, so that a connect, and a sync,
 * compare with every connection of the space Bitso can tell about (as refuseConnectedLogin derives the login keys of
 * connections made before those were kept). One in error or waiting for its key is not asked: it would be refused
 * again, and learns its id at the sync that repairs it. One whose credentials no longer open says nothing.
 */
export async function learnBitsoClientIds(svc: Services, spaceId: string, except: string | null = null): Promise<void> {
  const { results } = await svc.env.DB.prepare(
    "SELECT id, credentials_enc FROM provider_connections WHERE space_id = ? AND provider = 'bitso' AND status = 'active' AND provider_client_id IS NULL AND id IS NOT ?",
  )
    .bind(spaceId, except)
    .all<Pick<ConnectionRow, "id" | "credentials_enc">>();
  for (const c of results) {
    // Credentials sealed under a key since rotated do not open: nothing to ask with, and no 500.
    const client = await bitsoClientFor(svc, c).catch(() => null);
    if (client) await recordBitsoClientId(svc, client, c.id);
  }
}

/**
 * What becomes of the later of two live connections of one Bitso account, found at a sync. Its accounts hold what
 * the kept connection's hold: deactivated as a disconnection leaves them, they count in no net worth from now on.
 */
const TWIN_RETIRED = "This connection, another link of that Bitso account, was disconnected and imports nothing more; its accounts are kept, inactive, as a disconnection leaves them.";

export async function fetchBitso(svc: Services, conn: ConnectionRow): Promise<Fetched> {
  const client = await bitsoClientFor(svc, conn);
  // A connection made before its client id was kept (migration 0034), or whose connect could not read it, gets it
  // at its next sync, while its key still works (a disconnection wipes the key).
  const clientId = conn.provider_client_id || (await recordBitsoClientId(svc, client, conn.id));
  // Two live connections of one account (made before connects compared client ids, or one whose connect could not
  // read one of them) would import every wallet and trade twice: the older is kept. The space's other connections
  // whose ids are unknown are asked first, so that this sync compares with them whatever another sync has stored.
  if (clientId) {
    await learnBitsoClientIds(svc, conn.space_id, conn.id);
    await keepOneConnection(svc, conn, "provider_client_id", clientId, TWIN_RETIRED);
  }
  const balances = await client.balances();
  const trades = await client.allTrades(100, svc.progress);
  const leftOut = new LeftOut();
  for (const b of unsupportedBalances(balances)) leftOut.account(b.currency);
  const normal: NormalTrade[] = [];
  for (const t of trades) {
    const n = normalBitsoTrade(t);
    if (n) normal.push(n);
    // A trade on a book with a currency held nowhere here (usdt_mxn): its legs, the supported ones too, are not
    // imported (the balances are, by adjustment); told under the first code of the book not supported.
    else leftOut.transaction([...t.book.split("_"), t.fees_currency].find((c) => !supportedCurrency(c ?? "")) ?? t.book);
  }
  return {
    changes: {
      accounts: balances.map(normalBitsoAccount).filter((a): a is NormalAccount => a !== null),
      upserts: [],
      removed: [],
      trades: normal.reverse(),
      matchPendingHeuristically: false,
      unsupported: leftOut.list(),
    },
    connectionWide: true,
  };
}

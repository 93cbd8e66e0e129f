/**
 * Bitso → the sync engine: one account per currency held (in its own asset,
 * exact quantities: BTC/8, MXN/2...), each trade one ledger transaction with a
 * row per account it touches and its fee as a fee row, and the balances Bitso
 * reports reconciled by explicit adjustments.
 */
import type { Services } from "../../env";
import { type Currency, CURRENCY_SCALES, parseMajor } from "../../lib/money";
import type { NormalAccount, NormalTrade } from "../../modules/providers/apply";
import { type ConnectionRow, openCredentials } from "../../modules/providers/connections";
import type { Fetched } from "../../modules/providers/sync";
import { ProviderError } from "../errors";
import { type BitsoBalance, BitsoClient, type BitsoTrade, d1Nonces } from "./client";

export const supportedCurrency = (c: string): Currency | null => {
  const up = c.toUpperCase();
  return up in CURRENCY_SCALES ? (up as Currency) : null;
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

export function exact(value: string, currency: Currency): number {
  const p = parseMajor(value, CURRENCY_SCALES[currency]);
  if (!p.ok) throw new ProviderError("bitso", 200, "invalid_amount", `${value} is not exact in ${currency}`);
  return p.minor;
}

export function normalBitsoAccount(b: BitsoBalance): NormalAccount | null {
  const currency = supportedCurrency(b.currency);
  if (!currency) return null;
  return { externalId: extId(b.currency), name: `Bitso ${COIN_NAMES[currency] ?? currency}`, type: "crypto", subtype: "exchange_wallet", currency, mask: null, balanceMinor: exact(b.total, currency) };
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
  const feeMinor = exact(t.fees_amount, fee);
  return {
    id: `trade:${t.tid}`,
    date: tradeInstant(t.created_at),
    description: `${t.side === "buy" ? "Buy" : "Sell"} ${major} on Bitso (${t.book})`,
    legs: [
      { accountExternalId: extId(minor), amountMinor: exact(t.minor, minor), fee: false, side: t.side },
      { accountExternalId: extId(major), amountMinor: exact(t.major, major), fee: false, side: t.side },
      ...(feeMinor > 0 ? [{ accountExternalId: extId(fee), amountMinor: -feeMinor, fee: true, side: t.side }] : []),
    ],
    record: { symbol: major, book: t.book, side: t.side, quantity: t.major.replace(/^-/, ""), unitPrice: t.price, quote: minor, fees: t.fees_amount, feesCurrency: fee, tradeId: String(t.tid) },
  };
}

export async function bitsoClientFor(svc: Services, conn: Pick<ConnectionRow, "id" | "credentials_enc">): Promise<BitsoClient> {
  const { apiKey, apiSecret } = await openCredentials<{ apiKey: string; apiSecret: string }>(svc.env, conn);
  return new BitsoClient(svc.env, apiKey, apiSecret, d1Nonces(svc.env.DB, conn.id, () => svc.clock.now()));
}

/**
 * Stores the Bitso account behind a connection's key (its client id outlives the key: a key revoked and another
 * issued is the same account, which tells a relink from another account: analytics/relinks.ts). Kept as it is when
 * Bitso does not say; a later sync asks again.
 */
export async function recordBitsoClientId(svc: Services, client: BitsoClient, connectionId: string): Promise<void> {
  const status = await client.accountStatus().catch((e) => {
    if (e instanceof ProviderError) return null;
    throw e;
  });
  const id = status && (typeof status.client_id === "string" || typeof status.client_id === "number") ? String(status.client_id) : null;
  if (id) await svc.env.DB.prepare("UPDATE provider_connections SET provider_client_id = ? WHERE id = ? AND provider_client_id IS NULL").bind(id, connectionId).run();
}

export async function fetchBitso(svc: Services, conn: ConnectionRow): Promise<Fetched> {
  const client = await bitsoClientFor(svc, conn);
  // A connection made before its client id was kept (migration 0034), or whose connect could not read it, gets it
  // at its next sync, while its key still works (a disconnection wipes the key).
  if (!conn.provider_client_id) await recordBitsoClientId(svc, client, conn.id);
  const balances = await client.balances();
  const trades = await client.allTrades();
  return {
    changes: {
      accounts: balances.map(normalBitsoAccount).filter((a): a is NormalAccount => a !== null),
      upserts: [],
      removed: [],
      trades: trades.map(normalBitsoTrade).filter((t): t is NormalTrade => t !== null).reverse(),
      matchPendingHeuristically: false,
    },
    connectionWide: true,
  };
}

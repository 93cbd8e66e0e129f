/**
 * How Dhanam-shaped money movements become ledger postings (DESIGN.md):
 * spending goes to `expense:<category>`, income comes from `income:<category>`
 * or `world`, transfers move between two account addresses, and a trade swaps
 * cash for units of the security with fees to `expense:fees`.
 */
import { type ErrorDetail, validationFailed } from "../../lib/errors";
import { assetOf, type Currency, CURRENCY_SCALES, formatMinor, parseMajor, parseMajorExact } from "../../lib/money";
import { accountAddress } from "../ledger/addresses";
import { categoryCounterparty } from "../ledger/reclassification";
import type { Posting } from "../ledger/types";

/** Units of a security are held with 8 decimals: `AAPL/8`. */
export const SECURITY_SCALE = 8;
export const securityAsset = (symbol: string) => `${symbol}/${SECURITY_SCALE}`;

/**
 * A unit price is never stored as an amount (only quantity × price is, checked below), so it is held neither to
 * 2^53 minor units (a bitcoin in pesos colombianos, ~400,000,000 COP, or a Berkshire A share in yen, ~¥110,000,000,
 * is an ordinary price) nor to the units' 8 decimals: a coin priced in another coin may be worth less than a
 * satoshi a unit (SHIB in BTC, ~0.00000000015). Read exactly to 18 decimals (an ERC-20's), of at most 40 digits.
 */
const PRICE_SCALE = 18;
const PRICE_DIGITS = 40;

/** A unit price as the trade's record keeps it: at least 8 decimals (as every price was written), more only as given. */
function priceText(minor: bigint): string {
  const text = formatMinor(minor, PRICE_SCALE);
  let end = text.length;
  while (end > text.length - (PRICE_SCALE - SECURITY_SCALE) && text[end - 1] === "0") end--;
  return text.slice(0, end);
}

export function parseAmountField(field: string, value: number | string, scale: number): number {
  const parsed = parseMajor(value, scale);
  if (!parsed.ok) throw validationFailed([{ field, message: parsed.reason, code: "INVALID_AMOUNT" }]);
  return parsed.minor;
}

/** Postings of a manual expense (amount < 0) or income (amount > 0), against the category's counterparty. */
export function cashflowPostings(accountId: string, currency: Currency, amount: number, categoryId: string | null, isFee: boolean): Posting[] {
  const asset = assetOf(currency);
  const account = accountAddress(accountId);
  const counterparty = categoryCounterparty(amount, categoryId, isFee);
  return amount < 0
    ? [{ source: account, destination: counterparty, amount: -amount, asset }]
    : [{ source: counterparty, destination: account, amount, asset }];
}

/**
 * Postings of one side of a transfer whose other side the ledger holds already, in another transaction (a bank linked
 * again: the new account's copy of a transfer leg the person wrote, relink-carry.ts): the account's money goes to
 * `world` (amount < 0) or comes from it, as a transfer carries no category.
 */
export function worldTransferPostings(accountId: string, currency: Currency, amount: number): Posting[] {
  const asset = assetOf(currency);
  const account = accountAddress(accountId);
  return amount < 0 ? [{ source: account, destination: "world", amount: -amount, asset }] : [{ source: "world", destination: account, amount, asset }];
}

export interface TradeTerms {
  symbol: string;
  side: "buy" | "sell";
  quantity: number | string;
  unitPrice: number | string;
  fees?: number | string;
}

export interface PricedTrade {
  postings: Posting[];
  /** Cash movement of the account in minor units: negative for a buy. */
  cash: number;
  /** The fee within `cash`, minor units (posted to `expense:fees`). */
  fee: number;
  record: { symbol: string; side: string; quantity: string; unitPrice: string; fees: string; gross: string };
}

/**
 * Prices a trade exactly: quantity × unit price in integer arithmetic (the
 * quantity at 8 decimals, the price at 18), rounded half-up once to the currency's minor unit.
 */
export function priceTrade(accountId: string, currency: Currency, t: TradeTerms): PricedTrade {
  const scale = CURRENCY_SCALES[currency];
  const details: ErrorDetail[] = [];
  const qty = parseMajor(t.quantity, SECURITY_SCALE);
  const price = parseMajorExact(t.unitPrice, PRICE_SCALE, PRICE_DIGITS);
  const fees = parseMajor(t.fees ?? 0, scale);
  if (!qty.ok || qty.minor <= 0) details.push({ field: "trade.quantity", message: qty.ok ? "Must be positive" : qty.reason, code: "INVALID_AMOUNT" });
  if (!price.ok || price.minor < 0n) details.push({ field: "trade.unitPrice", message: price.ok ? "Must not be negative" : price.reason, code: "INVALID_AMOUNT" });
  if (!fees.ok || fees.minor < 0) details.push({ field: "trade.fees", message: fees.ok ? "Must not be negative" : fees.reason, code: "INVALID_AMOUNT" });
  // Units and cash in one asset would cancel in the ledger while the row kept the cash leg.
  if (securityAsset(t.symbol) === assetOf(currency)) {
    details.push({ field: "trade.symbol", message: `${t.symbol} is the account's own currency; record the trade in the account that pays for it`, code: "INVALID_SYMBOL" });
  }
  if (!qty.ok || !price.ok || !fees.ok || details.length > 0) throw validationFailed(details);
  const divisor = 10n ** BigInt(SECURITY_SCALE + PRICE_SCALE - scale);
  const product = BigInt(qty.minor) * price.minor;
  const grossBig = (product + divisor / 2n) / divisor;
  // A priced trade worth less than half a minor unit would move the units for nothing; a unit price of 0 (a grant,
  // an airdrop) is written as such.
  if (grossBig === 0n && product > 0n) {
    throw validationFailed([{ field: "trade", message: `quantity × unitPrice is less than half of the account currency's smallest unit (${formatMinor(1, scale)} ${currency})`, code: "INVALID_AMOUNT" }]);
  }
  // The cash the account pays or receives, fees included, is one amount too: it must fit exactly as well.
  const cashBig = t.side === "buy" ? -(grossBig + BigInt(fees.minor)) : grossBig - BigInt(fees.minor);
  if (grossBig > BigInt(Number.MAX_SAFE_INTEGER) || cashBig < -BigInt(Number.MAX_SAFE_INTEGER) || cashBig > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw validationFailed([{ field: "trade", message: "Trade value is too large", code: "TOO_BIG" }]);
  }
  const gross = Number(grossBig);
  const cashAsset = assetOf(currency);
  const account = accountAddress(accountId);
  const units = { asset: securityAsset(t.symbol), amount: qty.minor };
  const postings: Posting[] =
    t.side === "buy"
      ? [
          { source: account, destination: "world", amount: gross, asset: cashAsset },
          { source: "world", destination: account, ...units },
        ]
      : [
          { source: account, destination: "world", ...units },
          { source: "world", destination: account, amount: gross, asset: cashAsset },
        ];
  if (fees.minor > 0) postings.push({ source: account, destination: "expense:fees", amount: fees.minor, asset: cashAsset });
  return {
    postings,
    cash: Number(cashBig),
    fee: fees.minor,
    record: {
      symbol: t.symbol,
      side: t.side,
      quantity: formatMinor(qty.minor, SECURITY_SCALE),
      unitPrice: priceText(price.minor),
      fees: formatMinor(fees.minor, scale),
      gross: formatMinor(gross, scale),
    },
  };
}

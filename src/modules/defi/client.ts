/**
 * Zapper client: app balances of wallets (`GET /v2/balances/apps`, Zapper's
 * REST v2 shape) at `ZAPPER_BASE_URL`, authenticated with HTTP Basic
 * (`base64("<ZAPPER_API_KEY>:")`), through `outbound(env)`. In sandbox mode the
 * simulator src/sandbox/zapper.ts answers the same request.
 *
 * Numbers are read from the response text (never through a double) and
 * normalized into positions: one per app asset, keyed by the provider's
 * stable asset key so that a sync upserts rather than duplicates.
 */
import { AnswerTooLarge, isTimeout, outbound, OutboundTimeout } from "../../lib/outbound";
import { isRedirect, PROVIDER_REQUEST } from "../../providers/errors";
import { decimalParts, minorToDecimal } from "../prices/decimal";
import { parseKeepingNumbers } from "../prices/client";
import { providerDecimal } from "./provider-decimal";

export const DEFI_NETWORKS = ["ethereum", "polygon", "arbitrum", "optimism", "base", "avalanche", "binance-smart-chain", "gnosis", "fantom", "celo"] as const;
export type DefiNetwork = (typeof DEFI_NETWORKS)[number];

export const POSITION_TYPES = ["liquidity-pool", "lending", "borrowing", "staking", "farming", "vault", "other"] as const;
export type PositionType = (typeof POSITION_TYPES)[number];

export interface PositionToken {
  symbol: string;
  balanceDecimal: string;
  balanceUsdDecimal: string;
}

export interface ProviderPosition {
  positionKey: string;
  protocol: string;
  network: string;
  type: PositionType;
  label: string;
  tokens: PositionToken[];
  totalValueUsd: string;
  apy: string | null;
}

export class ZapperError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "ZapperError";
  }
}

const GROUP_TYPES: Record<string, PositionType> = {
  pool: "liquidity-pool", liquidity: "liquidity-pool", "liquidity-pool": "liquidity-pool",
  supply: "lending", lending: "lending", deposit: "lending",
  borrow: "borrowing", borrowing: "borrowing", debt: "borrowing", "variable-debt": "borrowing", "stable-debt": "borrowing",
  staking: "staking", stake: "staking", "liquid-staking": "staking",
  farm: "farming", farming: "farming",
  vault: "vault", vaults: "vault",
};

type J = Record<string, unknown>;
const obj = (v: unknown): J | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as J) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): string | null => {
  const t = obj(v)?.$num;
  if (typeof t !== "string") return null;
  const neg = t.startsWith("-");
  const c = providerDecimal(neg ? t.slice(1) : t);
  return c === null ? null : neg && c !== "0" ? `-${c}` : c;
};

/** A figure owed: negative whatever sign the provider wrote it with (a debt never adds to net worth). */
const owed = (d: string) => (d === "0" || d.startsWith("-") ? d : `-${d}`);

/** The exact sum of signed decimals; null when it has more digits than a figure is stored with (64 characters). */
function sumDecimals(values: string[]): string | null {
  const parts = values.map(decimalParts);
  const scale = Math.max(0, ...parts.map(([, s]) => s));
  const total = parts.reduce((a, [d, s]) => a + d * 10n ** BigInt(scale - s), 0n);
  const text = minorToDecimal(total, scale);
  const neg = text.startsWith("-");
  const c = providerDecimal(neg ? text.slice(1) : text);
  return c === null ? null : neg && c !== "0" ? `-${c}` : c;
}

export interface AppBalances {
  positions: ProviderPosition[];
  /**
   * Keys of assets the answer names but whose value could not be read (missing or malformed `balanceUSD`): not
   * closed positions, so a sync keeps what it stored for them rather than removing them from net worth.
   */
  unreadableKeys: string[];
}

/**
 * Most tokens a position keeps (its row is one D1 row, a value at most 2 MB: a position answered with 60,000 tokens
 * failed the wallet's sync batch with SQLITE_TOOBIG, a 500 for connecting the wallet at all). The position's value is
 * computed before, from all of them; the list keeps the largest by USD value.
 */
export const MAX_TOKENS_PER_POSITION = 100;

function largestTokens(tokens: PositionToken[]): PositionToken[] {
  if (tokens.length <= MAX_TOKENS_PER_POSITION) return tokens;
  const size = (t: PositionToken) => {
    const [d, s] = decimalParts(t.balanceUsdDecimal);
    return (d < 0n ? -d : d) * 10n ** BigInt(24 - s);
  };
  return tokens
    .map((t, i) => ({ t, i, v: size(t) }))
    .sort((a, b) => (a.v === b.v ? a.i - b.i : a.v > b.v ? -1 : 1))
    .slice(0, MAX_TOKENS_PER_POSITION)
    .sort((a, b) => a.i - b.i)
    .map((e) => e.t);
}

/** Positions of `address` on `networks`. Throws ZapperError on a failed call or an unreadable answer. */
export async function fetchAppBalances(env: Env, address: string, networks: readonly string[]): Promise<AppBalances> {
  const url = new URL(`${env.ZAPPER_BASE_URL.replace(/\/+$/, "")}/v2/balances/apps`);
  url.searchParams.append("addresses[]", address.toLowerCase());
  for (const n of networks) url.searchParams.append("networks[]", n);
  let res: Response;
  let text: string;
  try {
    res = await outbound(env)(
      // No redirect is followed: the key would go with it, wherever it points.
      new Request(url.toString(), { ...PROVIDER_REQUEST, headers: { accept: "application/json", authorization: `Basic ${btoa(`${env.ZAPPER_API_KEY}:`)}` } }),
    );
    if (isRedirect(res)) {
      await res.body?.cancel();
      throw new ZapperError(502, `Zapper answered with a redirect (HTTP ${res.status}), which is not followed`);
    }
    text = await res.text();
  } catch (err) {
    if (err instanceof ZapperError) throw err;
    if (err instanceof AnswerTooLarge) throw new ZapperError(502, `Zapper ${err.message}`);
    // No answer within the outbound deadline (lib/outbound.ts), or none at all.
    throw new ZapperError(504, isTimeout(err) ? `Zapper ${err instanceof OutboundTimeout ? err.message : "timed out"}` : `Zapper unreachable: ${(err as Error)?.message ?? String(err)}`);
  }
  if (!res.ok) throw new ZapperError(res.status, `Zapper answered ${res.status}`);
  let body: unknown;
  try {
    body = parseKeepingNumbers(text);
  } catch {
    throw new ZapperError(502, "Zapper answered malformed JSON");
  }
  if (!Array.isArray(body)) throw new ZapperError(502, "Zapper answered an unexpected shape");
  const out: ProviderPosition[] = [];
  const unreadableKeys: string[] = [];
  for (const app of body) {
    const a = obj(app);
    const appId = str(a?.appId);
    const network = str(a?.network);
    if (!a || !appId || !network) continue;
    for (const product of arr(a.products)) {
      for (const asset of arr(obj(product)?.assets)) {
        const x = obj(asset);
        const key = str(x?.key);
        const total = num(x?.balanceUSD);
        if (!x || !key) continue;
        const positionKey = `${network}:${appId}:${key}`.slice(0, 200);
        if (total === null) {
          unreadableKeys.push(positionKey);
          continue;
        }
        const display = obj(x.displayProps);
        const apyItem = arr(display?.statsItems).map(obj).find((s) => str(s?.label)?.toUpperCase() === "APY");
        const groupType = GROUP_TYPES[str(x.groupId) ?? ""] ?? "other";
        // Debt: a borrow group (Aave's variable-debt, Compound's borrow...) is owed as a whole; elsewhere the tokens
        // Zapper marks `borrowed`. Zapper writes debt negative; one written positive must still reduce net worth.
        const debtGroup = groupType === "borrowing";
        const tokens = arr(x.tokens)
          .map(obj)
          .filter((t): t is J => !!t && !!str(t.symbol))
          .map((t) => {
            const borrowed = debtGroup || str(t.metaType) === "borrowed";
            const balance = num(t.balance) ?? "0";
            const value = num(t.balanceUSD);
            return { borrowed, valueKnown: value !== null, token: { symbol: str(t.symbol)!.slice(0, 32), balanceDecimal: borrowed ? owed(balance) : balance, balanceUsdDecimal: borrowed ? owed(value ?? "0") : (value ?? "0") } };
          });
        const anyBorrowed = tokens.some((t) => t.borrowed);
        // A position that also holds debt is worth its tokens net of the debt (Zapper's asset balance is that sum);
        // one whose tokens are all owed is a borrowing whatever its group says.
        const value = debtGroup ? owed(total) : anyBorrowed && tokens.every((t) => t.valueKnown) ? sumDecimals(tokens.map((t) => t.token.balanceUsdDecimal)) : total;
        // A net too long to store (10^40 less 10^-24 is 65 characters) was written as null, failing the whole sync.
        if (value === null) {
          unreadableKeys.push(positionKey);
          continue;
        }
        const type = !debtGroup && tokens.length > 0 && tokens.every((t) => t.borrowed) ? "borrowing" : groupType;
        out.push({
          positionKey,
          protocol: appId.slice(0, 64),
          network: network.slice(0, 64),
          type,
          label: (str(display?.label) ?? appId).slice(0, 200),
          tokens: largestTokens(tokens.map((t) => t.token)),
          totalValueUsd: value,
          apy: apyItem ? num(obj(apyItem.value)?.value) : null,
        });
      }
    }
  }
  return { positions: out, unreadableKeys };
}

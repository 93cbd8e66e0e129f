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
import { isTimeout, outbound, OutboundTimeout } from "../../lib/outbound";
import { isRedirect, PROVIDER_REQUEST } from "../../providers/errors";
import { canonicalDecimal } from "../prices/decimal";
import { parseKeepingNumbers } from "../prices/client";

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
  borrow: "borrowing", borrowing: "borrowing",
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
  const c = canonicalDecimal(neg ? t.slice(1) : t);
  return c === null ? null : neg && c !== "0" ? `-${c}` : c;
};

/** Positions of `address` on `networks`. Throws ZapperError on a failed call or an unreadable answer. */
export async function fetchAppBalances(env: Env, address: string, networks: readonly string[]): Promise<ProviderPosition[]> {
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
        if (!x || !key || total === null) continue;
        const display = obj(x.displayProps);
        const apyItem = arr(display?.statsItems).map(obj).find((s) => str(s?.label)?.toUpperCase() === "APY");
        const tokens = arr(x.tokens)
          .map(obj)
          .filter((t): t is J => !!t && !!str(t.symbol))
          .map((t) => ({ symbol: str(t.symbol)!.slice(0, 32), balanceDecimal: num(t.balance) ?? "0", balanceUsdDecimal: num(t.balanceUSD) ?? "0" }));
        out.push({
          positionKey: `${network}:${appId}:${key}`.slice(0, 200),
          protocol: appId.slice(0, 64),
          network: network.slice(0, 64),
          type: GROUP_TYPES[str(x.groupId) ?? ""] ?? "other",
          label: (str(display?.label) ?? appId).slice(0, 200),
          tokens,
          totalValueUsd: total,
          apy: apyItem ? num(obj(apyItem.value)?.value) : null,
        });
      }
    }
  }
  return out;
}

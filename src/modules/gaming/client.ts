/**
 * Gaming data client: one wallet's holdings on one platform, from
 * `GET {GAMING_BASE_URL}/v1/platforms/{platform}/wallets/{address}/portfolio`
 * with the `x-api-key` header (`GAMING_API_KEY`), through `outbound(env)`.
 *
 * No single public API covers these games, so this is Dhanam's gaming data
 * provider contract (an indexer answering per platform and wallet); the
 * sandbox simulator (src/sandbox/gaming.ts) implements it. Amounts are decimal
 * strings; anything malformed is dropped, never guessed.
 */
import { AnswerTooLarge, isTimeout, outbound, OutboundTimeout } from "../../lib/outbound";
import { isRedirect, PROVIDER_REQUEST } from "../../providers/errors";
import { providerDecimal } from "../defi/provider-decimal";
import { EARNING_SOURCES, type EarningSource } from "./platforms";

export interface GamingPortfolio {
  tokens: { symbol: string; balanceDecimal: string }[];
  staking: { symbol: string; amountDecimal: string; apyDecimal: string; rewardsPerMonthDecimal: string }[];
  land: { parcelId: string; coordinates: string; size: string; rentalStatus: "rented" | "vacant" | "self-use"; monthlyRentalUsd: string; acquisitionCostUsd: string | null; currentValueUsd: string | null }[];
  nfts: { tokenId: string; name: string; collection: string; acquisitionCostUsd: string | null; currentValueUsd: string | null; acquiredAt: string | null }[];
  guilds: { guildName: string; role: "manager" | "scholar" | "owner"; scholarCount: number; revenueSharePercent: string; monthlyIncomeUsd: string }[];
  governance: { votingPowerDecimal: string; totalVotesCast: number; proposals: { id: string; title: string; status: string }[] } | null;
  earnings: { day: string; source: EarningSource; amountUsd: string }[];
}

export class GamingApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "GamingApiError";
  }
}

type J = Record<string, unknown>;
const obj = (v: unknown): J | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as J) : null);
const arr = (v: unknown): J[] => (Array.isArray(v) ? v.map(obj).filter((x): x is J => x !== null) : []);
const str = (v: unknown, max = 200): string | null => (typeof v === "string" && v.length > 0 ? v.slice(0, max) : null);
const dec = (v: unknown): string | null => (typeof v === "string" ? providerDecimal(v) : null);
const int = (v: unknown): number => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : 0);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The wallet's portfolio on `platform`, or null when the platform has no record of it (404). */
export async function fetchGamingPortfolio(env: Env, platform: string, address: string): Promise<GamingPortfolio | null> {
  const base = env.GAMING_BASE_URL.replace(/\/+$/, "");
  let res: Response;
  let text: string;
  try {
    res = await outbound(env)(
      new Request(`${base}/v1/platforms/${encodeURIComponent(platform)}/wallets/${encodeURIComponent(address)}/portfolio`, {
        // No redirect is followed: the key would go with it, wherever it points.
        ...PROVIDER_REQUEST,
        headers: { accept: "application/json", "x-api-key": env.GAMING_API_KEY },
      }),
    );
    if (isRedirect(res)) {
      await res.body?.cancel();
      throw new GamingApiError(502, `Gaming API answered with a redirect (HTTP ${res.status}) for ${platform}, which is not followed`);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    text = await res.text();
  } catch (err) {
    if (err instanceof GamingApiError) throw err;
    if (err instanceof AnswerTooLarge) throw new GamingApiError(502, `Gaming API ${err.message}`);
    // No answer within the outbound deadline (lib/outbound.ts), or none at all.
    throw new GamingApiError(504, isTimeout(err) ? `Gaming API ${err instanceof OutboundTimeout ? err.message : "timed out"}` : `Gaming API unreachable: ${(err as Error)?.message ?? String(err)}`);
  }
  if (!res.ok) throw new GamingApiError(res.status, `Gaming API answered ${res.status} for ${platform}`);
  let body: J | null;
  try {
    body = obj(JSON.parse(text));
  } catch {
    throw new GamingApiError(502, "Gaming API answered malformed JSON");
  }
  if (!body) throw new GamingApiError(502, "Gaming API answered an unexpected shape");
  const gov = obj(body.governance);
  return {
    tokens: arr(body.tokens).flatMap((t) => {
      const symbol = str(t.symbol, 32);
      const balance = dec(t.balance);
      return symbol && balance ? [{ symbol: symbol.toUpperCase(), balanceDecimal: balance }] : [];
    }),
    staking: arr(body.staking).flatMap((s) => {
      const symbol = str(s.symbol, 32);
      const amount = dec(s.amount);
      return symbol && amount ? [{ symbol: symbol.toUpperCase(), amountDecimal: amount, apyDecimal: dec(s.apy) ?? "0", rewardsPerMonthDecimal: dec(s.rewardsPerMonth) ?? "0" }] : [];
    }),
    land: arr(body.land).flatMap((l) => {
      const parcelId = str(l.parcelId, 64);
      const status = l.rentalStatus === "rented" || l.rentalStatus === "vacant" || l.rentalStatus === "self-use" ? l.rentalStatus : null;
      return parcelId && status
        ? [{ parcelId, coordinates: str(l.coordinates, 64) ?? "", size: str(l.size, 16) ?? "1x1", rentalStatus: status, monthlyRentalUsd: dec(l.monthlyRentalUsd) ?? "0", acquisitionCostUsd: dec(l.acquisitionCostUsd), currentValueUsd: dec(l.currentValueUsd) }]
        : [];
    }),
    nfts: arr(body.nfts).flatMap((n) => {
      const tokenId = str(n.tokenId, 100);
      return tokenId
        ? [{ tokenId, name: str(n.name) ?? tokenId, collection: str(n.collection) ?? "", acquisitionCostUsd: dec(n.acquisitionCostUsd), currentValueUsd: dec(n.currentValueUsd), acquiredAt: str(n.acquiredAt, 32) }]
        : [];
    }),
    guilds: arr(body.guilds).flatMap((g) => {
      const name = str(g.guildName);
      const role = g.role === "manager" || g.role === "scholar" || g.role === "owner" ? g.role : null;
      return name && role ? [{ guildName: name, role, scholarCount: int(g.scholarCount), revenueSharePercent: dec(g.revenueSharePercent) ?? "0", monthlyIncomeUsd: dec(g.monthlyIncomeUsd) ?? "0" }] : [];
    }),
    governance: gov
      ? {
          votingPowerDecimal: dec(gov.votingPower) ?? "0",
          totalVotesCast: int(gov.totalVotesCast),
          proposals: arr(gov.proposals).flatMap((p) => {
            const id = str(p.id, 64);
            return id ? [{ id, title: str(p.title) ?? id, status: str(p.status, 32) ?? "unknown" }] : [];
          }),
        }
      : null,
    earnings: arr(body.earnings).flatMap((e) => {
      const day = str(e.day, 10);
      const source = (EARNING_SOURCES as readonly string[]).includes(e.source as string) ? (e.source as EarningSource) : null;
      const amount = dec(e.amountUsd);
      return day && DAY.test(day) && source && amount ? [{ day, source, amountUsd: amount }] : [];
    }),
  };
}

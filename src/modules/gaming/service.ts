/**
 * Gaming holdings of a space's wallets (the DeFi wallets: one address, many
 * platforms). A sync reads each platform with a client for each wallet and
 * stores one row per wallet and platform plus daily earnings keyed by
 * (wallet, platform, source, day), so syncing again replaces rather than adds;
 * each value a row held is kept (`gaming_position_values`, at most a point a
 * day: the day's last sync that changed it, or after which the platform no
 * longer knew the wallet, wins) for net worth at past instants.
 * Tokens and staked amounts are valued with market prices (USD); land and
 * NFTs with the platform's current value; a figure nobody supplied stays null
 * and out of every total. Platforms without a client say `available: false`.
 */
import type { AuthContext, Services } from "../../env";
import { iso } from "../../lib/clock";
import { todayIn } from "../../lib/dates";
import { ApiError, notFound } from "../../lib/errors";
import { logError } from "../../lib/log";
import { insertJsonRows, type SqlGuard } from "../../lib/sql";
import { dayPointAt, historyDayStart, latestValue, notSuperseded } from "../../lib/value-history";
import { addDays, parseYmd, ymdString } from "../../lib/zoned-time";
import { decimalToMinor, minorToDecimal, valueMinor, decimalParts } from "../prices/decimal";
import { getPrices } from "../prices/service";
import { readSpace, syncBatchFor } from "../spaces/access";
import { fetchGamingPortfolio, type GamingPortfolio } from "./client";
import { EARNING_SOURCES, type EarningSource, PLATFORMS, platformOf, SOURCE_COLORS } from "./platforms";
import { periodDays } from "./schemas";

export const GAMING_STALE_AFTER_MS = 86_400_000;

const cents = (d: string | null) => (d === null ? null : decimalToMinor(d, 2));
const usd = (m: bigint) => minorToDecimal(m, 2);
const money = (m: bigint) => ({ n: Number(usd(m)), d: usd(m) });
/** Token quantities to minor units at 18 places (enough for any token), for exact valuation. */
const Q = 18;
const qty = (d: string) => {
  const [digits, scale] = decimalParts(d);
  return scale <= Q ? digits * 10n ** BigInt(Q - scale) : digits / 10n ** BigInt(scale - Q);
};

/**
 * Most items of each list kept in a platform's stored row (a row is one D1 value, at most 2 MB): 20,000 NFTs
 * made the sync's batch fail with SQLITE_TOOBIG, a 500 for connecting the wallet at all. The platform's value
 * and its NFTs' totals are of every item the provider answered; the lists keep the most valuable.
 */
export const STORED_ITEMS_MAX = { tokens: 200, staking: 200, land: 500, nfts: 500, guilds: 100, proposals: 100 } as const;

export interface StoredPlatformData {
  tokens: { symbol: string; balanceDecimal: string; priceDecimal: string | null; valueUsd: string | null; priceStale: boolean | null }[];
  staking: { symbol: string; amountDecimal: string; apyDecimal: string; rewardsPerMonthDecimal: string; valueUsd: string | null; priceStale: boolean | null }[];
  land: GamingPortfolio["land"];
  nfts: GamingPortfolio["nfts"];
  guilds: GamingPortfolio["guilds"];
  governance: GamingPortfolio["governance"];
  /** Of every NFT the provider answered (`nfts` keeps the STORED_ITEMS_MAX.nfts most valuable); absent in rows synced before. */
  nftTotals?: { count: number; currentValueUsd: string; acquisitionCostUsd: string };
  landCount?: number;
  tokensCount?: number;
}

/** The `max` items of `items` of most value (a value nobody supplied last), in the provider's order otherwise. */
function mostValuable<T>(items: T[], max: number, value: (x: T) => string | null): T[] {
  if (items.length <= max) return items;
  const v = (x: T) => cents(value(x)) ?? -1n;
  return items.map((x, i) => ({ x, i, v: v(x) })).sort((a, b) => (a.v === b.v ? a.i - b.i : a.v > b.v ? -1 : 1)).slice(0, max).sort((a, b) => a.i - b.i).map((e) => e.x);
}

/**
 * Syncs one wallet on every platform with a client; returns how many platforms answered. `now` is the wallet
 * sync's instant (its DeFi batch's): the rows and value points are written at it, and nothing is written if a
 * later sync of the wallet has written meanwhile (lib/value-history's notSuperseded). `wallet.timezone` is its
 * space's: the value history keeps a point a row a day of it.
 */
export async function syncGamingWallet(
  svc: Services, wallet: { id: string; spaceId: string; address: string; timezone: string }, now: number, by?: AuthContext,
): Promise<number> {
  const fetched: { platform: string; portfolio: GamingPortfolio | null }[] = [];
  for (const p of PLATFORMS.filter((x) => x.client)) {
    try {
      fetched.push({ platform: p.platform, portfolio: await fetchGamingPortfolio(svc.env, p.platform, wallet.address) });
    } catch (err) {
      logError(undefined, "gaming.sync_failed", err, { walletId: wallet.id, platform: p.platform }); // keeps what was stored
    }
  }
  const symbols = fetched.flatMap((f) => [...(f.portfolio?.tokens ?? []).map((t) => t.symbol), ...(f.portfolio?.staking ?? []).map((s) => s.symbol)]);
  const prices = symbols.length ? await getPrices(svc, symbols, "USD") : new Map();
  const db = svc.env.DB;
  const statements: D1PreparedStatement[] = [];
  const dayStart = historyDayStart(now, wallet.timezone);
  // ?1 now, ?2 the wallet, ?3 the platform, ?4 the day's start (of the space's zone).
  const match = "v.wallet_id = ?2 AND v.platform = ?3";
  const dayPoint = dayPointAt("gaming_position_values", match, "?4", "?1");
  const latest = notSuperseded("?2", "?1");
  for (const { platform, portfolio } of fetched) {
    if (!portfolio) {
      statements.push(
        // Held until now, not after (net worth at past instants reads the value history): the day's point has no value.
        db.prepare(
          `INSERT INTO gaming_position_values (wallet_id, platform, synced_at, space_id, value_usd)
           SELECT wallet_id, platform, ${dayPoint}, space_id, NULL FROM gaming_positions WHERE wallet_id = ?2 AND platform = ?3 AND ${latest}
           ON CONFLICT (wallet_id, platform, synced_at) DO UPDATE SET value_usd = NULL`,
        ).bind(now, wallet.id, platform, dayStart),
        db.prepare(`DELETE FROM gaming_positions WHERE wallet_id = ?2 AND platform = ?3 AND ${latest}`).bind(now, wallet.id, platform),
      );
      continue;
    }
    const value = (symbol: string, amount: string) => {
      const p = prices.get(symbol);
      return p ? { priceDecimal: p.priceDecimal as string, valueUsd: usd(valueMinor(qty(amount), Q, p.priceDecimal, 2)), priceStale: p.stale as boolean } : { priceDecimal: null, valueUsd: null, priceStale: null };
    };
    const full = {
      tokens: portfolio.tokens.map((t) => ({ symbol: t.symbol, balanceDecimal: t.balanceDecimal, ...value(t.symbol, t.balanceDecimal) })),
      staking: portfolio.staking.map((s) => {
        const v = value(s.symbol, s.amountDecimal);
        return { ...s, valueUsd: v.valueUsd, priceStale: v.priceStale };
      }),
    };
    const total =
      [...full.tokens.map((t) => t.valueUsd), ...full.staking.map((s) => s.valueUsd), ...portfolio.land.map((l) => l.currentValueUsd), ...portfolio.nfts.map((n) => n.currentValueUsd)]
        .map(cents)
        .reduce<bigint>((a, v) => a + (v ?? 0n), 0n);
    const sumOf = (values: (string | null)[]) => usd(values.reduce<bigint>((a, v) => a + (cents(v) ?? 0n), 0n));
    const data: StoredPlatformData = {
      tokens: mostValuable(full.tokens, STORED_ITEMS_MAX.tokens, (t) => t.valueUsd),
      staking: mostValuable(full.staking, STORED_ITEMS_MAX.staking, (s) => s.valueUsd),
      land: mostValuable(portfolio.land, STORED_ITEMS_MAX.land, (l) => l.currentValueUsd),
      nfts: mostValuable(portfolio.nfts, STORED_ITEMS_MAX.nfts, (n) => n.currentValueUsd),
      guilds: portfolio.guilds.slice(0, STORED_ITEMS_MAX.guilds),
      governance: portfolio.governance && { ...portfolio.governance, proposals: portfolio.governance.proposals.slice(0, STORED_ITEMS_MAX.proposals) },
      nftTotals: {
        count: portfolio.nfts.length,
        currentValueUsd: sumOf(portfolio.nfts.map((n) => n.currentValueUsd)),
        acquisitionCostUsd: sumOf(portfolio.nfts.map((n) => n.acquisitionCostUsd)),
      },
      landCount: portfolio.land.length,
      tokensCount: portfolio.tokens.length,
    };
    statements.push(
      db.prepare(
        `INSERT INTO gaming_positions (space_id, wallet_id, platform, data, total_value_usd, first_seen_at, synced_at) SELECT ?5, ?2, ?3, ?6, ?7, ?1, ?1 WHERE ${latest}
         ON CONFLICT (wallet_id, platform) DO UPDATE SET data = excluded.data, total_value_usd = excluded.total_value_usd, synced_at = excluded.synced_at`,
      ).bind(now, wallet.id, platform, dayStart, wallet.spaceId, JSON.stringify(data), usd(total)),
      // The value history where the value changed (or the row is new, or back the same day): the day's point takes
      // it (written now if the day has none yet); the last sync of the day wins.
      db.prepare(
        `INSERT INTO gaming_position_values (wallet_id, platform, synced_at, space_id, value_usd)
         SELECT ?2, ?3, ${dayPoint}, ?5, ?6
          WHERE ${latest} AND ${latestValue("gaming_position_values", match)} IS NOT ?6
         ON CONFLICT (wallet_id, platform, synced_at) DO UPDATE SET value_usd = excluded.value_usd`,
      ).bind(now, wallet.id, platform, dayStart, wallet.spaceId, usd(total)),
    );
    const earningRows = new Map(portfolio.earnings.map((e) => [`${e.source}|${e.day}`, [wallet.spaceId, wallet.id, platform, e.source, e.day, e.amountUsd]]));
    statements.push(
      // Behind the same notSuperseded as the rows above (the wallet is each row's second value): a sync a later one
      // overtook wrote its earlier amounts over the later sync's.
      ...insertJsonRows(db, "gaming_earnings", ["space_id", "wallet_id", "platform", "source", "day", "amount_usd"], [...earningRows.values()],
        `AND ${notSuperseded("(value ->> '$[1]')", String(Math.trunc(now)))} ON CONFLICT (wallet_id, platform, source, day) DO UPDATE SET amount_usd = excluded.amount_usd`),
    );
  }
  if (statements.length) {
    // A wallet disconnected while its provider calls were under way: this batch must leave none of its rows.
    for (const table of ["gaming_positions", "gaming_position_values", "gaming_earnings"]) {
      statements.push(db.prepare(`DELETE FROM ${table} WHERE wallet_id = ?1 AND NOT EXISTS (SELECT 1 FROM defi_wallets WHERE id = ?1)`).bind(wallet.id));
    }
    // A member's sync (`by`) writes only while they may still write in the live space, the cron's only while the space is.
    try {
      await syncBatchFor(svc, wallet.spaceId, by, statements);
    } catch (err) {
      // The caller's access answers (404, 403, 409) stand; a batch D1 refused (an answer too big to store, say) keeps
      // what was stored, as a platform that failed does, instead of failing the wallet's sync, whose DeFi part landed.
      if (err instanceof ApiError) throw err;
      logError(undefined, "gaming.store_failed", err, { walletId: wallet.id });
      return 0;
    }
  }
  return fetched.filter((f) => f.portfolio).length;
}

interface PositionRow {
  wallet_id: string;
  platform: string;
  data: string;
  total_value_usd: string;
  first_seen_at: number;
  synced_at: number;
  address: string;
}

/** The gaming positions (on `platform`, if given) of the space `space` names, with their wallets' addresses. */
const positionsRead = (db: D1Database, space: SqlGuard, platform?: string) =>
  db.prepare(
    `SELECT g.wallet_id, g.platform, g.data, g.total_value_usd, g.first_seen_at, g.synced_at, w.address FROM gaming_positions g
       JOIN defi_wallets w ON w.id = g.wallet_id AND w.space_id = g.space_id
      WHERE g.space_id = ${space.sql} ${platform ? "AND g.platform = ?" : ""} ORDER BY g.platform, g.wallet_id`,
  ).bind(...space.params, ...(platform ? [platform] : []));

const DAY_MS = 86_400_000;

const fromDayFor = (now: number, tz: string, days: number) => ymdString(addDays(parseYmd(todayIn(now, tz)), -(days - 1)));

/**
 * The earning rows of the space `space` names that the last `days` days could hold in any time zone: from a
 * UTC day earlier, as no zone's today is more than a day behind UTC's. The space's zone comes in the same
 * batch, so its exact first day is not known yet; earningsSince trims the rows to it.
 */
const earningsRead = (db: D1Database, space: SqlGuard, now: number, days: number) =>
  db.prepare(`SELECT platform, source, day, amount_usd FROM gaming_earnings WHERE space_id = ${space.sql} AND day >= ?`)
    .bind(...space.params, fromDayFor(now - DAY_MS, "UTC", days));

/**
 * Earnings per platform and source from `fromDay` to `toDay` (the space's today; both inclusive), in USD cents,
 * from earningsRead's rows. A day after the space's today (the provider's day in a zone ahead of the space's, as
 * UTC's is of Mexico City's evening) is not in the period the answer names; it counts once that day has come.
 */
function earningsSince(read: D1Result, fromDay: string, toDay: string) {
  const out = new Map<string, bigint>();
  for (const r of read.results as { platform: string; source: EarningSource; day: string; amount_usd: string }[]) {
    if (r.day < fromDay || r.day > toDay) continue;
    out.set(`${r.platform}|${r.source}`, (out.get(`${r.platform}|${r.source}`) ?? 0n) + cents(r.amount_usd)!);
  }
  return out;
}

export function listPlatforms() {
  return {
    platforms: PLATFORMS.map((p) => ({
      platform: p.platform, label: p.label, chain: p.chain, token: p.token, available: p.client,
      ...(p.client ? {} : { reason: "No working client for this platform yet: no values are shown for it" }),
    })),
  };
}

function platformSummary(platform: string, rows: PositionRow[], monthly: bigint, now: number) {
  const meta = platformOf(platform)!;
  const datas = rows.map((r) => JSON.parse(r.data) as StoredPlatformData);
  const total = rows.reduce((a, r) => a + cents(r.total_value_usd)!, 0n);
  const staking = datas.flatMap((d) => d.staking);
  const stakingValue = staking.reduce((a, s) => a + (cents(s.valueUsd) ?? 0n), 0n);
  // APY of the platform's staking, weighted by staked value (simple mean if no value is known).
  const weighted = staking.filter((s) => s.valueUsd !== null);
  const apy = staking.length === 0
    ? null
    : weighted.length && stakingValue > 0n
      ? Number(weighted.reduce((a, s) => a + Number(s.apyDecimal) * Number(s.valueUsd), 0) / Number(usd(stakingValue)))
      : staking.reduce((a, s) => a + Number(s.apyDecimal), 0) / staking.length;
  const m = money(total);
  return {
    platform,
    label: meta.label,
    chain: meta.chain,
    available: true,
    totalValueUsd: m.n,
    totalValueUsdDecimal: m.d,
    tokensCount: datas.reduce((a, d) => a + (d.tokensCount ?? d.tokens.length), 0),
    stakingValueUsd: money(stakingValue).n,
    stakingValueUsdDecimal: money(stakingValue).d,
    stakingApy: apy === null ? null : Math.round(apy * 100) / 100,
    landCount: datas.reduce((a, d) => a + (d.landCount ?? d.land.length), 0),
    nftCount: datas.reduce((a, d) => a + (d.nftTotals?.count ?? d.nfts.length), 0),
    monthlyEarningsUsd: money(monthly).n,
    monthlyEarningsUsdDecimal: money(monthly).d,
    lastSyncedAt: iso(Math.min(...rows.map((r) => r.synced_at))),
    stale: rows.some((r) => now - r.synced_at > GAMING_STALE_AFTER_MS),
    unpricedTokens: [...new Set(datas.flatMap((d) => [...d.tokens, ...d.staking].filter((t) => t.valueUsd === null).map((t) => t.symbol)))],
  };
}

/** GET /v1/gaming/portfolio */
export async function getPortfolio(svc: Services, auth: AuthContext, spaceId: string) {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const { membership: m, results: [positions, earnings] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    positionsRead(db, space),
    earningsRead(db, space, now, 30),
  ]);
  const rows = positions!.results as unknown as PositionRow[];
  const month = earningsSince(earnings!, fromDayFor(now, m.space.timezone, 30), todayIn(now, m.space.timezone));
  const byPlatform = new Map<string, PositionRow[]>();
  for (const r of rows) byPlatform.set(r.platform, [...(byPlatform.get(r.platform) ?? []), r]);
  const monthlyOf = (platform: string) => EARNING_SOURCES.reduce((a, s) => a + (month.get(`${platform}|${s}`) ?? 0n), 0n);
  const platforms = [...byPlatform].map(([p, rs]) => platformSummary(p, rs, monthlyOf(p), now));

  const chains = new Map<string, { total: bigint; platforms: string[] }>();
  for (const p of platforms) {
    const c = chains.get(p.chain) ?? { total: 0n, platforms: [] };
    c.total += decimalToMinor(p.totalValueUsdDecimal, 2);
    c.platforms.push(p.platform);
    chains.set(p.chain, c);
  }
  const withData = rows.map((r) => ({ r, d: JSON.parse(r.data) as StoredPlatformData, meta: platformOf(r.platform)! }));
  const governance = withData
    .filter((x) => x.d.governance)
    .map((x) => ({ platform: x.r.platform, dao: x.meta.dao ?? x.meta.label, votingPower: Number(x.d.governance!.votingPowerDecimal), votingPowerDecimal: x.d.governance!.votingPowerDecimal, votingPowerToken: x.meta.token, totalVotesCast: x.d.governance!.totalVotesCast }));
  const top = [...governance].sort((a, b) => b.votingPower - a.votingPower)[0];
  const totalValue = platforms.reduce((a, p) => a + decimalToMinor(p.totalValueUsdDecimal, 2), 0n);
  return {
    spaceId,
    currency: "USD",
    totalValueUsd: money(totalValue).n,
    totalValueUsdDecimal: money(totalValue).d,
    platforms,
    unavailablePlatforms: PLATFORMS.filter((p) => !p.client).map((p) => ({ platform: p.platform, label: p.label, available: false as const })),
    earnings: [...month]
      .filter(([, v]) => v !== 0n)
      .map(([k, v]) => {
        const [platform, source] = k.split("|") as [string, EarningSource];
        return { platform, source, amountUsd: money(v).n, amountUsdDecimal: money(v).d, color: SOURCE_COLORS[source] };
      })
      .sort((a, b) => a.platform.localeCompare(b.platform) || a.source.localeCompare(b.source)),
    guilds: withData.flatMap((x) =>
      x.d.guilds.map((g) => ({ platform: x.r.platform, guildName: g.guildName, role: g.role, scholarCount: g.scholarCount, revenueSharePercent: Number(g.revenueSharePercent), monthlyIncomeUsd: Number(g.monthlyIncomeUsd), monthlyIncomeUsdDecimal: usd(cents(g.monthlyIncomeUsd)!) })),
    ),
    chains: [...chains].map(([chain, c]) => ({ chain, totalValueUsd: money(c.total).n, totalValueUsdDecimal: money(c.total).d, platformCount: c.platforms.length, platforms: c.platforms })),
    parcels: withData.flatMap((x) =>
      x.d.land.map((l) => ({ parcelId: l.parcelId, coordinates: l.coordinates, size: l.size, rentalStatus: l.rentalStatus, monthlyRental: Number(l.monthlyRentalUsd), monthlyRentalDecimal: usd(cents(l.monthlyRentalUsd)!), platform: x.meta.label, currentValue: l.currentValueUsd === null ? null : Number(l.currentValueUsd) })),
    ),
    nfts: withData.flatMap((x) => x.d.nfts.map((n) => nftView(x.r.platform, n))),
    proposals: withData.flatMap((x) => (x.d.governance?.proposals ?? []).map((p) => ({ id: p.id, title: p.title, status: p.status, dao: x.meta.dao ?? x.meta.label, platform: x.r.platform }))),
    governance,
    totalVotesCast: governance.reduce((a, g) => a + g.totalVotesCast, 0),
    votingPower: top ? top.votingPower : 0,
    votingPowerToken: top ? top.votingPowerToken : null,
  };
}

function nftView(platform: string, n: StoredPlatformData["nfts"][number]) {
  const cur = cents(n.currentValueUsd);
  const cost = cents(n.acquisitionCostUsd);
  return {
    platform,
    tokenId: n.tokenId,
    name: n.name,
    collection: n.collection,
    currentValue: cur === null ? null : Number(usd(cur)),
    currentValueDecimal: cur === null ? null : usd(cur),
    acquisitionCost: cost === null ? null : Number(usd(cost)),
    acquisitionCostDecimal: cost === null ? null : usd(cost),
    unrealizedGain: cur === null || cost === null ? null : Number(usd(cur - cost)),
    unrealizedGainDecimal: cur === null || cost === null ? null : usd(cur - cost),
    acquiredAt: n.acquiredAt,
    currency: "USD",
  };
}

/** GET /v1/gaming/nfts */
export async function listNfts(svc: Services, auth: AuthContext, spaceId: string) {
  const { results: [positions] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [positionsRead(svc.env.DB, space)]);
  const rows = positions!.results as unknown as PositionRow[];
  const datas = rows.map((r) => ({ r, d: JSON.parse(r.data) as StoredPlatformData }));
  const nfts = datas.flatMap(({ r, d }) => d.nfts.map((n) => ({ ...nftView(r.platform, n), walletId: r.wallet_id })));
  // Totals of every NFT synced (a row keeps the most valuable STORED_ITEMS_MAX.nfts of a platform's NFTs in its list).
  const listed = (d: StoredPlatformData, f: (n: StoredPlatformData["nfts"][number]) => string | null) => d.nfts.reduce((a, n) => a + (cents(f(n)) ?? 0n), 0n);
  let count = 0;
  let current = 0n;
  let cost = 0n;
  for (const { d } of datas) {
    count += d.nftTotals?.count ?? d.nfts.length;
    current += d.nftTotals ? cents(d.nftTotals.currentValueUsd)! : listed(d, (n) => n.currentValueUsd);
    cost += d.nftTotals ? cents(d.nftTotals.acquisitionCostUsd)! : listed(d, (n) => n.acquisitionCostUsd);
  }
  return {
    nfts,
    totals: {
      count,
      currentValue: money(current).n,
      currentValueDecimal: money(current).d,
      acquisitionCost: money(cost).n,
      acquisitionCostDecimal: money(cost).d,
      currency: "USD",
    },
  };
}

/** GET /v1/gaming/earnings?period=30d */
export async function getEarnings(svc: Services, auth: AuthContext, spaceId: string, period: string) {
  const days = periodDays(period);
  const now = svc.clock.now();
  const { membership: m, results: [read] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [earningsRead(svc.env.DB, space, now, days)]);
  const from = fromDayFor(now, m.space.timezone, days);
  const to = todayIn(now, m.space.timezone);
  const sums = earningsSince(read!, from, to);
  const byPlatform = new Map<string, bigint>();
  const bySource = new Map<string, bigint>();
  let total = 0n;
  const earnings = [...sums]
    .map(([k, v]) => {
      const [platform, source] = k.split("|") as [string, EarningSource];
      byPlatform.set(platform, (byPlatform.get(platform) ?? 0n) + v);
      bySource.set(source, (bySource.get(source) ?? 0n) + v);
      total += v;
      return { platform, source, amountUsd: money(v).n, amountUsdDecimal: money(v).d, color: SOURCE_COLORS[source] };
    })
    .sort((a, b) => a.platform.localeCompare(b.platform) || a.source.localeCompare(b.source));
  const list = (mp: Map<string, bigint>, key: "platform" | "source") =>
    [...mp].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => ({ [key]: k, amountUsd: money(v).n, amountUsdDecimal: money(v).d }));
  return {
    period,
    from,
    to,
    currency: "USD",
    total: money(total).n,
    totalDecimal: money(total).d,
    earnings,
    byPlatform: list(byPlatform, "platform") as { platform: string; amountUsd: number; amountUsdDecimal: string }[],
    bySource: list(bySource, "source") as { source: string; amountUsd: number; amountUsdDecimal: string }[],
  };
}

/** GET /v1/gaming/platforms/{platform}/positions */
export async function platformPositions(svc: Services, auth: AuthContext, platform: string, spaceId: string) {
  const meta = platformOf(platform);
  const db = svc.env.DB;
  const now = svc.clock.now();
  // A platform without a client has nothing stored to read.
  const { membership: m, results: [positions, earnings] } = await readSpace(svc, auth, spaceId, "viewer", (space) =>
    meta?.client ? [positionsRead(db, space, platform), earningsRead(db, space, now, 30)] : [],
  );
  if (!meta) throw notFound("Platform");
  const base = { platform: meta.platform, label: meta.label, chain: meta.chain, token: meta.token, available: meta.client };
  if (!meta.client) return { ...base, summary: null, positions: [] };
  const rows = positions!.results as unknown as PositionRow[];
  const month = earningsSince(earnings!, fromDayFor(now, m.space.timezone, 30), todayIn(now, m.space.timezone));
  const monthly = EARNING_SOURCES.reduce((a, s) => a + (month.get(`${platform}|${s}`) ?? 0n), 0n);
  return {
    ...base,
    summary: rows.length ? platformSummary(platform, rows, monthly, now) : null,
    positions: rows.map((r) => {
      const d = JSON.parse(r.data) as StoredPlatformData;
      return {
        walletId: r.wallet_id,
        walletAddress: r.address,
        totalValueUsd: Number(r.total_value_usd),
        totalValueUsdDecimal: r.total_value_usd,
        lastSyncedAt: iso(r.synced_at),
        stale: now - r.synced_at > GAMING_STALE_AFTER_MS,
        tokens: d.tokens.map((t) => ({ ...t, balance: Number(t.balanceDecimal), valueUsdNumber: t.valueUsd === null ? null : Number(t.valueUsd) })),
        staking: d.staking.map((s) => ({ ...s, apy: Number(s.apyDecimal) })),
        land: d.land,
        nfts: d.nfts.map((n) => nftView(r.platform, n)),
        guilds: d.guilds,
        governance: d.governance,
      };
    }),
  };
}


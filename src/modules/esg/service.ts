/**
 * ESG scores of a space's crypto holdings, the methodology that describes
 * them, and the daily snapshots behind `trends`. See scoring.ts for the exact
 * rules and dataset.ts for the data.
 */
import type { AuthContext, Services } from "../../env";
import { iso } from "../../lib/clock";
import { dateIn } from "../../lib/dates";
import { addDays, parseYmd, ymdString, zonedMidnight } from "../../lib/zoned-time";
import { logError } from "../../lib/log";
import { sendAll } from "../../lib/queues";
import { CURRENCY_SCALES } from "../../lib/money";
import { IN_JSON_LIST, jsonList, type SqlGuard } from "../../lib/sql";
import { memberAtLeastSql, type Reads, readSpaceWith, requireSpaceRole } from "../spaces/access";
import { minorToDecimal, valueMinor } from "../prices/decimal";
import { getPrices, getPricesOn, latestPricesSql, type Price, priceDay, type PriceRow } from "../prices/service";
import { type CryptoHolding, cryptoHoldings, cryptoHoldingsStatement, CRYPTO_SYMBOLS, cryptoSymbolsSql, holdingsFrom, type Row } from "./crypto-holdings";
import { ESG_DATASET, esgAsset, GRID_INTENSITY } from "./dataset";
import {
  CONSENSUS_POINTS, ENERGY_BANDS, GRADE_BANDS, portfolioScore, RENEWABLE_MAX_POINTS, scoreAsset, WEIGHTS, weightOf, type PortfolioScore,
} from "./scoring";

export const scaleOf = (currency: string): number =>
  Object.prototype.hasOwnProperty.call(CURRENCY_SCALES, currency) ? CURRENCY_SCALES[currency as keyof typeof CURRENCY_SCALES] : 2;

interface SpaceInfo {
  id: string;
  currency: string;
  timezone: string;
}

const priceView = (p: Price) => ({ priceDecimal: p.priceDecimal, quote: p.quote, day: p.day, source: p.source, stale: p.stale });

/** The instant a day of the space's zone ends. */
const endOfDay = (day: string, tz: string) => zonedMidnight(addDays(parseYmd(day), 1), tz);

/** The current report's reads, when the caller read them in its batch: the holdings and the price cache's rows for them (getPrices' `cached`). */
interface EsgInputs {
  holdings: CryptoHolding[];
  prices: PriceRow[];
  usdPrices: PriceRow[];
}

/**
 * Computes the space's ESG report (no authorization: callers check it). With
 * `day` (a past day of the space's zone): the holdings at that day's end,
 * valued at that day's prices. `read`: the current report's reads from the
 * caller's batch (`esgReads`); without them it reads them itself.
 */
export async function computeEsg(svc: Services, space: SpaceInfo, day?: string, read?: EsgInputs) {
  const currency = space.currency;
  const cScale = scaleOf(currency);
  const all = read?.holdings ?? (await cryptoHoldings(svc, space.id, day === undefined ? undefined : endOfDay(day, space.timezone)));
  const holdings = all.filter((h) => h.quantityMinor !== 0n);
  const symbols = holdings.map((h) => h.symbol);
  const pricesIn = (quote: string, cached?: PriceRow[]) => (day === undefined ? getPrices(svc, symbols, quote, cached) : getPricesOn(svc, symbols, quote, day));
  const prices = symbols.length ? await pricesIn(currency, read?.prices) : new Map<string, Price>();
  const usd = currency === "USD" || symbols.length === 0 || day !== undefined ? prices : await pricesIn("USD", read?.usdPrices);

  type Scored = { h: (typeof holdings)[number]; value: bigint; usdValue: bigint | null; price: Price; asset: NonNullable<ReturnType<typeof esgAsset>>; score: ReturnType<typeof scoreAsset> };
  const scored: Scored[] = [];
  const unscored: {
    symbol: string; balance: number; balanceDecimal: string; reason: "not-in-dataset" | "no-price" | "negative-balance";
    value: number | null; valueDecimal: string | null; priceStale: boolean | null;
  }[] = [];
  for (const h of holdings) {
    const balanceDecimal = minorToDecimal(h.quantityMinor, h.scale);
    const price = prices.get(h.symbol);
    const value = price ? valueMinor(h.quantityMinor, h.scale, price.priceDecimal, cScale) : null;
    const asset = esgAsset(h.symbol);
    const reason = h.quantityMinor < 0n ? "negative-balance" : !asset ? "not-in-dataset" : !price ? "no-price" : null;
    if (reason || !asset || !price || value === null) {
      unscored.push({
        symbol: h.symbol, balance: Number(balanceDecimal), balanceDecimal, reason: reason ?? "no-price",
        value: value === null ? null : Number(minorToDecimal(value, cScale)), valueDecimal: value === null ? null : minorToDecimal(value, cScale),
        priceStale: price ? price.stale : null,
      });
      continue;
    }
    const up = usd.get(h.symbol);
    scored.push({ h, value, usdValue: up ? valueMinor(h.quantityMinor, h.scale, up.priceDecimal, 2) : null, price, asset, score: scoreAsset(asset) });
  }
  scored.sort((a, b) => (b.value > a.value ? 1 : b.value < a.value ? -1 : a.h.symbol.localeCompare(b.h.symbol)));
  const total = scored.reduce((a, s) => a + (s.value > 0n ? s.value : 0n), 0n);
  const portfolio = portfolioScore(scored.map((s) => ({ value: s.value, score: s.score })));

  const scores = scored.map((s) => {
    const valueDecimal = minorToDecimal(s.value, cScale);
    const balanceDecimal = minorToDecimal(s.h.quantityMinor, s.h.scale);
    const usdDecimal = s.usdValue === null ? null : minorToDecimal(s.usdValue, 2);
    return {
      symbol: s.asset.symbol,
      name: s.asset.name,
      environmental: s.score.environmental,
      social: s.score.social,
      governance: s.score.governance,
      overall: s.score.overall,
      grade: s.score.grade,
      consensus: s.asset.consensus,
      energyIntensity: s.asset.energyPerTransaction.value,
      energyIntensityUnit: s.asset.energyPerTransaction.unit,
      carbonFootprint: s.asset.carbonFootprint.value,
      carbonFootprintUnit: s.asset.carbonFootprint.unit,
      renewableShare: s.asset.renewableShare.value,
      balance: Number(balanceDecimal),
      balanceDecimal,
      value: Number(valueDecimal),
      valueDecimal,
      currency,
      balanceUSD: usdDecimal === null ? null : Number(usdDecimal),
      balanceUSDDecimal: usdDecimal,
      ...weightOf(s.value > 0n ? s.value : 0n, total),
      price: priceView(s.price),
      priceStale: s.price.stale,
      accountIds: s.h.accountIds,
    };
  });

  // Impact metrics from the same data, weighted by value among scored holdings.
  const positive = scored.filter((s) => s.value > 0n);
  const pct = (part: bigint) => (total === 0n ? 0 : Number((part * 10_000n) / total) / 100);
  const knownCarbon = positive.filter((s) => s.asset.carbonFootprint.value !== null);
  const knownCarbonValue = knownCarbon.reduce((a, s) => a + s.value, 0n);
  const knownRenew = positive.filter((s) => s.asset.renewableShare.value !== null);
  const knownRenewValue = knownRenew.reduce((a, s) => a + s.value, 0n);
  const weightedMean = (items: Scored[], base: bigint, f: (s: Scored) => number) =>
    base === 0n ? null : items.reduce((a, s) => a + (Number(s.value) / Number(base)) * f(s), 0);
  const carbon = weightedMean(knownCarbon, knownCarbonValue, (s) => s.asset.carbonFootprint.value!);
  const renew = weightedMean(knownRenew, knownRenewValue, (s) => s.asset.renewableShare.value!);
  const lowCarbon = positive.filter((s) => s.asset.consensusClass === "proof-of-stake-family").reduce((a, s) => a + s.value, 0n);

  return {
    spaceId: space.id,
    currency,
    datasetVersion: ESG_DATASET.version,
    asOf: iso(svc.clock.now()),
    portfolioScore: portfolio,
    scoredValue: Number(minorToDecimal(total, cScale)),
    scoredValueDecimal: minorToDecimal(total, cScale),
    scores,
    unscored,
    stalePrices: [...new Set([...scored.filter((s) => s.price.stale).map((s) => s.h.symbol), ...unscored.filter((u) => u.priceStale).map((u) => u.symbol)])].sort(),
    impactMetrics: {
      totalCarbonFootprint: carbon === null ? null : Number(carbon.toFixed(4)),
      totalCarbonFootprintUnit: "kgCO2e per transaction, weighted by holding value",
      carbonCoveragePercent: pct(knownCarbonValue),
      renewableEnergyScore: renew === null ? null : Math.round(renew),
      renewableCoveragePercent: pct(knownRenewValue),
      lowCarbonAllocation: Math.round(pct(lowCarbon)),
    },
    _scoredTotalMinor: total,
  };
}

interface TrendRow {
  day: string;
  environmental: number;
  social: number;
  governance: number;
  overall: number;
  grade: string;
  dataset_version: string;
}

/** The space's latest `limit` snapshots: `space` names the space (a guarded value, for a role check's batch). */
const trendsStatement = (db: D1Database, space: SqlGuard, limit = 365) =>
  db.prepare(`SELECT day, environmental, social, governance, overall, grade, dataset_version FROM esg_snapshots WHERE space_id = ${space.sql} ORDER BY day DESC LIMIT ?`)
    .bind(...space.params, limit);

const trendsFrom = (rows: TrendRow[]) =>
  [...rows].reverse().map((r) => ({
    date: r.day, environmental: r.environmental, social: r.social, governance: r.governance, overall: r.overall, grade: r.grade, datasetVersion: r.dataset_version,
  }));

async function trendsOf(svc: Services, spaceId: string) {
  return trendsFrom((await trendsStatement(svc.env.DB, { sql: "?", params: [spaceId] }).all<TrendRow>()).results);
}

/**
 * GET /v1/esg/scores' reads of the space `space` names, for the role check's batch: the current
 * holdings, the price cache's latest rows today in the space's currency and in USD of its crypto
 * accounts' currencies (worked out in SQL; a superset of the holdings' symbols, which getPrices
 * ignores), and the trends.
 */
function esgReads(db: D1Database, space: SqlGuard, nowMs: number): Reads<EsgInputs & { trends: ReturnType<typeof trendsFrom> }> {
  const symbols = cryptoSymbolsSql(space);
  const day = priceDay(nowMs);
  return {
    statements: [
      cryptoHoldingsStatement(db, space),
      db.prepare(latestPricesSql(`(SELECT currency FROM spaces WHERE id = ${space.sql})`, symbols.sql)).bind(...space.params, ...symbols.params, day),
      db.prepare(latestPricesSql("'USD'", symbols.sql)).bind(...symbols.params, day),
      trendsStatement(db, space),
    ],
    read: ([holdings, prices, usdPrices, trends]) => ({
      holdings: holdingsFrom(holdings!.results as unknown as Row[]),
      prices: prices!.results as unknown as PriceRow[],
      usdPrices: usdPrices!.results as unknown as PriceRow[],
      trends: trendsFrom(trends!.results as unknown as TrendRow[]),
    }),
  };
}

/** GET /v1/esg/scores: the session, the role, the holdings, their cached prices and the trends in one round trip (a price the cache lacks today is fetched, and cached). */
export async function getEsgScores(svc: Services, auth: AuthContext, spaceId: string) {
  const { membership: m, data } = await readSpaceWith(svc, auth, spaceId, "viewer", (g) => esgReads(svc.env.DB, g, svc.clock.now()));
  const { trends, ...read } = data!;
  const { _scoredTotalMinor, ...report } = await computeEsg(svc, { id: spaceId, currency: m.space.currency, timezone: m.space.timezone }, undefined, read);
  void _scoredTotalMinor;
  return { ...report, trends };
}

/**
 * Stores a snapshot of a live space: one its deletion overtook stores nothing. A member's (`by`) only while they may
 * still write in it; refused, the member's access is checked again and answers as a request made after the change.
 * True when a row was written (false: a day already taken, with `replace` false).
 */
async function storeSnapshot(svc: Services, space: SpaceInfo, day: string, report: Awaited<ReturnType<typeof computeEsg>>, replace: boolean, by?: AuthContext): Promise<boolean> {
  const p = report.portfolioScore!;
  const stored = await svc.env.DB.prepare(
    `INSERT INTO esg_snapshots (space_id, day, environmental, social, governance, overall, grade, scored_value, currency, dataset_version, created_at)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11
      WHERE ${by ? memberAtLeastSql("?1", "?12", "member") : "EXISTS (SELECT 1 FROM spaces WHERE id = ?1 AND deleted_at IS NULL)"}
     ON CONFLICT (space_id, day) DO ${replace ? `UPDATE SET environmental = excluded.environmental, social = excluded.social, governance = excluded.governance,
       overall = excluded.overall, grade = excluded.grade, scored_value = excluded.scored_value, currency = excluded.currency,
       dataset_version = excluded.dataset_version, created_at = excluded.created_at` : "NOTHING"}`,
  )
    .bind(space.id, day, p.environmental, p.social, p.governance, p.overall, p.grade, report._scoredTotalMinor.toString(), space.currency, ESG_DATASET.version, svc.clock.now(), ...(by ? [by.userId] : []))
    .run();
  if (stored.meta.changes) return true;
  if (by) await requireSpaceRole(svc, by, space.id, "member");
  return false;
}

/** Stores today's (in the space's zone) portfolio score; replaces a snapshot taken earlier the same day. */
export async function snapshotSpace(svc: Services, space: SpaceInfo, atMs: number, by?: AuthContext): Promise<PortfolioScore | null> {
  const report = await computeEsg(svc, space);
  if (!report.portfolioScore) return null;
  // Null too for a space deleted meanwhile (the cron's): nothing was stored.
  return (await storeSnapshot(svc, space, dateIn(atMs, space.timezone), report, true, by)) ? report.portfolioScore : null;
}

export const MAX_BACKFILL_DAYS = 30;

/**
 * POST /v1/esg/snapshots: takes today's snapshot now and fills the missing
 * days of the last `backfillDays` from the ledger's balances at each day's end
 * and that day's market prices (the price API's history). Existing past
 * snapshots are kept as they were taken.
 */
export async function takeSnapshots(svc: Services, auth: AuthContext, input: { spaceId: string; backfillDays?: number }) {
  const m = await requireSpaceRole(svc, auth, input.spaceId, "member");
  const space = { id: input.spaceId, currency: m.space.currency, timezone: m.space.timezone };
  const now = svc.clock.now();
  const today = dateIn(now, space.timezone);
  const created: string[] = [];
  if (await snapshotSpace(svc, space, now, auth)) created.push(today);
  // A space without crypto accounts has no history to fill: one look instead of a look per day.
  const anyCrypto = await svc.env.DB.prepare(`SELECT 1 FROM accounts WHERE space_id = ? AND is_active = 1 AND (type = 'crypto' OR currency ${IN_JSON_LIST}) LIMIT 1`)
    .bind(space.id, jsonList(CRYPTO_SYMBOLS))
    .first();
  const days = anyCrypto ? Math.min(input.backfillDays ?? MAX_BACKFILL_DAYS, MAX_BACKFILL_DAYS) : 0;
  const existing = new Set(
    (await svc.env.DB.prepare("SELECT day FROM esg_snapshots WHERE space_id = ? AND day < ?").bind(space.id, today).all<{ day: string }>()).results.map((r) => r.day),
  );
  for (let i = days; i >= 1; i--) {
    const day = ymdString(addDays(parseYmd(today), -i));
    if (existing.has(day)) continue;
    const report = await computeEsg(svc, space, day);
    if (!report.portfolioScore) continue;
    if (await storeSnapshot(svc, space, day, report, false, auth)) created.push(day);
  }
  return { spaceId: space.id, created: created.sort(), trends: await trendsOf(svc, space.id) };
}

/** Daily cron: snapshots every live space that holds crypto. */
export const ESG_SNAPSHOT = "esg.snapshot";

/**
 * The daily cron's part: a queue message per space holding crypto; the queue's consumer takes each space's snapshot
 * (`snapshotQueuedSpace`). One invocation walking every such space would hit a Worker's limits as spaces grow.
 */
export async function snapshotEsgScores(svc: Services, scheduledTime: number): Promise<number> {
  const PAGE = 1000;
  let after = "";
  let sent = 0;
  for (;;) {
    const { results } = await svc.env.DB.prepare(
      `SELECT DISTINCT s.id FROM accounts a JOIN spaces s ON s.id = a.space_id
        WHERE s.id > ? AND s.deleted_at IS NULL AND a.is_active = 1 AND (a.type = 'crypto' OR a.currency ${IN_JSON_LIST})
        ORDER BY s.id LIMIT ${PAGE}`,
    )
      .bind(after, jsonList(CRYPTO_SYMBOLS))
      .all<{ id: string }>();
    await sendAll(svc.env.BACKGROUND_QUEUE, results.map((r) => ({ type: ESG_SNAPSHOT, spaceId: r.id, at: scheduledTime })));
    sent += results.length;
    if (results.length < PAGE) return sent;
    after = results[results.length - 1]!.id;
  }
}

/**
 * The queue's handler: the space's snapshot as of its delivery, if the space still exists (a failure is logged, not
 * retried). It is filed under the space's day at delivery, the day its holdings and prices are of, not the run's: a run
 * at 04:00 UTC is 23:00 in Bogota, and its message delivered an hour and a half on (00:30 there) would have filed the
 * next day's holdings under the run's day, over what was taken on it. (That day's own run replaces it later the same
 * day there, as a second snapshot of a day does.) A message delivered a day or more after its run is passed over, and
 * a run time still to come is no run's.
 */
export async function snapshotQueuedSpace(svc: Services, spaceId: string, at: number): Promise<boolean> {
  const now = svc.clock.now();
  if (!Number.isFinite(at) || at > now || now - at >= 86_400_000) return false;
  const space = await svc.env.DB.prepare("SELECT id, currency, timezone FROM spaces WHERE id = ? AND deleted_at IS NULL").bind(spaceId).first<SpaceInfo>();
  if (!space) return false;
  try {
    return (await snapshotSpace(svc, space, now)) !== null;
  } catch (err) {
    logError(undefined, "esg.snapshot_failed", err, { spaceId });
    return false;
  }
}

function publishedScores(a: (typeof ESG_DATASET.assets)[number]) {
  const s = scoreAsset(a);
  return {
    scores: { environmental: s.environmental, social: s.social, governance: s.governance, overall: s.overall, grade: s.grade },
    environmentalComponents: s.components,
  };
}

/** GET /v1/esg/methodology: exactly what scoring.ts computes, and the data set it reads. */
export function methodology() {
  return {
    version: ESG_DATASET.version,
    framework: "Dhanam ESG Framework",
    dataset: {
      version: ESG_DATASET.version,
      compiledOn: ESG_DATASET.compiledOn,
      description: ESG_DATASET.description,
      assetCount: ESG_DATASET.assets.length,
      caveats: [...ESG_DATASET.caveats],
      assets: ESG_DATASET.assets.map((a) => ({
        symbol: a.symbol,
        name: a.name,
        consensus: a.consensus,
        consensusClass: a.consensusClass,
        hostChain: a.hostChain,
        energyPerTransaction: a.energyPerTransaction,
        carbonFootprint: a.carbonFootprint,
        renewableShare: a.renewableShare,
        socialFactors: { financialInclusion: a.social[0], communityGovernance: a.social[1], developerActivity: a.social[2], educationalResources: a.social[3] },
        governanceFactors: { protocolGovernance: a.governance[0], transparency: a.governance[1], regulatoryCompliance: a.governance[2], riskManagement: a.governance[3] },
        ...publishedScores(a),
      })),
    },
    components: {
      environmental: {
        weight: WEIGHTS.environmental,
        factors: ["Consensus mechanism efficiency", "Energy consumption per transaction", "Renewable energy usage", "Carbon footprint (derived from energy, reported, not scored twice)"],
        computation: {
          consensusPoints: CONSENSUS_POINTS,
          energyPointsByWhPerTransaction: [...ENERGY_BANDS.map(([below, points]) => ({ below, points })), { below: null, points: 0 }],
          unknownEnergyPoints: 0,
          renewablePoints: `share % × ${RENEWABLE_MAX_POINTS} / 100, rounded half up; unknown share: 0`,
          score: "consensus points + energy points + renewable points (0–100)",
        },
        carbonFootprint: `energy per transaction (Wh/tx) × ${GRID_INTENSITY.gramsPerKwh} gCO2e/kWh; source: ${GRID_INTENSITY.source}`,
      },
      social: {
        weight: WEIGHTS.social,
        factors: ["Financial inclusion", "Community governance", "Developer activity", "Educational resources"],
        computation: "sum of the four factor scores of the data set (0–25 each)",
      },
      governance: {
        weight: WEIGHTS.governance,
        factors: ["Protocol governance", "Transparency", "Regulatory compliance", "Risk management"],
        computation: "sum of the four factor scores of the data set (0–25 each)",
      },
    },
    overall: "asset: 0.4 × environmental + 0.3 × social + 0.3 × governance, rounded half up",
    portfolio: {
      weighting: "market value of each holding: quantity × price in the space's currency (market prices cached per day; a price more than a day old is flagged stale)",
      components: "value-weighted mean of the holdings' component scores, rounded half up once",
      overall: "value-weighted mean of the holdings' unrounded overall scores, rounded half up once",
      holdings: "active ledger accounts whose currency is a crypto asset; balances of the same asset are added",
      unscored: "assets not in the data set, without a price, or with a negative balance are listed under `unscored` and excluded from every score and weight",
      trends: "a daily cron (04:00 UTC) stores each space's portfolio score for the day in the space's time zone",
    },
    impactMetrics: {
      totalCarbonFootprint: "value-weighted mean carbon footprint per transaction (kgCO2e/tx) of scored holdings whose footprint is known; coverage reported",
      renewableEnergyScore: "value-weighted mean renewable share (%) of scored holdings whose share is known; coverage reported",
      lowCarbonAllocation: "percent of scored value in proof-of-stake-family assets",
    },
    grading: Object.fromEntries(GRADE_BANDS.map(([g, lo, hi]) => [g, `${lo}-${hi}`])),
  };
}

/**
 * The 60-day cash-flow forecast of a space.
 *
 * - Recurring series (detected, not dismissed, still active; edited amounts
 *   and cadences as the user set them) give dated occurrences.
 * - The rest (cash flows not in a series) is a seasonal estimate per account
 *   and direction: half the daily average of the last 90 days, half what the
 *   same week did last year (when the ledger goes back that far), else the
 *   90-day average alone.
 * - Weeks start tomorrow (local); the ninth is the four days left of the 60.
 *   Confidence mixes the series' confidence with 0.6 (0.5 without last year)
 *   for the estimate, and decays 2% a week.
 * - Future amounts convert to the space's currency at today's rate (or the
 *   nearest earlier day's), exactly, rounded once per figure.
 * - Entries already in the ledger for a day in the horizon (dated ahead) are
 *   known: their cash flows count in their weeks, a recurring occurrence one
 *   of them stands for (its series' merchant, within half a period) is not
 *   predicted again, and every account entry moves its projected balance.
 * - An occurrence due and not posted yet is still expected within its
 *   series' grace (GRACE_DAYS, recurring.ts), on the horizon's first day.
 * - Projected balances per account (in its own currency) start from the
 *   ledger's balance now; the first day an account that may not go negative
 *   would, is a risk factor.
 *
 * All but the balances (the plan: detection, the estimate, conversions) is cached per space in D1
 * (forecast_cache) with the ledger sequence and the space's forecast epoch (forecast-epoch.ts) it was
 * computed from: served while it is the same local day, the epoch is the space's, and fewer than
 * `LARGE_CHANGE` ledger transactions (none dated ahead, none a revert) have been committed since;
 * recomputed otherwise on the next read, and nightly by cron. Every read projects the plan from the
 * balances now (a row per account and asset), and a cash flow committed since the plan stands for the
 * occurrence it pays (`project`): served from cache, the forecast never starts from an older balance.
 */
import type { AuthContext, Services } from "../../env";
import { parseExactJson } from "../../lib/exact-json";
import { exactSumSql, readExactSum, type SqlGuard } from "../../lib/sql";
import { frac, type Frac } from "../rates/exact";
import { dateOfDay, localDayOf, startOfDay } from "./days";
import type { SpaceInfo } from "./net-worth";
import { forecastEpochSql } from "./forecast-epoch";
import { type Reads, readSpaceWith } from "../spaces/access";
import { BALANCE_FLOW_FILTER, type TxnRow } from "./recurring";
import { LARGE_CHANGE, type ForecastData, balanceInstant, forecastReads, type Plan, PLAN_FORMAT, computePlan } from "./forecast-plan";
import { project } from "./forecast-projection";
import type { Locale } from "../../lib/i18n";
import { logError } from "../../lib/log";

/** The plan as the cache keeps it: JSON, each exact fraction as "n/d". */
const planText = (plan: Plan) =>
  JSON.stringify(plan, (_k, v: unknown) => (v !== null && typeof v === "object" && typeof (v as Frac).n === "bigint" ? `${(v as Frac).n}/${(v as Frac).d}` : v));

const fracOf = (text: string): Frac => {
  const slash = text.indexOf("/");
  return frac(BigInt(text.slice(0, slash)), BigInt(text.slice(slash + 1)));
};

/** The plan a cache row keeps, or null for a row of another layout. */
function planOf(payload: string): Plan | null {
  const p = parseExactJson(payload) as Plan | null;
  if (p === null || typeof p !== "object" || p.format !== PLAN_FORMAT) return null;
  const f = (x: unknown) => fracOf(x as string);
  return {
    ...p,
    buckets: p.buckets.map((b) => ({ ...b, income: f(b.income), expenses: f(b.expenses) })),
    known: p.known.map((k) => ({ ...k, inSpace: f(k.inSpace) })),
    occurrences: p.occurrences.map((o) => ({ ...o, inSpace: f(o.inSpace) })),
    estimates: p.estimates.map((e) => ({ ...e, perDay: f(e.perDay) })),
  };
}

/**
 * The state of the space the cache is keyed by: its ledger's, and its forecast epoch (forecast-epoch.ts). The
 * cron keys by the epoch it read with the space's currency and zone, not by the one `ledgerState` reads.
 */
interface LedgerState {
  seq: number;
  count: number;
  epoch: number;
}

interface CacheRow {
  ledger_seq: number;
  as_of_date: string;
  payload: string;
  computed_at: number;
  valid_until: number;
  epoch: number | null;
}

/** The ledger's state and the forecast epoch of the space `space` names (a guarded value, for a role check's batch). */
const stateStatement = (db: D1Database, space: SqlGuard) =>
  db.prepare(
    `SELECT (SELECT MAX(seq) FROM ledger_transactions WHERE space_id = ${space.sql}) AS seq, (SELECT transaction_count FROM spaces WHERE id = ${space.sql}) AS count,
            ${forecastEpochSql(space.sql)} AS epoch`,
  ).bind(...space.params, ...space.params, ...space.params);

const stateFrom = (result: D1Result): LedgerState => {
  const s = result.results[0] as { seq: number | null; count: number | null; epoch: number | null } | undefined;
  return { seq: s?.seq ?? 0, count: s?.count ?? 0, epoch: s?.epoch ?? 0 };
};

/**
 * The balances of the space's accounts at `nowMs` (their entries before balanceInstant), without summing their
 * history: each account's balance as the ledger keeps it (its volumes: every entry, as GET /v1/accounts/{id}
 * shows it) less its entries dated from then on (an index seek per account and asset). A row per account and
 * asset, however long the history, so it is read on every forecast, a cached one too.
 */
const balancesStatement = (db: D1Database, space: SqlGuard, nowMs: number) =>
  db.prepare(
    `SELECT v.address, v.asset, CAST(v.input - v.output AS TEXT) AS held,
            (SELECT ${exactSumSql("e.amount")} FROM ledger_entries e
              WHERE e.space_id = v.space_id AND e.address = v.address AND e.asset = v.asset AND e.timestamp >= ?) AS ahead
       FROM ledger_volumes v WHERE v.space_id = ${space.sql} AND v.address >= 'accounts:' AND v.address < 'accounts;'`,
  ).bind(balanceInstant(nowMs), ...space.params);

/** `balancesStatement`'s balances by account|asset. */
const balancesFrom = (result: D1Result): Map<string, bigint> =>
  new Map(
    (result.results as { address: string; asset: string; held: string; ahead: string | null }[]).map((r) => [
      `${r.address.slice("accounts:".length)}|${r.asset}`,
      BigInt(r.held) - readExactSum(r.ahead),
    ]),
  );

/**
 * The cash flows of the ledger transactions committed since the cached plan of the space `space` names (the
 * next LARGE_CHANGE − 1 at most: past those the cache is stale), for `project` to match to the plan's
 * occurrences. An index seek; nothing when there is no cache.
 */
const postedSinceStatement = (db: D1Database, space: SqlGuard) =>
  db.prepare(
    `SELECT t.id, t.account_id, t.amount, t.currency, t.date, t.merchant_name, t.normalized_merchant, t.description, t.category_id
       FROM forecast_cache c JOIN transactions t ON t.space_id = c.space_id AND t.ledger_seq > c.ledger_seq AND t.ledger_seq < c.ledger_seq + ?
      WHERE c.space_id = ${space.sql} AND ${BALANCE_FLOW_FILTER}
      ORDER BY t.date, t.id`,
  ).bind(LARGE_CHANGE, ...space.params);

interface CacheLook {
  state: LedgerState;
  cached: CacheRow | null;
  superseded: boolean;
  /** The balances now (`balancesStatement`). */
  balances: Map<string, bigint>;
  /** The cash flows posted since the cached plan. */
  posted: TxnRow[];
}

/** The ledger's state, the cached plan, the balances now and what was posted since the plan, of the space `space` names, for the role check's batch. */
function cacheReads(db: D1Database, space: SqlGuard, nowMs: number): Reads<CacheLook> {
  return {
    statements: [
      stateStatement(db, space),
      db.prepare(`SELECT ledger_seq, as_of_date, payload, computed_at, valid_until, epoch FROM forecast_cache WHERE space_id = ${space.sql}`).bind(...space.params),
      db.prepare(`SELECT EXISTS (SELECT 1 FROM forecast_cache c WHERE c.space_id = ${space.sql} AND ${SUPERSEDED_SINCE}) AS superseded`).bind(...space.params, LARGE_CHANGE, nowMs),
      balancesStatement(db, space, nowMs),
      postedSinceStatement(db, space),
    ],
    read: ([state, cached, superseded, balances, posted]) => ({
      state: stateFrom(state!),
      cached: (cached!.results[0] as CacheRow | undefined) ?? null,
      superseded: (superseded!.results[0] as { superseded: number } | undefined)?.superseded === 1,
      balances: balancesFrom(balances!),
      posted: posted!.results as unknown as TxnRow[],
    }),
  };
}

/**
 * A ledger transaction committed since cache row `c` was computed (among the next LARGE_CHANGE: past those the
 * cache is stale anyway) that the cached forecast cannot stand for as a change not seen yet (binds LARGE_CHANGE,
 * now), so it is not served however few the changes:
 * - one dated after now: the cached forecast did not place it in the horizon;
 * - a revert (a void), whatever its date: the cached forecast counts the reverted entry, money the ledger now
 *   says never moved (a balance and an estimate off by its amount), where a new entry is only one more change.
 */
const SUPERSEDED_SINCE = `EXISTS (SELECT 1 FROM ledger_transactions t
  WHERE t.space_id = c.space_id AND t.seq > c.ledger_seq AND t.seq <= c.ledger_seq + ?
    AND (t.timestamp > ? OR t.reverts_seq IS NOT NULL))`;

/** Current state of the space's ledger for the cache key, read on its own. */
async function ledgerState(svc: Services, spaceId: string): Promise<LedgerState> {
  return stateFrom(await stateStatement(svc.env.DB, { sql: "?", params: [spaceId] }).all());
}

/**
 * How long a forecast that left an amount unconverted (no rate or price for it) is served. Rates and prices
 * arrive later without touching the space (the hourly backfills, the daily rates), so no epoch is bumped for
 * them: such a forecast is computed again within the hour rather than kept, unconverted, until the next day.
 */
const INCOMPLETE_VALID_MS = 3_600_000;

/**
 * Computes the forecast's plan of `space` and caches it under `key`: the space's state, whose epoch was read with
 * `space` (its currency and zone) and with or before the forecast's data (`data`, or read now), so that a
 * change between them can only make the cache look older than it is, never newer.
 */
export async function storeForecast(svc: Services, space: SpaceInfo, nowMs: number, key: LedgerState, data?: ForecastData) {
  const plan = await computePlan(svc, space, nowMs, data);
  const nextDay = startOfDay(localDayOf(nowMs, space.timezone) + 1, space.timezone);
  const validUntil = plan.tail.conversion.complete ? nextDay : Math.min(nextDay, nowMs + INCOMPLETE_VALID_MS);
  await svc.env.DB.prepare(
    `INSERT INTO forecast_cache (space_id, ledger_seq, transaction_count, as_of_date, payload, computed_at, valid_until, epoch)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(space_id) DO UPDATE SET ledger_seq = excluded.ledger_seq, transaction_count = excluded.transaction_count,
       as_of_date = excluded.as_of_date, payload = excluded.payload, computed_at = excluded.computed_at, valid_until = excluded.valid_until,
       epoch = excluded.epoch`,
  )
    .bind(space.id, key.seq, key.count, plan.head.asOfDate, planText(plan), nowMs, validUntil, key.epoch)
    .run();
  return plan;
}

/**
 * `space`, or NULL while the space's cached forecast may still be fresh: a cache row of the space's current
 * forecast epoch, whose space's next day had not begun by `nowMs`, with fewer than LARGE_CHANGE ledger
 * transactions since. Reads that name the space through it run only when the cache is stale for certain (no
 * cache, one of an older epoch, of an earlier day, or with too many changes since). `isFresh` still decides.
 */
function whenStale(space: SqlGuard, nowMs: number): SqlGuard {
  const seq = `(SELECT COALESCE(MAX(seq), 0) FROM ledger_transactions WHERE space_id = ${space.sql})`;
  return {
    sql: `(SELECT ${space.sql} WHERE NOT EXISTS (SELECT 1 FROM forecast_cache c
             WHERE c.space_id = ${space.sql} AND c.valid_until > ? AND c.epoch = ${forecastEpochSql("c.space_id")}
               AND ${seq} - c.ledger_seq BETWEEN 0 AND ? AND NOT ${SUPERSEDED_SINCE}))`,
    params: [...space.params, ...space.params, nowMs, ...space.params, LARGE_CHANGE - 1, LARGE_CHANGE, nowMs],
  };
}

/**
 * The role check's batch of the forecast at `nowMs`: the ledger's state and the cache, and the
 * forecast's reads when the cache is stale for certain (`data`; null when they were not read).
 */
function forecastLook(db: D1Database, space: SqlGuard, nowMs: number): Reads<CacheLook & { data: ForecastData | null }> {
  const cache = cacheReads(db, space, nowMs);
  const stale = whenStale(space, nowMs);
  const compute = forecastReads(db, stale, nowMs);
  const n = cache.statements.length;
  return {
    statements: [...cache.statements, db.prepare(`SELECT ${stale.sql} AS id`).bind(...stale.params), ...compute.statements],
    read: (results) => {
      const read = (results[n]!.results[0] as { id: string | null } | undefined)?.id != null;
      return { ...cache.read(results.slice(0, n)), data: read ? compute.read(results.slice(n + 1)) : null };
    },
  };
}

/**
 * True when the cached plan may be served: still valid (an unconverted one for an hour), of the space's current forecast epoch, the same local day,
 * fewer than LARGE_CHANGE ledger transactions since, and none of them superseding it (SUPERSEDED_SINCE).
 */
const isFresh = (cached: CacheRow | null, state: LedgerState, today: string, superseded: boolean, nowMs: number): cached is CacheRow =>
  !!cached && !superseded && cached.valid_until > nowMs && cached.epoch === state.epoch && cached.as_of_date === today && state.seq >= cached.ledger_seq && state.seq - cached.ledger_seq < LARGE_CHANGE;

/**
 * GET /v1/analytics/forecast: the plan from cache when fresh, else computed now (and cached), projected from
 * the balances now: a change since the plan (fewer than LARGE_CHANGE, none dated ahead nor a revert) is in
 * them, and a payment it posted stands for the occurrence it pays. The session, the caller's role, the ledger's
 * state, the cache, the balances and what was posted since are one round trip, with the forecast's reads when the
 * cache is stale for certain; then a stale cache costs the cache's write (a write of what was computed, so
 * after it). The forecast's reads (with the balances) are read on their own only should `isFresh` and
 * `whenStale` disagree (they judge the same things; `whenStale` in SQL), or the cached row be of another layout.
 */
export async function getForecast(svc: Services, auth: AuthContext, spaceId: string, locale: Locale = "en") {
  const now = svc.clock.now();
  const db = svc.env.DB;
  const { membership, data: look } = await readSpaceWith(svc, auth, spaceId, "viewer", (g) => forecastLook(db, g, now));
  const space: SpaceInfo = { id: membership.space.id, currency: membership.space.currency, timezone: membership.space.timezone };
  const { state, cached, superseded, balances, posted, data } = look!;
  const today = dateOfDay(localDayOf(now, space.timezone));
  const plan = isFresh(cached, state, today, superseded, now) ? planOf(cached.payload) : null;
  if (plan) {
    const cache = { hit: true, computedAt: new Date(cached!.computed_at).toISOString(), ledgerSeq: cached!.ledger_seq, changesSince: state.seq - cached!.ledger_seq };
    return { ...project(plan, balances, posted, now, space.timezone, locale), cache };
  }
  const cache = { hit: false, computedAt: new Date(now).toISOString(), ledgerSeq: state.seq, changesSince: 0 };
  if (data) return { ...project(await storeForecast(svc, space, now, state, data), balances, [], now, space.timezone, locale), cache };
  const own = { sql: "?", params: [space.id] };
  const reads = forecastReads(db, own, now);
  const [read, ...results] = await db.batch([balancesStatement(db, own, now), ...reads.statements]);
  return { ...project(await storeForecast(svc, space, now, state, reads.read(results)), balancesFrom(read!), [], now, space.timezone, locale), cache };
}

/** Cron (03:00 UTC): recompute the forecasts of spaces with transactions, oldest cache first. */
export async function refreshForecasts(svc: Services, scheduledTime: number, limit = 200): Promise<number> {
  // Each space's epoch is read with its currency and zone: one bumped after this read makes the cache stale.
  const res = await svc.env.DB.prepare(
    `SELECT s.id, s.currency, s.timezone, ${forecastEpochSql("s.id")} AS epoch FROM spaces s LEFT JOIN forecast_cache f ON f.space_id = s.id
      WHERE s.deleted_at IS NULL AND s.transaction_count > 0 ORDER BY COALESCE(f.computed_at, 0) LIMIT ?`,
  )
    .bind(limit)
    .all<SpaceInfo & { epoch: number }>();
  let done = 0;
  for (const { epoch, ...space } of res.results) {
    // One space's failure is logged and the run goes on: thrown, it ended the run there, and as that space's cache
    // stayed the stalest, every later night's run began with it and ended there too (no other space refreshed).
    try {
      await storeForecast(svc, space, scheduledTime, { ...(await ledgerState(svc, space.id)), epoch });
      done++;
    } catch (err) {
      logError(undefined, "forecast.refresh_failed", err, { spaceId: space.id });
      await putBackInLine(svc, space.id, scheduledTime).catch((e: unknown) => logError(undefined, "forecast.refresh_failed", e, { spaceId: space.id }));
    }
  }
  return done;
}

/**
 * A space whose refresh failed goes to the back of the line (its cache row's `computed_at` is the run's time), its
 * cache left stale (`valid_until` 0: the next read computes it): else it stayed the stalest, and a few spaces that
 * always fail would take the run's first places every night, before any other.
 */
async function putBackInLine(svc: Services, spaceId: string, runMs: number): Promise<void> {
  await svc.env.DB.prepare(
    `INSERT INTO forecast_cache (space_id, ledger_seq, transaction_count, as_of_date, payload, computed_at, valid_until, epoch)
     VALUES (?, 0, 0, '', '', ?, 0, NULL)
     ON CONFLICT(space_id) DO UPDATE SET computed_at = excluded.computed_at, valid_until = 0`,
  )
    .bind(spaceId, runMs)
    .run();
}

/** The nightly cron task. */
export async function forecastCronTask(svc: Services, scheduledTime: number): Promise<void> {
  await refreshForecasts(svc, scheduledTime);
}

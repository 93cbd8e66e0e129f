/**
 * Recurring series with the users' decisions applied: confirmed ones are
 * marked, edited ones show the user's name, amount and cadence, dismissed
 * ones are left out (and stay out: decisions are stored by the series' stable
 * id, which the next detection computes again).
 */
import type { AuthContext, Services } from "../../env";
import { notFound, validationFailed } from "../../lib/errors";
import { type Currency, CURRENCY_SCALES, formatMinor, moneyFields } from "../../lib/money";
import { parseAmountField } from "../transactions/postings";
import { dateOfDay } from "./days";
import { bumpForecastEpoch } from "./forecast-epoch";
import type { SpaceInfo } from "./net-worth";
import { scaleOf } from "../rates/convert";
import { anchorsFrom, type Cadence, CASHFLOW_FILTER, cashflowsStatement, type DetectedSeries, detectSeries, expectedSince, isActive, LOOKBACK_DAYS, loadCashflows, nextAfter, type TxnRow } from "./recurring";
import type { SqlGuard } from "../../lib/sql";
import { batchAsMember, type Reads } from "../spaces/access";
import { localDayOf } from "./days";

export interface Decision {
  series_key: string;
  status: "confirmed" | "dismissed" | "edited";
  name: string | null;
  amount: number | null;
  cadence: Cadence | null;
  updated_at: number;
}

export interface Series extends DetectedSeries {
  status: "detected" | "confirmed" | "edited" | "dismissed";
}

const decisionsStatement = (db: D1Database, space: SqlGuard) =>
  db.prepare(`SELECT series_key, status, name, amount, cadence, updated_at FROM recurring_decisions WHERE space_id = ${space.sql}`).bind(...space.params);

const decisionsFrom = (rows: Decision[]) => new Map(rows.map((d) => [d.series_key, d]));

async function decisionsOf(svc: Services, spaceId: string): Promise<Map<string, Decision>> {
  return decisionsFrom((await decisionsStatement(svc.env.DB, { sql: "?", params: [spaceId] }).all<Decision>()).results);
}

/** The detection window's first and last (exclusive) instants at `nowMs`. */
const windowAt = (nowMs: number) => [nowMs - LOOKBACK_DAYS * 86_400_000, nowMs + 86_400_000] as const;

export interface RecurringData {
  rows: TxnRow[];
  decisions: Map<string, Decision>;
}

/** seriesOf's reads at `nowMs`, for the role check's batch. */
export function recurringReads(db: D1Database, space: SqlGuard, nowMs: number): Reads<RecurringData> {
  return {
    statements: [cashflowsStatement(db, space, ...windowAt(nowMs)), decisionsStatement(db, space)],
    read: ([rows, decisions]) => ({ rows: rows!.results as unknown as TxnRow[], decisions: decisionsFrom(decisions!.results as unknown as Decision[]) }),
  };
}

/**
 * The decision on series `s`: its own, else one stored under its id of before series were per account (when one
 * series stood for a merchant across accounts: what the person decided on it holds for each account's).
 */
const decisionOn = (decisions: Map<string, Decision>, s: DetectedSeries) => decisions.get(s.id) ?? decisions.get(s.legacyId);

/**
 * Detection over the lookback, with decisions applied (dismissed included, marked, for callers that filter).
 * `loaded`: the cash flows of exactly this window, when the caller has read them already; `data`: all of
 * `recurringReads(nowMs)`.
 */
export async function seriesOf(svc: Services, space: SpaceInfo, nowMs: number, loaded?: TxnRow[], data?: RecurringData | null): Promise<Series[]> {
  const [rows, decisions] = await Promise.all([
    data?.rows ?? loaded ?? loadCashflows(svc, space.id, ...windowAt(nowMs)),
    data?.decisions ?? decisionsOf(svc, space.id),
  ]);
  const detected = await detectSeries(space.id, rows, space.timezone, nowMs);
  const today = localDayOf(nowMs, space.timezone);
  return detected.map((s) => {
    const d = decisionOn(decisions, s);
    if (!d) return { ...s, status: "detected" as const };
    const edited: Series = { ...s, status: d.status };
    // A person's edits stand whatever they decided since (confirming an edited series keeps its edits).
    if (d.name !== null) edited.name = d.name;
    if (d.amount !== null) edited.amountMinor = d.amount;
    if (d.cadence !== null && d.cadence !== s.cadence) {
      edited.cadence = d.cadence;
      edited.anchors = anchorsFrom(d.cadence, s.lastDay);
      edited.nextDay = nextAfter(d.cadence, s.lastDay, expectedSince(d.cadence, today), edited.anchors);
      // Active while either rhythm still expects it: the edit speaks of payments to come, the ones so far kept
      // the detected rhythm (a monthly series last paid 20 days ago, edited to weekly, has not lapsed; weekly
      // dues last paid 5 weeks ago, edited to monthly, have not either).
      edited.active = s.active || isActive(d.cadence, s.lastDay, today);
    }
    if (d.status !== "dismissed") edited.confidence = Math.max(edited.confidence, 0.95);
    return edited;
  });
}

export function presentSeries(s: Series) {
  const scale = scaleOf(s.currency);
  return {
    id: s.id,
    name: s.name,
    merchant: s.merchantKey,
    direction: s.direction,
    transfer: s.transfer,
    cadence: s.cadence,
    currency: s.currency,
    accountId: s.accountId,
    categoryId: s.categoryId,
    ...moneyFields("amount", s.amountMinor, scale),
    amountRange: { ...moneyFields("min", s.minMinor, scale), ...moneyFields("max", s.maxMinor, scale) },
    spreadDecimal: formatMinor(Math.round((s.maxMinor - s.minMinor) / 2), scale),
    occurrences: s.occurrences,
    firstDate: dateOfDay(s.firstDay),
    lastDate: dateOfDay(s.lastDay),
    nextExpectedDate: dateOfDay(s.nextDay),
    active: s.active,
    status: s.status,
    confidence: s.confidence,
    transactionIds: s.transactionIds,
  };
}

export async function listRecurring(svc: Services, space: SpaceInfo, includeDismissed: boolean, nowMs = svc.clock.now(), data?: RecurringData | null) {
  const all = await seriesOf(svc, space, nowMs, undefined, data);
  const shown = all.filter((s) => includeDismissed || s.status !== "dismissed");
  return { spaceId: space.id, series: shown.map(presentSeries), dismissedCount: all.filter((s) => s.status === "dismissed").length };
}

const STATUS_OF = { restore: "detected", confirm: "confirmed", edit: "edited", dismiss: "dismissed" } as const;

export interface PatchInput {
  spaceId: string;
  action: "confirm" | "edit" | "dismiss" | "restore";
  name?: string;
  amount?: number | string;
  cadence?: Cadence;
}

/**
 * Records a decision. Confirming or editing needs the series to be detected;
 * dismissing needs it detected or decided on before (a dismissed series that
 * is not detected right now stays dismissed when it is), and restoring needs
 * a decision to drop or the series detected (a retried restore). Any other id is not one of the space's series: 404.
 */
export async function patchRecurring(svc: Services, auth: AuthContext, space: SpaceInfo, seriesId: string, input: PatchInput) {
  const now = svc.clock.now();
  const db = svc.env.DB;
  // The forecast counts on the decisions: one cached before this one is not served after it. Each decision's batch
  // lands only while the caller may still write in the live space (batchAsMember): a deletion, removal or demotion
  // meanwhile stores nothing and is answered as a request after it (404, 403).
  const staleForecast = bumpForecastEpoch(db, space.id);
  if (input.action !== "edit") {
    const sent = (["name", "amount", "cadence"] as const).filter((k) => input[k] !== undefined);
    if (sent.length > 0) {
      throw validationFailed(sent.map((field) => ({ field, message: `Only an edit changes ${field}; ${input.action} keeps the series as it is`, code: "UNKNOWN_FIELD" })));
    }
  }
  // A decision stored before series were per account holds for each account's series of its merchant: deciding on
  // one of them now hands each of the others its own copy first (in the decision's batch), so this decision changes
  // the one series it names (a restore too: the others' decision does not come back on it).
  let detected: Series[] | null = null;
  const detectedNow = async () => (detected ??= await seriesOf(svc, space, now));
  const split = async (): Promise<D1PreparedStatement[]> => {
    const target = (await detectedNow()).find((s) => s.id === seriesId);
    const decided = target && target.status !== "detected" ? await decisionsOf(svc, space.id) : null;
    if (!target || !decided || decided.has(target.id) || !decided.has(target.legacyId)) return [];
    const heirs = (await detectedNow()).filter((s) => s.legacyId === target.legacyId).map((s) => s.id);
    return [
      db.prepare(
        `INSERT INTO recurring_decisions (space_id, series_key, status, name, amount, cadence, updated_by, created_at, updated_at)
         SELECT d.space_id, h.value, d.status, d.name, d.amount, d.cadence, d.updated_by, d.created_at, d.updated_at
           FROM recurring_decisions d, json_each(?) h WHERE d.space_id = ? AND d.series_key = ?
         ON CONFLICT(space_id, series_key) DO NOTHING`,
      ).bind(JSON.stringify(heirs), space.id, target.legacyId),
      db.prepare("DELETE FROM recurring_decisions WHERE space_id = ? AND series_key = ?").bind(space.id, target.legacyId),
    ];
  };
  if (input.action === "restore") {
    const handOver = await split();
    const results = await batchAsMember(svc, auth, space.id, "member", [...handOver, db.prepare("DELETE FROM recurring_decisions WHERE space_id = ? AND series_key = ?").bind(space.id, seriesId), staleForecast]);
    const dropped = results[handOver.length]!;
    // Nothing to drop is fine for a detected series (a retried restore); any other id is not the space's.
    if (dropped.meta.changes === 0 && !(await detectedNow()).some((s) => s.id === seriesId)) throw notFound("Recurring series");
  } else {
    let name: string | null = null;
    let amount: number | null = null;
    let cadence: Cadence | null = null;
    if (input.action === "dismiss") {
      const decided = db.prepare("SELECT 1 FROM recurring_decisions WHERE space_id = ? AND series_key = ?").bind(space.id, seriesId).first();
      if (!(await decided) && !(await detectedNow()).some((s) => s.id === seriesId)) throw notFound("Recurring series");
    } else {
      const current = (await detectedNow()).find((s) => s.id === seriesId);
      if (!current) throw notFound("Recurring series");
      if (input.action === "edit") {
        if (input.name === undefined && input.amount === undefined && input.cadence === undefined) {
          throw validationFailed([{ field: "action", message: "An edit changes name, amount or cadence", code: "NOTHING_TO_EDIT" }]);
        }
        name = input.name ?? null;
        cadence = input.cadence ?? null;
        if (input.amount !== undefined) {
          amount = parseAmountField("amount", input.amount, CURRENCY_SCALES[current.currency as Currency] ?? 2);
          if (amount === 0 || (amount > 0) !== (current.direction === "income")) {
            throw validationFailed([{ field: "amount", message: `Must be ${current.direction === "income" ? "positive (income)" : "negative (an expense)"}`, code: "INVALID_AMOUNT" }]);
          }
        }
      }
    }
    const status = input.action === "confirm" ? "confirmed" : input.action === "edit" ? "edited" : "dismissed";
    await batchAsMember(svc, auth, space.id, "member", [
      ...(await split()),
      db.prepare(
        `INSERT INTO recurring_decisions (space_id, series_key, status, name, amount, cadence, updated_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(space_id, series_key) DO UPDATE SET status = excluded.status,
           -- An edit changes what it names and keeps earlier edits; a confirmation or a dismissal keeps them all.
           name = COALESCE(excluded.name, recurring_decisions.name), amount = COALESCE(excluded.amount, recurring_decisions.amount),
           cadence = COALESCE(excluded.cadence, recurring_decisions.cadence), updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      ).bind(space.id, seriesId, status, name, amount, cadence, auth.userId, now, now),
      staleForecast,
    ]);
  }
  const after = (await seriesOf(svc, space, now)).find((s) => s.id === seriesId);
  return {
    id: seriesId,
    spaceId: space.id,
    status: STATUS_OF[input.action],
    series: after ? presentSeries(after) : null,
  };
}

export { CASHFLOW_FILTER };

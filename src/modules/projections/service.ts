/**
 * Long-term projections: resolves a request into the engine's input (amounts
 * parsed exactly into the space currency's minor units, defaults read from the
 * ledger), runs the Monte Carlo engine, and renders its figures rounded once to
 * minor units, each as a JSON number with its exact `*Decimal` string beside.
 * Saved scenarios keep their resolved inputs and seed, so they re-run to the
 * same figures; a comparison re-runs several with one shared seed.
 */
import { and, desc, eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { projectionScenarios } from "../../db/schema";
import { iso } from "../../lib/clock";
import { type ErrorDetail, notFound, validationFailed } from "../../lib/errors";
import { type Locale, responseText } from "../../lib/i18n";
import { newId } from "../../lib/ids";
import { parseExactJson } from "../../lib/exact-json";
import { type Currency, CURRENCY_SCALES, formatMinor, moneyFields, parseMajor, plainDecimal } from "../../lib/money";
import { pagination } from "../../lib/pagination";
import { entityRows, inJsonList, rowReader } from "../../lib/sql";
import { batchGuard, refusedByGuard } from "../../lib/batch-guard";
import { dateIn } from "../../lib/dates";
import { batchAsMember, readResource, readSpace, readSpaceWith, requireRoleOver, requireSpaceRole } from "../spaces/access";
import { type DefaultsData, defaultsReads, recentContribution, type SpaceRef, spaceNetWorth } from "./defaults";
import { type EngineInput, type EngineResult, roundMinor, simulate } from "./engine";
import { LIFE_EVENT_TYPES, MAX_COMPARE, MAX_SCENARIOS_PER_SPACE } from "./schemas";

type LifeEventType = (typeof LIFE_EVENT_TYPES)[number];
type Amount = number | string;

export interface ProjectionRequest {
  years?: number;
  scenarios?: number;
  stepsPerYear?: 1 | 12;
  seed?: number;
  startingNetWorth?: Amount;
  annualContribution?: Amount;
  annualIncome?: Amount;
  annualExpenses?: Amount;
  assumptions?: {
    inflationRate?: number;
    incomeGrowthRate?: number;
    portfolioReturn?: number;
    portfolioVolatility?: number;
    currentAge?: number;
    retirementAge?: number;
    retirementSpending?: Amount;
  };
  lifeEvents?: { year: number; type: LifeEventType; amount?: Amount; incomeChange?: Amount; description?: string }[];
}

export const DEFAULTS = {
  years: 30,
  scenarios: 1000,
  stepsPerYear: 1 as const,
  inflationRate: 0.03,
  incomeGrowthRate: 0.025,
  portfolioReturn: 0.07,
  portfolioVolatility: 0.15,
};

/** Largest magnitude of any amount a projection takes, in minor units (10^13 major units at scale 2). */
export const MAX_INPUT_MINOR = 1e15;

/** Everything a run needs, resolved, plus what the response reports about where it came from. */
interface Resolved {
  engine: EngineInput;
  currency: string;
  scale: number;
  currentAge: number | null;
  retirementAge: number | null;
  retirementSpending: number | null;
  events: { year: number; type: LifeEventType; amount: number; incomeChange: number; description: string | null }[];
  sources: { startingNetWorth: "request" | "ledger"; annualContribution: "request" | "ledger"; ledgerWindow: { from: string; to: string } | null };
  notes: string[];
}

const randomSeed = () => crypto.getRandomValues(new Uint32Array(1))[0]!;

/**
 * Parses and checks a request; reads the ledger only for the defaults it
 * needs. Every problem is one 422 listing each bad field.
 */
async function resolve(svc: Services, space: SpaceRef, req: ProjectionRequest, data: DefaultsData | null | undefined, locale: Locale): Promise<Resolved> {
  const scale = CURRENCY_SCALES[space.currency as Currency] ?? 2;
  const problems: ErrorDetail[] = [];
  const money = (field: string, value: Amount | undefined, opts: { min?: number } = {}): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseMajor(value, scale);
    if (!parsed.ok) {
      problems.push({ field, message: parsed.reason, code: "INVALID_AMOUNT" });
      return undefined;
    }
    if (Math.abs(parsed.minor) > MAX_INPUT_MINOR) {
      problems.push({ field, message: `At most ${formatMinor(MAX_INPUT_MINOR, scale)} in magnitude`, code: "OUT_OF_RANGE" });
      return undefined;
    }
    if (opts.min !== undefined && parsed.minor < opts.min) {
      problems.push({ field, message: "Must not be negative", code: "OUT_OF_RANGE" });
      return undefined;
    }
    return parsed.minor;
  };

  const years = req.years ?? DEFAULTS.years;
  const a = req.assumptions ?? {};
  const start = money("startingNetWorth", req.startingNetWorth);
  const contribution = money("annualContribution", req.annualContribution);
  const incomeIn = money("annualIncome", req.annualIncome, { min: 0 });
  const expensesIn = money("annualExpenses", req.annualExpenses, { min: 0 });
  const retirementSpending = money("assumptions.retirementSpending", a.retirementSpending, { min: 0 }) ?? null;
  const events = (req.lifeEvents ?? []).map((e, i) => {
    if (e.year > years) problems.push({ field: `lifeEvents.${i}.year`, message: `Must be within the horizon (1 to ${years})`, code: "OUT_OF_RANGE" });
    if (e.amount === undefined && e.incomeChange === undefined) {
      problems.push({ field: `lifeEvents.${i}`, message: "A life event needs an amount or an incomeChange", code: "REQUIRED" });
    }
    return {
      year: e.year,
      type: e.type,
      amount: money(`lifeEvents.${i}.amount`, e.amount) ?? 0,
      incomeChange: money(`lifeEvents.${i}.incomeChange`, e.incomeChange) ?? 0,
      description: e.description ?? null,
    };
  });
  // The engine adds a year's events, and the income changes so far, into one figure each: each sum stays in range too.
  const eventYears = [...new Set(events.map((e) => e.year))].sort((x, y) => x - y);
  let incomeChangeSoFar = 0n;
  const overflowed = new Set<string>();
  for (const y of eventYears) {
    const inYear = events.filter((e) => e.year === y);
    const amount = inYear.reduce((sum, e) => sum + BigInt(e.amount), 0n);
    incomeChangeSoFar += inYear.reduce((sum, e) => sum + BigInt(e.incomeChange), 0n);
    for (const [what, total] of [["amount", amount], ["incomeChange", incomeChangeSoFar]] as const) {
      // The income changes' sum is said once, at the first year it is out of range.
      if ((total > BigInt(MAX_INPUT_MINOR) || -total > BigInt(MAX_INPUT_MINOR)) && !(what === "incomeChange" && overflowed.has(what))) {
        overflowed.add(what);
        problems.push({
          field: `lifeEvents.${events.indexOf(inYear.at(-1)!)}.${what}`,
          message: `The life events' ${what === "amount" ? "amounts in year" : "income changes up to year"} ${y} come to ${formatMinor(total, scale)}, beyond ${formatMinor(MAX_INPUT_MINOR, scale)} in magnitude`,
          code: "OUT_OF_RANGE",
        });
      }
    }
  }

  // Retirement: a `retirement` event's year, else the age at which it starts.
  const notes: string[] = [];
  const retirementEvent = events.filter((e) => e.type === "retirement").sort((x, y) => x.year - y.year)[0];
  let currentAge = a.currentAge ?? null;
  const retirementAge = a.retirementAge ?? null;
  let retirementYear: number | null = null;
  if (retirementEvent) {
    retirementYear = retirementEvent.year;
    if (retirementAge !== null && currentAge === null) {
      currentAge = retirementAge - retirementEvent.year + 1;
      if (currentAge < 0) problems.push({ field: "assumptions.retirementAge", message: `Too low for a retirement in year ${retirementEvent.year}`, code: "OUT_OF_RANGE" });
    } else if (retirementAge !== null && currentAge !== null && retirementAge - currentAge + 1 !== retirementEvent.year) {
      notes.push(responseText(locale, "projectionRetirementEventSets", { year: retirementEvent.year, age: retirementAge, other: retirementAge - currentAge + 1 }));
    }
  } else if (retirementAge !== null) {
    if (currentAge === null) {
      problems.push({ field: "assumptions.currentAge", message: "Needed with retirementAge (or add a `retirement` life event for the year)", code: "REQUIRED" });
    } else if (retirementAge <= currentAge) {
      retirementYear = 1;
      notes.push(responseText(locale, "projectionRetiredFromStart", { age: retirementAge, current: currentAge }));
    } else {
      retirementYear = retirementAge - currentAge + 1;
      if (retirementYear > years) notes.push(responseText(locale, "projectionRetirementPastHorizon", { age: retirementAge, years }));
    }
  }
  if (retirementSpending !== null && retirementYear === null && problems.length === 0) {
    notes.push(responseText(locale, "projectionRetirementSpendingUnused"));
  }

  // Income and spending: the request's, completed from the ledger's last 12 months. A given contribution
  // needs nothing from the ledger: with income or spending it gives the other, alone it is the whole flow.
  const needLedgerFlow = contribution === undefined && (incomeIn === undefined || expensesIn === undefined);
  if (problems.length) throw validationFailed(problems);
  const [netWorth, flow] = await Promise.all([
    start === undefined ? spaceNetWorth(svc, space, data, locale) : null,
    needLedgerFlow ? recentContribution(svc, space, data, locale) : null,
  ]);
  // The ledger's figures within the range a request's own amounts have (they can be far larger: a sum
  // over every holding at the day's rates), so the engine works in exact doubles and a saved projection's
  // inputs re-run as a request.
  const fromLedger = (field: string, what: string, value: bigint): number => {
    if (value > BigInt(MAX_INPUT_MINOR) || -value > BigInt(MAX_INPUT_MINOR)) {
      problems.push({
        field,
        message: `The space's ${what} (${formatMinor(value, scale)}) is beyond what a projection takes (at most ${formatMinor(MAX_INPUT_MINOR, scale)} in magnitude): give ${field} (POST /v1/projections)`,
        code: "OUT_OF_RANGE",
      });
      return 0;
    }
    return Number(value);
  };
  const ledgerStart = netWorth ? fromLedger("startingNetWorth", "net worth", netWorth.minor) : undefined;
  // Only the figures the request leaves to the ledger.
  const needIncome = flow !== null && incomeIn === undefined;
  const needExpenses = flow !== null && expensesIn === undefined;
  const ledgerIncome = needIncome ? fromLedger("annualIncome", "income over the last 12 months", flow.income) : 0;
  const ledgerExpenses = needExpenses ? fromLedger("annualExpenses", "expenses over the last 12 months", flow.expenses) : 0;
  if (problems.length) throw validationFailed(problems);
  let income: number;
  let expenses: number;
  if (contribution === undefined) {
    income = incomeIn ?? ledgerIncome;
    expenses = expensesIn ?? ledgerExpenses;
  } else if (incomeIn !== undefined) {
    income = incomeIn;
    expenses = incomeIn - contribution;
    if (expensesIn !== undefined && expensesIn !== expenses) problems.push({ field: "annualContribution", message: "Must equal annualIncome − annualExpenses when all three are given", code: "INCONSISTENT" });
    else if (expenses < 0) problems.push({ field: "annualContribution", message: "Cannot exceed annualIncome", code: "OUT_OF_RANGE" });
  } else if (expensesIn !== undefined) {
    expenses = expensesIn;
    income = expensesIn + contribution;
    if (income < 0) problems.push({ field: "annualContribution", message: "Cannot be below −annualExpenses", code: "OUT_OF_RANGE" });
  } else {
    // Only the net is given: it stays that net, not a split of it against the ledger's income (income and
    // spending grow at different rates, so a split drifts: a contribution of 0 became a growing withdrawal).
    // Money in grows as income does and money out as spending does: a positive contribution is income with
    // no spending (growing by incomeGrowthRate), a negative one spending with no income (by inflationRate).
    income = Math.max(0, contribution);
    expenses = Math.max(0, -contribution);
    if (contribution >= 0 && retirementYear !== null && retirementYear <= years && retirementSpending === null) {
      notes.push(responseText(locale, "projectionContributionNoSpending"));
    }
  }
  // Derived from two amounts in range, one can be out of it (income 10^13 with a contribution of −10^13 is
  // spending of 2 × 10^13): refused like a request's own, or the saved inputs would not re-run.
  for (const [name, value] of [["annualIncome", income], ["annualExpenses", expenses]] as const) {
    if (problems.length === 0 && Math.abs(value) > MAX_INPUT_MINOR) {
      problems.push({ field: "annualContribution", message: `Makes ${name} ${formatMinor(value, scale)}, beyond ${formatMinor(MAX_INPUT_MINOR, scale)} in magnitude`, code: "OUT_OF_RANGE" });
    }
  }
  if (problems.length) throw validationFailed(problems);

  if (netWorth) notes.push(...netWorth.notes);
  if (flow) notes.push(...flow.notes);
  if (flow && flow.income === 0n && flow.expenses === 0n && contribution === undefined && incomeIn === undefined && expensesIn === undefined) {
    notes.push(responseText(locale, "projectionNoLedgerFlow", { from: flow.from, to: flow.to }));
  }
  const p = {
    inflationRate: a.inflationRate ?? DEFAULTS.inflationRate,
    incomeGrowthRate: a.incomeGrowthRate ?? DEFAULTS.incomeGrowthRate,
    portfolioReturn: a.portfolioReturn ?? DEFAULTS.portfolioReturn,
    portfolioVolatility: a.portfolioVolatility ?? DEFAULTS.portfolioVolatility,
  };
  const engine: EngineInput = {
    years,
    scenarios: req.scenarios ?? DEFAULTS.scenarios,
    stepsPerYear: req.stepsPerYear ?? DEFAULTS.stepsPerYear,
    seed: req.seed ?? randomSeed(),
    startingNetWorth: start ?? ledgerStart!,
    annualIncome: income,
    annualExpenses: expenses,
    ...p,
    retirementYear,
    // Retirement by age alone ends the salary; a retirement event says how income changes instead.
    retirementStopsSalary: retirementYear !== null && !retirementEvent,
    retirementSpending,
    lifeEvents: events.map((e) => ({ year: e.year, amount: e.amount, incomeChange: e.incomeChange })),
  };
  return {
    engine,
    currency: space.currency,
    scale,
    currentAge,
    retirementAge,
    retirementSpending,
    events,
    sources: {
      startingNetWorth: start === undefined ? "ledger" : "request",
      annualContribution: flow ? "ledger" : "request",
      ledgerWindow: flow ? { from: flow.from, to: flow.to } : null,
    },
    notes,
  };
}

// ---------------------------------------------------------------------------
// Rendering: one rounding (half away from zero, roundMinor) to minor units, then exact.
// ---------------------------------------------------------------------------

/**
 * Refuses a run any of whose figures reaches past 2^53 − 1 minor units in magnitude (or is not finite): a
 * double there no longer holds every minor unit, so the figure and its `*Decimal` would show float noise as
 * exact cents. Returns are lognormal draws without an upper bound, so no limit on the inputs alone rules it
 * out; the run itself is what says, and it is cheap. `field` and `about` say which request or scenario. The
 * figure is said to three significant digits in plain form (103000000000000, not 1.03e+14).
 */
function refuseInexact(r: EngineResult, scale: number, field: string, about: string): void {
  for (const y of r.years) {
    const figures = [["median", y.median], ["10th percentile", y.p10], ["90th percentile", y.p90], ["mean", y.mean],
      ["income", y.income], ["expenses", y.expenses], ["savings", y.savings]] as const;
    for (const [what, x] of figures) {
      if (Math.abs(x) <= Number.MAX_SAFE_INTEGER) continue;
      throw validationFailed([{
        field,
        message: `${about}'s ${what} in year ${y.year} reaches about ${plainDecimal((x / 10 ** scale).toPrecision(3))}, beyond ${formatMinor(Number.MAX_SAFE_INTEGER, scale)} ` +
          "in magnitude, past which figures cannot be exact to the minor unit: lower the amounts, portfolioReturn, portfolioVolatility, incomeGrowthRate or years",
        code: "OUT_OF_RANGE",
      }]);
    }
  }
}

/** An engine figure (fractional minor units, within 2^53 by refuseInexact) as a response's money fields. */
const moneyPair = <K extends string>(name: K, x: number, scale: number) => moneyFields(name, roundMinor(x), scale);

type Horizon = "year10" | "year20" | "year30";
type Horizons = { [P in Horizon]: number | null } & { [P in `${Horizon}Decimal`]: string | null };

function horizons(r: EngineResult, pick: (y: EngineResult["years"][number]) => number, scale: number): Horizons {
  const out: Record<string, number | string | null> = {};
  for (const h of [10, 20, 30]) {
    const y = r.years[h - 1];
    if (y) Object.assign(out, moneyPair(`year${h}`, pick(y), scale));
    else Object.assign(out, { [`year${h}`]: null, [`year${h}Decimal`]: null });
  }
  return out as Horizons;
}

function present(res: Resolved, r: EngineResult) {
  const { engine: e, scale } = res;
  const eventsByYear = new Map<number, LifeEventType[]>();
  for (const ev of res.events) eventsByYear.set(ev.year, [...(eventsByYear.get(ev.year) ?? []), ev.type]);
  const projection = {
    horizon: e.years,
    scenarios: e.scenarios,
    stepsPerYear: e.stepsPerYear,
    seed: r.seed,
    currency: res.currency,
    ...moneyPair("startingNetWorth", e.startingNetWorth, scale),
    ...moneyPair("annualIncome", e.annualIncome, scale),
    ...moneyPair("annualExpenses", e.annualExpenses, scale),
    ...moneyPair("annualContribution", e.annualIncome - e.annualExpenses, scale),
    assumptions: {
      inflationRate: e.inflationRate,
      incomeGrowthRate: e.incomeGrowthRate,
      portfolioReturn: e.portfolioReturn,
      portfolioVolatility: e.portfolioVolatility,
      currentAge: res.currentAge,
      retirementAge: res.retirementAge,
      retirementYear: e.retirementYear,
      ...(res.retirementSpending === null
        ? { retirementSpending: null as number | null, retirementSpendingDecimal: null as string | null }
        : moneyPair("retirementSpending", res.retirementSpending, scale)),
    },
    lifeEvents: res.events.map((ev) => ({
      year: ev.year,
      type: ev.type,
      ...moneyPair("amount", ev.amount, scale),
      ...moneyPair("incomeChange", ev.incomeChange, scale),
      description: ev.description,
    })),
    outcomes: {
      median: horizons(r, (y) => y.median, scale),
      percentile10: horizons(r, (y) => y.p10, scale),
      percentile90: horizons(r, (y) => y.p90, scale),
    },
    successProbability: r.successCount / e.scenarios,
    runOutYear: r.runOutYear,
    earliestRunOutYear: r.earliestRunOutYear,
    sources: res.sources,
  };
  const yearByYear = r.years.map((y) => ({
    year: y.year,
    age: res.currentAge === null ? null : res.currentAge + y.year - 1,
    ...moneyPair("projectedNetWorth", y.median, scale),
    ...moneyPair("percentile10", y.p10, scale),
    ...moneyPair("percentile90", y.p90, scale),
    ...moneyPair("mean", y.mean, scale),
    ...moneyPair("projectedIncome", y.income, scale),
    ...moneyPair("projectedExpenses", y.expenses, scale),
    ...moneyPair("projectedSavings", y.savings, scale),
    lifeEvents: eventsByYear.get(y.year) ?? [],
    runOutProbability: y.runOutShare,
  }));
  return { projection, yearByYear };
}

/**
 * A resolved request as a request again: exact decimal strings and every
 * default filled in, so that re-running it (with its seed) reads nothing from
 * the ledger and gives the same figures.
 */
function storedInputs(res: Resolved) {
  const { engine: e, scale } = res;
  const dec = (m: number) => formatMinor(m, scale);
  return {
    years: e.years,
    scenarios: e.scenarios,
    stepsPerYear: e.stepsPerYear,
    startingNetWorth: dec(e.startingNetWorth),
    annualIncome: dec(e.annualIncome),
    annualExpenses: dec(e.annualExpenses),
    assumptions: {
      inflationRate: e.inflationRate,
      incomeGrowthRate: e.incomeGrowthRate,
      portfolioReturn: e.portfolioReturn,
      portfolioVolatility: e.portfolioVolatility,
      ...(res.currentAge === null ? {} : { currentAge: res.currentAge }),
      ...(res.retirementAge === null ? {} : { retirementAge: res.retirementAge }),
      ...(res.retirementSpending === null ? {} : { retirementSpending: dec(res.retirementSpending) }),
    },
    lifeEvents: res.events.map((ev) => ({
      year: ev.year, type: ev.type, amount: dec(ev.amount), incomeChange: dec(ev.incomeChange), ...(ev.description === null ? {} : { description: ev.description }),
    })),
  };
}

async function run(
  svc: Services, space: SpaceRef, req: ProjectionRequest, data: DefaultsData | null | undefined, locale: Locale,
  refused: { field: string; about: string } = { field: "assumptions", about: "The projection" },
) {
  const res = await resolve(svc, space, req, data, locale);
  const result = simulate(res.engine);
  refuseInexact(result, res.scale, refused.field, refused.about);
  return { res, ...present(res, result) };
}

/** GET /v1/projections: a projection from the space's own figures and the default assumptions; nothing is saved. */
export async function getProjection(
  svc: Services,
  auth: AuthContext,
  q: { spaceId: string; years?: number; scenarios?: number; stepsPerYear?: "1" | "12"; seed?: number },
  locale: Locale = "en",
) {
  // The defaults' reads (net worth now, the last 12 months' cash flow) ride with the role check.
  const now = svc.clock.now();
  const { membership, data } = await readSpaceWith(svc, auth, q.spaceId, "viewer", (g) => defaultsReads(svc.env.DB, g, now));
  const { res, projection, yearByYear } = await run(svc, membership.space, {
    years: q.years, scenarios: q.scenarios, seed: q.seed, stepsPerYear: q.stepsPerYear === undefined ? undefined : (Number(q.stepsPerYear) as 1 | 12),
  }, data, locale);
  return { scenario: null, projection, yearByYear, notes: res.notes };
}

type ScenarioRow = typeof projectionScenarios.$inferSelect;
const scenarioOfRow = rowReader(projectionScenarios);

const scenarioRef = (row: ScenarioRow) => ({ id: row.id, name: row.name, spaceId: row.spaceId, createdAt: iso(row.createdAt), createdBy: row.createdBy });

/** POST /v1/projections: a projection from the request (defaults from the ledger), saved as a scenario unless `save: false`. */
export async function createProjection(
  svc: Services, auth: AuthContext, body: ProjectionRequest & { spaceId: string; name?: string; save?: boolean }, locale: Locale = "en",
) {
  const saving = body.save !== false;
  const db = svc.env.DB;
  // The space's saved scenarios are counted with the role check, so a full space is refused before the run's CPU.
  const { membership: { space }, results: [counted] } = await readSpace(svc, auth, body.spaceId, "member", (g) =>
    saving ? [db.prepare(`SELECT COUNT(*) AS n FROM projection_scenarios WHERE space_id = ${g.sql}`).bind(...g.params)] : []);
  if (saving && ((counted?.results[0] as { n: number } | undefined)?.n ?? 0) >= MAX_SCENARIOS_PER_SPACE) throw scenariosFull();
  const { res, projection, yearByYear } = await run(svc, space, body, undefined, locale);
  if (!saving) return { saved: false as const, body: { scenario: null, projection, yearByYear, notes: res.notes } };
  const now = svc.clock.now();
  const row: ScenarioRow = {
    id: newId("scen", now),
    spaceId: space.id,
    name: body.name ?? `Projection ${dateIn(now, space.timezone)}`,
    createdBy: auth.userId,
    currency: space.currency,
    seed: projection.seed,
    inputs: JSON.stringify(storedInputs(res)),
    summary: JSON.stringify(summaryOf(projection)),
    createdAt: now,
  };
  // Only while the caller may still write in the live space: one deleted meanwhile keeps no scenario. The space's
  // scenarios are counted again in the insert itself (concurrent saves cannot all pass the count read before any of
  // them inserts), and a guard fails the batch when the count kept the scenario out.
  const r = entityRows(projectionScenarios, [row]);
  try {
    await batchAsMember(svc, auth, space.id, "member", [
      db.prepare(`INSERT INTO ${r.table} (${r.columns.join(", ")}) SELECT ${r.columns.map(() => "?").join(", ")} WHERE (SELECT COUNT(*) FROM ${r.table} WHERE space_id = ?) < ?`)
        .bind(...r.rows[0]!, row.spaceId, MAX_SCENARIOS_PER_SPACE),
      batchGuard(db, "EXISTS (SELECT 1 FROM projection_scenarios WHERE id = ?)", [row.id]),
    ], { otherGuards: true });
  } catch (err) {
    if (!refusedByGuard(err)) throw err;
    throw scenariosFull();
  }
  return { saved: true as const, body: { scenario: scenarioRef(row), projection, yearByYear, notes: res.notes } };
}

const scenariosFull = () =>
  validationFailed([{ field: "spaceId", message: `A space may have at most ${MAX_SCENARIOS_PER_SPACE} saved projection scenarios; delete one, or send save: false to run one without saving it`, code: "LIMIT_REACHED" }]);

function summaryOf(p: ReturnType<typeof present>["projection"]) {
  return {
    horizon: p.horizon, scenarios: p.scenarios, stepsPerYear: p.stepsPerYear, seed: p.seed,
    successProbability: p.successProbability, runOutYear: p.runOutYear, median: p.outcomes.median,
  };
}

const presentSaved = (row: ScenarioRow) => ({
  ...scenarioRef(row),
  currency: row.currency,
  seed: row.seed,
  inputs: JSON.parse(row.inputs) as Record<string, unknown>,
  // Its money as written, to every digit (a median past 10^15 minor units is raw JSON when the scenario is created).
  summary: parseExactJson(row.summary) as Record<string, unknown>,
});

/** GET /v1/projections/scenarios: the space's saved scenarios, newest first. */
export async function listScenarios(svc: Services, auth: AuthContext, q: { spaceId: string; limit: number; offset: number }) {
  const db = svc.env.DB;
  const { results: [page, total] } = await readSpace(svc, auth, q.spaceId, "viewer", (space) => [
    db.prepare(`SELECT * FROM projection_scenarios WHERE space_id = ${space.sql} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`).bind(...space.params, q.limit, q.offset),
    db.prepare(`SELECT COUNT(*) AS n FROM projection_scenarios WHERE space_id = ${space.sql}`).bind(...space.params),
  ]);
  const rows = (page!.results as Record<string, unknown>[]).map(scenarioOfRow);
  return { scenarios: rows.map(presentSaved), pagination: pagination((total!.results[0] as { n: number } | undefined)?.n ?? 0, q.limit, q.offset) };
}

/** DELETE /v1/projections/scenarios/{id}: a member removes a saved scenario of their space (another space's is a 404). */
export async function deleteScenario(svc: Services, auth: AuthContext, scenarioId: string): Promise<void> {
  const { row } = await readResource(svc, auth, "projection_scenarios", scenarioId, "Projection scenario", "member");
  // Only while the caller may still write in the live space (a removal meanwhile is the 404, a demotion the 403).
  await batchAsMember(svc, auth, String(row.space_id), "member", [svc.env.DB.prepare("DELETE FROM projection_scenarios WHERE id = ?").bind(scenarioId)], {
    resource: "Projection scenario",
  });
}

/**
 * POST /v1/projections/compare: saved scenarios re-run side by side with one
 * seed (the request's, or a fresh one), so their differences are the inputs'
 * and not the draws'. With `spaceId` and no ids: the space's latest scenarios.
 */
export async function compareScenarios(
  svc: Services, auth: AuthContext, body: { spaceId?: string; scenarioIds?: string[]; seed?: number }, locale: Locale = "en",
) {
  if (!body.spaceId && !body.scenarioIds) {
    throw validationFailed([{ field: "scenarioIds", message: "Give scenarioIds, or a spaceId to compare its latest saved scenarios", code: "REQUIRED" }]);
  }
  const ids = body.scenarioIds ? [...new Set(body.scenarioIds)] : undefined;
  let rows: ScenarioRow[];
  let spaceCurrency: string | undefined;
  if (body.spaceId) {
    spaceCurrency = (await requireSpaceRole(svc, auth, body.spaceId, "member")).space.currency;
    const inSpace = eq(projectionScenarios.spaceId, body.spaceId);
    rows = ids
      ? await svc.db.select().from(projectionScenarios).where(and(inSpace, inJsonList(projectionScenarios.id, ids)))
      : await svc.db.select().from(projectionScenarios).where(inSpace).orderBy(desc(projectionScenarios.createdAt), desc(projectionScenarios.id)).limit(MAX_COMPARE);
    if (ids && rows.length !== ids.length) throw notFound("Projection scenario");
  } else {
    rows = await svc.db.select().from(projectionScenarios).where(inJsonList(projectionScenarios.id, ids!));
    if (rows.length !== ids!.length) throw notFound("Projection scenario");
    // The caller must see every scenario's space before anything else is said about them.
    for (const spaceId of new Set(rows.map((r) => r.spaceId))) await requireRoleOver(svc, auth, spaceId, "member", "Projection scenario");
    if (new Set(rows.map((r) => r.spaceId)).size > 1) {
      throw validationFailed([{ field: "scenarioIds", message: "Scenarios compared together must belong to one space", code: "MIXED_SPACES" }]);
    }
  }
  if (ids) rows.sort((x, y) => ids.indexOf(x.id) - ids.indexOf(y.id));
  const seed = body.seed ?? randomSeed();
  const notes: string[] = [];
  const currencies = new Set(rows.map((r) => r.currency));
  if (currencies.size > 1) notes.push(responseText(locale, "projectionCurrencies", { currencies: [...currencies].join(", ") }));
  const scenarios = [];
  for (const row of rows) {
    const inputs = JSON.parse(row.inputs) as ProjectionRequest;
    // Stored inputs carry every amount, so the ledger is not read; the row's own currency parses them.
    const { res, projection, yearByYear } = await run(svc, { id: row.spaceId, currency: row.currency, timezone: "UTC" }, { ...inputs, seed }, null, locale, {
      field: "scenarioIds", about: `Scenario "${row.name}" (${row.id}) with seed ${seed}`,
    });
    scenarios.push({ id: row.id, name: row.name, projection: { ...projection, sources: { startingNetWorth: "request" as const, annualContribution: "request" as const, ledgerWindow: null } }, yearByYear });
    notes.push(...res.notes.map((n) => `${row.name}: ${n}`));
  }
  return { seed, currency: rows[0]?.currency ?? spaceCurrency ?? "", scenarios, notes };
}

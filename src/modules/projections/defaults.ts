/**
 * Where a projection starts when the request does not say: the space's net
 * worth and its recent savings, read from the ledger. One small file on
 * purpose: the net worth lookup is to be replaced by the analytics module's
 * multi-currency one (every currency converted at its day's rate); until then
 * only amounts in the space's own currency count, and the others are named in
 * a note rather than added at a made-up rate.
 *
 * Both are exact integers of the space currency's minor units.
 */
import type { Services } from "../../env";
import { type Currency, CURRENCY_SCALES, formatMinor } from "../../lib/money";
import { addDays, ymdString, zonedDate, zonedMidnight } from "../../lib/zoned-time";
import { addMonths } from "../budgets/periods";

export interface SpaceRef {
  id: string;
  currency: string;
  timezone: string;
}

export interface NetWorthDefault {
  /** Minor units of the space currency. */
  minor: number;
  /** Accounts counted (active, in the space currency). */
  accounts: number;
  notes: string[];
}

/**
 * Net worth: the ledger balances of the space's active accounts held in the
 * space's currency. Balances in other currencies are left out, each named with
 * its exact total in a note, and so are positions (securities) accounts hold.
 */
export async function spaceNetWorth(svc: Services, space: SpaceRef): Promise<NetWorthDefault> {
  // One round trip, one bound parameter per statement: balances come from ledger_volumes by a join.
  const ownAsset = `a.currency || '/' || (CASE a.currency ${Object.entries(CURRENCY_SCALES).map(([c, s]) => `WHEN '${c}' THEN ${s}`).join(" ")} ELSE -1 END)`;
  const [res, held] = await svc.env.DB.batch<Record<string, unknown>>([
    svc.env.DB.prepare(
      `SELECT a.currency AS currency, COUNT(*) AS accounts, COALESCE(SUM(v.input - v.output), 0) AS balance
         FROM accounts a
         LEFT JOIN ledger_volumes v ON v.space_id = a.space_id AND v.address = 'accounts:' || a.id AND v.asset = ${ownAsset}
        WHERE a.space_id = ? AND a.is_active = 1
        GROUP BY a.currency`,
    ).bind(space.id),
    // Positions (securities bought by trades) that accounts hold besides their own currency.
    svc.env.DB.prepare(
      `SELECT DISTINCT v.asset AS asset
         FROM accounts a JOIN ledger_volumes v ON v.space_id = a.space_id AND v.address = 'accounts:' || a.id
        WHERE a.space_id = ? AND a.is_active = 1 AND v.input != v.output AND v.asset != ${ownAsset}
        ORDER BY v.asset LIMIT 20`,
    ).bind(space.id),
  ]);
  let minor = 0;
  let accounts = 0;
  const notes: string[] = [];
  for (const r of res!.results as { currency: string; accounts: number; balance: number }[]) {
    if (r.currency === space.currency) {
      minor = r.balance;
      accounts = r.accounts;
    } else {
      const scale = CURRENCY_SCALES[r.currency as Currency];
      const total = scale === undefined ? String(r.balance) : formatMinor(r.balance, scale);
      notes.push(
        `startingNetWorth excludes ${r.accounts} account(s) in ${r.currency} (${total} ${r.currency}): no exchange rate is applied; only ${space.currency} balances count`,
      );
    }
  }
  const positions = (held!.results as { asset: string }[]).map((r) => r.asset);
  if (positions.length) {
    notes.push(`startingNetWorth leaves out positions held in accounts (${positions.join(", ")}): they have no market value here, only the cash their trades moved counts`);
  }
  return { minor, accounts, notes };
}

export interface ContributionDefault {
  /** Minor units of the space currency, per year. */
  income: number;
  expenses: number;
  contribution: number;
  /** First and last day (inclusive) of the window in the space's time zone. */
  from: string;
  to: string;
  notes: string[];
}

/** Cash-flow rows, as budgets count them: no transfers, trades, opening balances or voided entries. */
const CASH_FLOW = `t.space_id = ? AND t.status != 'cancelled' AND t.date >= ? AND t.date < ?
  AND t.type IN ('expense', 'income', 'fee', 'other') AND (t.subtype IS NULL OR t.subtype != 'opening_balance')`;

/**
 * The last 12 months of income and expenses in the space's currency: from the
 * day a year before today (space time zone) through today. Income is money in,
 * expenses money out (refunds reduce neither: each row counts by its sign).
 */
export async function recentContribution(svc: Services, space: SpaceRef): Promise<ContributionDefault> {
  const today = zonedDate(svc.clock.now(), space.timezone);
  const from = addDays(addMonths(today, -12), 1);
  const startMs = zonedMidnight(from, space.timezone);
  const endMs = zonedMidnight(addDays(today, 1), space.timezone);
  const res = await svc.env.DB.prepare(
    `SELECT t.currency AS currency,
            COALESCE(SUM(CASE WHEN t.amount > 0 THEN t.amount ELSE 0 END), 0) AS income,
            COALESCE(SUM(CASE WHEN t.amount < 0 THEN -t.amount ELSE 0 END), 0) AS expenses
       FROM transactions t WHERE ${CASH_FLOW} GROUP BY t.currency`,
  )
    .bind(space.id, startMs, endMs)
    .all<{ currency: string; income: number; expenses: number }>();
  let income = 0;
  let expenses = 0;
  const notes: string[] = [];
  for (const r of res.results) {
    if (r.currency === space.currency) {
      income = r.income;
      expenses = r.expenses;
    } else {
      notes.push(`annualContribution excludes income and expenses in ${r.currency}: no exchange rate is applied; only ${space.currency} cash flow counts`);
    }
  }
  return { income, expenses, contribution: income - expenses, from: ymdString(from), to: ymdString(today), notes };
}


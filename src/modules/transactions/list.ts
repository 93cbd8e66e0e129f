/**
 * Transaction lists (seed 000 filters, offset pages). A list is one D1 round
 * trip: the session check, the membership check, the page (with its
 * categories and accounts joined) and the total go in one batch. The page and
 * total name the space only for a caller who may see it (readSpace), so a
 * stranger's batch reads none of its rows. The total of an unfiltered list (or
 * one filtered by account) is a counter kept in the batch that writes the
 * rows, never a count of them. A bare-date filter is a day in the space's time
 * zone, which comes in the same batch: the dates are read zone-free
 * (zoneFreePageStatements) and trimmed to the zone afterwards.
 */
import type { AuthContext, Services } from "../../env";
import { instantIn, rangeEndExclusive } from "../../lib/dates";
import { pagination } from "../../lib/pagination";
import { foldForSearch } from "../../lib/search-text";
import { guardedValue, type SqlGuard, type SqlValue } from "../../lib/sql";
import { accountFor, accountSpace, guardedAccountId } from "../accounts/service";
import { readSpace } from "../spaces/access";
import { TRANSACTION_COLUMNS, transactionOfRow } from "./columns";
import { presentTransactions, type TransactionRow } from "./service";

export interface ListFilters {
  spaceId: string;
  accountId?: string;
  categoryId?: string;
  /** With categoryId: its subcategories' rows too (the default), as budgets and the dashboard count them. */
  includeSubcategories?: boolean;
  type?: TransactionRow["type"];
  status?: TransactionRow["status"];
  startDate?: string;
  endDate?: string;
  search?: string;
  limit: number;
  offset: number;
}

const isBareDate = (s?: string) => s !== undefined && s.length === 10;

/**
 * The list's filters but its dates, on the space `space` names (NULL for a caller who may not see it, so
 * a stranger's batch reads none of its rows); `counted` when the total is a stored counter (only space
 * and account filters).
 */
function filterSql(f: ListFilters, space: SqlGuard): { where: string[]; params: SqlValue[]; counted: boolean } {
  const where = [`t.space_id = ${space.sql}`];
  const params: SqlValue[] = [...space.params];
  const add = (clause: string, ...values: SqlValue[]) => (where.push(clause), params.push(...values));
  // The account is named through the guard as well: SQLite may read the page from the account's index,
  // where a NULL space would only be tested row by row.
  if (f.accountId) {
    const account = guardedValue(f.accountId, { sql: `${space.sql} IS NOT NULL`, params: space.params });
    add(`t.account_id = ${account.sql}`, ...account.params);
  }
  if (f.categoryId) {
    // A parent's rows and its subcategories' (QA listed a budget's "Food & Dining" and found none: they were all
    // in "Restaurants" and "Groceries"). Subcategories of the space's own category only: the guard names the space.
    if (f.includeSubcategories === false) add("t.category_id = ?", f.categoryId);
    else add(`t.category_id IN (SELECT id FROM categories WHERE space_id = ${space.sql} AND (id = ? OR parent_id = ?))`, ...space.params, f.categoryId, f.categoryId);
  }
  if (f.type) add("t.type = ?", f.type);
  if (f.status) add("t.status = ?", f.status);
  if (f.search) {
    // Folded texts compared folded (lib/search-text.ts), each text on its own: a text without its copy yet (an old
    // row the backfill has not reached, whose other text an edit may have folded) is compared as written, ASCII case
    // folded by SQLite's lower() on both sides (as LIKE did). A term that folds to nothing (a lone accent) is looked
    // for as written rather than matching every row. `instr`, not LIKE: D1 refuses a LIKE pattern over 50 bytes (a
    // 500 for any term past 48 letters), and a term has no wildcards to escape.
    const folded = foldForSearch(f.search) || f.search;
    add(
      `(instr(t.description_folded, ?) > 0 OR (t.description_folded IS NULL AND instr(lower(t.description), lower(?)) > 0)
        OR instr(t.merchant_folded, ?) > 0 OR (t.merchant_folded IS NULL AND instr(lower(t.merchant_name), lower(?)) > 0))`,
      folded, f.search, folded, f.search,
    );
  }
  const counted = !f.categoryId && !f.type && !f.status && !f.startDate && !f.endDate && !f.search;
  return { where, params, counted };
}

/**
 * A page's SQL: the filter's parameters, then limit and offset. Its order is the indexes' (space or
 * account, date, id: migration 0016), so a page reads its rows in order and stops.
 */
export const pageSql = (where: string) => `${selectPage(where)} LIMIT ? OFFSET ?`;

/** A page's rows (with their category and account names) in the indexes' order, without its limit. */
const selectPage = (where: string) =>
  `SELECT ${TRANSACTION_COLUMNS}, c.name AS category_name, c.color AS category_color, a.name AS account_name
     FROM transactions t LEFT JOIN categories c ON c.id = t.category_id LEFT JOIN accounts a ON a.id = t.account_id
    WHERE ${where} ORDER BY t.date DESC, t.id DESC`;

/**
 * The page and its total. Without a date filter the page is read as it stands and an unfiltered total is
 * a counter; a date filter is read zone-free (the zone comes in the same batch) and trimmed afterwards.
 */
function listStatements(db: D1Database, f: ListFilters, space: SqlGuard): D1PreparedStatement[] {
  const { where, params, counted } = filterSql(f, space);
  const w = where.join(" AND ");
  if (f.startDate || f.endDate) {
    return zoneFreePageStatements(db, { page: selectPage, where, params, window: { from: f.startDate, to: f.endDate }, limit: f.limit, offset: f.offset });
  }
  const total = !counted
    ? db.prepare(`SELECT COUNT(*) AS n FROM transactions t WHERE ${w}`).bind(...params)
    : f.accountId
      ? db.prepare(`SELECT transaction_count AS n FROM accounts WHERE id = ? AND space_id = ${space.sql}`).bind(f.accountId, ...space.params)
      : db.prepare(`SELECT transaction_count AS n FROM spaces WHERE id = ${space.sql}`).bind(...space.params);
  return [db.prepare(pageSql(w)).bind(...params, f.limit, f.offset), total];
}

const totalOf = (total: D1Result) => (total.results[0] as { n: number } | undefined)?.n ?? 0;

async function present(svc: Services, f: ListFilters, tz: string, raw: Record<string, unknown>[], n: number) {
  const rows = raw.map(transactionOfRow);
  const categories = raw.filter((r) => r.category_name != null).map((r) => ({ id: r.category_id as string, name: r.category_name as string, color: (r.category_color ?? null) as string | null }));
  const accounts = raw.filter((r) => r.account_name != null).map((r) => ({ id: r.account_id as string, name: r.account_name as string }));
  return { transactions: await presentTransactions(svc, rows, { categories, accounts, timezone: tz }), pagination: pagination(n, f.limit, f.offset) };
}

export async function listTransactions(svc: Services, auth: AuthContext, f: ListFilters) {
  const db = svc.env.DB;
  const { membership, results } = await readSpace(svc, auth, f.spaceId, "viewer", (space) => listStatements(db, f, space));
  const tz = membership.space.timezone;
  if (f.startDate || f.endDate) {
    const again = (w: ZoneFreeWindow) => listStatements(db, { ...f, startDate: w.from, endDate: w.to }, guardedValue(f.spaceId));
    const { rows, total } = await zoneFreePage(db, { from: f.startDate, to: f.endDate }, tz, f.limit, results, again);
    return present(svc, f, tz, rows, total);
  }
  const [page, total] = results;
  return present(svc, f, tz, page!.results as Record<string, unknown>[], totalOf(total!));
}

/*
 * Date filters read before the space's zone is known (in the batch of the checks that read it). A bare
 * date's instant is its local midnight, which no zone puts a day or more from UTC's (tzdb's offsets stay
 * within ±16 hours; a DST gap moves a midnight an hour or two). So the batch reads the window every zone's
 * could be, widened by a day each side, with the dates of the rows in the two bands where its true ends
 * may fall; once the zone is known the page is trimmed to the true window exactly.
 */
const ZONE_MARGIN_MS = 86_400_000;
/**
 * The most rows of the two bands a page reads besides its own: a day of thousands of rows (an import) at
 * an end of the window would otherwise be read by every page that ends there. Past it, the page is read
 * again over the exact window, once the zone is known (a second round trip, for such days only).
 */
const BAND_ROWS_READ_AT_MOST = 500;

/** Where the instant a bound stands for may fall, whatever the zone: [lo, hi); a date-time's is exact (lo = hi). */
export interface Band {
  lo: number;
  hi: number;
}

export const bandOf = (value: string, bound: (value: string, tz: string) => number): Band => {
  const utc = bound(value, "UTC");
  return isBareDate(value) ? { lo: utc - ZONE_MARGIN_MS, hi: utc + ZONE_MARGIN_MS } : { lo: utc, hi: utc };
};

/** Instant `at` (what `value` stands for in zone `tz`), refused unless inside the band it was read with: a wrong answer is worse than none. */
export function inBand(at: number, band: Band, tz: string, value: string): number {
  if (at < band.lo || at > band.hi) throw new Error(`The zone ${tz} puts ${value} outside its band`);
  return at;
}

/** A `from`/`to` date filter (instantIn, rangeEndExclusive), its ends' bands known before the zone is. */
export interface ZoneFreeWindow {
  from?: string;
  to?: string;
}

/**
 * A newest-first page of `transactions t` over a date window read before the zone is known: `page(where)`
 * is the page's `SELECT ... WHERE ${where} ORDER BY t.date DESC, t.id DESC` (LIMIT and OFFSET are added);
 * `where`/`params` filter the rows (the space named by them). The statements: the page from the widened
 * window with room for the rows past its true end, the dates in the ends' bands, and (unless `count` is
 * false) the widened window's count, for the total.
 */
export function zoneFreePageStatements(
  db: D1Database,
  q: { page: (where: string) => string; where: string[]; params: SqlValue[]; window: ZoneFreeWindow; limit: number; offset: number; count?: boolean },
): D1PreparedStatement[] {
  const from = q.window.from ? bandOf(q.window.from, instantIn) : undefined;
  const to = q.window.to ? bandOf(q.window.to, rangeEndExclusive) : undefined;
  const where = [...q.where];
  const params = [...q.params];
  if (from) (where.push("t.date >= ?"), params.push(from.lo));
  if (to) (where.push("t.date < ?"), params.push(to.hi));
  const bands = [from, to].filter((b): b is Band => b !== undefined && b.lo < b.hi);
  const inBands = bands.length ? `(${bands.map(() => "(t.date >= ? AND t.date < ?)").join(" OR ")})` : "0";
  const bandParams = bands.flatMap((b) => [b.lo, b.hi]);
  const w = where.join(" AND ");
  // Room for the rows between the true end and the widened one: at most the rows in the end's band, counted
  // no further than the bands are read.
  const room = to && to.lo < to.hi
    ? `(SELECT COUNT(*) FROM (SELECT 1 FROM transactions t WHERE ${w} AND t.date >= ? LIMIT ${BAND_ROWS_READ_AT_MOST + 1}))`
    : "0";
  const roomParams = to && to.lo < to.hi ? [...params, to.lo] : [];
  return [
    db.prepare(`${q.page(w)} LIMIT ? + ${room} OFFSET ?`).bind(...params, q.limit, ...roomParams, q.offset),
    db.prepare(`SELECT t.date FROM transactions t WHERE ${w} AND ${inBands} LIMIT ${BAND_ROWS_READ_AT_MOST + 1}`).bind(...params, ...bandParams),
    ...(q.count === false ? [] : [db.prepare(`SELECT COUNT(*) AS n FROM transactions t WHERE ${w}`).bind(...params)]),
  ];
}

/**
 * zoneFreePageStatements' results trimmed to the window in zone `tz`: exactly the page and total (if
 * counted) the true window gives; null when its bands held more rows than were read.
 */
function trimmedPage(
  window: ZoneFreeWindow, tz: string, limit: number, [page, bands, count]: D1Result[],
): { rows: Record<string, unknown>[]; total: number } | null {
  if (bands!.results.length > BAND_ROWS_READ_AT_MOST) return null;
  const start = window.from ? instantIn(window.from, tz) : -Infinity;
  const end = window.to ? rangeEndExclusive(window.to, tz) : Infinity;
  for (const [value, at, bound] of [[window.from, start, instantIn], [window.to, end, rangeEndExclusive]] as const) {
    if (value !== undefined) inBand(at, bandOf(value, bound), tz, value);
  }
  const dates = (bands!.results as { date: number }[]).map((r) => r.date);
  // The widened window's newest rows past the true end come first, its oldest before the true start last.
  const after = dates.filter((d) => d >= end).length;
  // Outside the true window, each row once: a window that ends before it starts has rows both after its
  // end and before its start.
  const outside = dates.filter((d) => d >= end || d < start).length;
  const rows = (page!.results as Record<string, unknown>[]).slice(after, after + limit).filter((r) => (r.date as number) >= start);
  return { rows, total: count ? totalOf(count) - outside : NaN };
}

/** The window's exact instants in zone `tz`, as date-times (a band of none). */
const exactWindow = (window: ZoneFreeWindow, tz: string): ZoneFreeWindow => ({
  from: window.from === undefined ? undefined : new Date(instantIn(window.from, tz)).toISOString(),
  to: window.to === undefined ? undefined : new Date(rangeEndExclusive(window.to, tz) - 1).toISOString(),
});

/**
 * zoneFreePageStatements' results (`results`, read with `window`) trimmed to the window in zone `tz`:
 * exactly the page and total (if counted) the true window gives. When a band held more rows than a page
 * reads besides its own, `statementsFor` is read again over the exact window (the checks have passed).
 */
export async function zoneFreePage(
  db: D1Database, window: ZoneFreeWindow, tz: string, limit: number, results: D1Result[],
  statementsFor: (window: ZoneFreeWindow) => D1PreparedStatement[],
): Promise<{ rows: Record<string, unknown>[]; total: number }> {
  const exact = exactWindow(window, tz);
  return trimmedPage(window, tz, limit, results) ?? trimmedPage(exact, tz, limit, await db.batch(statementsFor(exact)))!;
}

/**
 * An account's transactions: the session, the account, the caller's role, the page and its total in one
 * round trip. A bare-date filter is read zone-free (zoneFreePageStatements) and trimmed to the space's zone.
 */
export async function listAccountTransactions(
  svc: Services,
  auth: AuthContext,
  accountId: string,
  q: { transactionType?: TransactionRow["type"]; status?: TransactionRow["status"]; startDate?: string; endDate?: string; limit: number; offset: number },
) {
  const db = svc.env.DB;
  const space = accountSpace(svc, auth, accountId);
  const account = guardedAccountId(svc, auth, accountId);
  const where = [`t.space_id = ${space.sql}`, `t.account_id = ${account.sql}`];
  const params: SqlValue[] = [...space.params, ...account.params];
  if (q.transactionType) (where.push("t.type = ?"), params.push(q.transactionType));
  if (q.status) (where.push("t.status = ?"), params.push(q.status));
  const window = { from: q.startDate, to: q.endDate };
  // Without a date or type filter, the total is the account's counter (as listTransactions keeps it).
  const counted = !q.transactionType && !q.status && !q.startDate && !q.endDate;
  const pageOver = (w: ZoneFreeWindow) => zoneFreePageStatements(db, { page: selectPage, where, params, window: w, limit: q.limit, offset: q.offset });
  const reads = pageOver(window);
  if (counted) reads[2] = db.prepare(`SELECT transaction_count AS n FROM accounts WHERE id = ${account.sql}`).bind(...account.params);
  const { membership, extra } = await accountFor(svc, auth, accountId, "viewer", reads);
  const tz = membership.space.timezone;
  const { rows, total } = await zoneFreePage(db, window, tz, q.limit, extra, pageOver);
  const f: ListFilters = { spaceId: membership.spaceId, accountId, limit: q.limit, offset: q.offset };
  const out = await present(svc, f, tz, rows, total);
  return { ...out, totalCount: out.pagination.total, hasMore: out.pagination.hasMore };
}

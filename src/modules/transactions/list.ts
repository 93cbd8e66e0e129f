/**
 * Transaction lists (seed 000 filters, offset pages). A list is one D1 round
 * trip when it can be: the session check, the membership check, the page
 * (with its categories and accounts joined) and the total go in one batch.
 * The page and total only read the space's rows if the caller is a member
 * (an `EXISTS` guard SQLite evaluates first), so authorization still comes
 * before any work on the space's data. The total of an unfiltered list (or
 * one filtered by account) is a counter kept in the batch that writes the
 * rows, never a count of them. A bare-date filter needs the space's time zone
 * first, which costs a second round trip.
 */
import type { AuthContext, Services } from "../../env";
import { transactions } from "../../db/schema";
import { instantIn, rangeEndExclusive } from "../../lib/dates";
import { forbidden, notFound } from "../../lib/errors";
import { pagination } from "../../lib/pagination";
import { rowReader } from "../../lib/sql";
import { accountFor } from "../accounts/service";
import { useEmergencyGrant } from "../lifebeat/grant-access";
import {
  ACCESS_GUARD_SQL, atLeast, MEMBERSHIP_SQL, membershipOf, membershipParams, type MembershipRow, requireSpaceRole, withSessionCheck,
} from "../spaces/access";
import { presentTransactions, type TransactionRow } from "./service";

export interface ListFilters {
  spaceId: string;
  accountId?: string;
  categoryId?: string;
  type?: TransactionRow["type"];
  status?: TransactionRow["status"];
  startDate?: string;
  endDate?: string;
  search?: string;
  limit: number;
  offset: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
const isBareDate = (s?: string) => s !== undefined && s.length === 10;

/** True when the caller may read the space: evaluated once, before any of the space's rows. */
const MEMBER_GUARD = ACCESS_GUARD_SQL;

/** A raw `transactions` row read as drizzle would (the helper every batched read uses). */
/** A Dhanam transaction from a raw `transactions` row (`SELECT t.*`). */
export const transactionOfRow = rowReader(transactions);

interface Query {
  where: string;
  params: (string | number)[];
  /** Only space (and account) filters: the total is a stored counter. */
  counted: boolean;
}

function filterSql(f: ListFilters, tz: string): Query {
  const where = ["t.space_id = ?"];
  const params: (string | number)[] = [f.spaceId];
  const add = (clause: string, ...values: (string | number)[]) => (where.push(clause), params.push(...values));
  if (f.accountId) add("t.account_id = ?", f.accountId);
  if (f.categoryId) add("t.category_id = ?", f.categoryId);
  if (f.type) add("t.type = ?", f.type);
  if (f.status) add("t.status = ?", f.status);
  if (f.startDate) add("t.date >= ?", instantIn(f.startDate, tz));
  if (f.endDate) add("t.date < ?", rangeEndExclusive(f.endDate, tz));
  if (f.search) {
    const pattern = `%${escapeLike(f.search)}%`;
    add("(t.description LIKE ? ESCAPE '\\' OR t.merchant_name LIKE ? ESCAPE '\\')", pattern, pattern);
  }
  const counted = !f.categoryId && !f.type && !f.status && !f.startDate && !f.endDate && !f.search;
  return { where: where.join(" AND "), params, counted };
}

/**
 * A page's SQL: the guard's parameters, then the filter's, then limit and offset. Its order is the
 * indexes' (space or account, date, id: migration 0016), so a page reads its rows in order and stops.
 */
export const pageSql = (where: string) =>
  `SELECT t.*, c.name AS category_name, c.color AS category_color, a.name AS account_name
     FROM transactions t LEFT JOIN categories c ON c.id = t.category_id LEFT JOIN accounts a ON a.id = t.account_id
    WHERE ${MEMBER_GUARD} AND ${where} ORDER BY t.date DESC, t.id DESC LIMIT ? OFFSET ?`;

/** The page and its total, each guarded by the caller's membership. */
function pageStatements(svc: Services, auth: AuthContext, f: ListFilters, q: Query): D1PreparedStatement[] {
  const db = svc.env.DB;
  const guard = membershipParams(f.spaceId, auth.userId, svc.clock.now());
  const page = db.prepare(pageSql(q.where)).bind(...guard, ...q.params, f.limit, f.offset);
  const total = !q.counted
    ? db.prepare(`SELECT COUNT(*) AS n FROM transactions t WHERE ${MEMBER_GUARD} AND ${q.where}`).bind(...guard, ...q.params)
    : f.accountId
      ? db.prepare(`SELECT transaction_count AS n FROM accounts WHERE ${MEMBER_GUARD} AND id = ? AND space_id = ?`).bind(...guard, f.accountId, f.spaceId)
      : db.prepare(`SELECT transaction_count AS n FROM spaces WHERE ${MEMBER_GUARD} AND id = ?`).bind(...guard, f.spaceId);
  return [page, total];
}

async function present(svc: Services, f: ListFilters, tz: string, page: D1Result, total: D1Result) {
  const raw = page.results as Record<string, unknown>[];
  const rows = raw.map(transactionOfRow);
  const categories = raw.filter((r) => r.category_name != null).map((r) => ({ id: r.category_id as string, name: r.category_name as string, color: (r.category_color ?? null) as string | null }));
  const accounts = raw.filter((r) => r.account_name != null).map((r) => ({ id: r.account_id as string, name: r.account_name as string }));
  const n = (total.results[0] as { n: number } | undefined)?.n ?? 0;
  return { transactions: await presentTransactions(svc, rows, { categories, accounts, timezone: tz }), pagination: pagination(n, f.limit, f.offset) };
}

export async function listTransactions(svc: Services, auth: AuthContext, f: ListFilters) {
  if (isBareDate(f.startDate) || isBareDate(f.endDate)) {
    // The days are the space's: its zone comes with the membership check, then the page.
    const { space } = await requireSpaceRole(svc, auth, f.spaceId, "viewer");
    const [page, total] = await svc.env.DB.batch(pageStatements(svc, auth, f, filterSql(f, space.timezone)));
    return present(svc, f, space.timezone, page!, total!);
  }
  // Instants only: the zone is not needed to query, so everything is one batch.
  const [member, page, total] = await withSessionCheck(svc, auth, [
    svc.env.DB.prepare(MEMBERSHIP_SQL).bind(...membershipParams(f.spaceId, auth.userId, svc.clock.now())),
    ...pageStatements(svc, auth, f, filterSql(f, "UTC")),
  ]);
  const m = membershipOf(f.spaceId, member!.results[0] as MembershipRow | undefined);
  if (!m) throw notFound("Space");
  if (m.grantId) await useEmergencyGrant(svc, auth, m, "viewer");
  if (!atLeast(m.role, "viewer")) throw forbidden();
  return present(svc, f, m.space.timezone, page!, total!);
}

export async function listAccountTransactions(
  svc: Services,
  auth: AuthContext,
  accountId: string,
  q: { transactionType?: TransactionRow["type"]; status?: TransactionRow["status"]; startDate?: string; endDate?: string; limit: number; offset: number },
) {
  const { account, membership } = await accountFor(svc, auth, accountId, "viewer");
  const f: ListFilters = { ...q, type: q.transactionType, spaceId: account.spaceId, accountId };
  const tz = membership.space.timezone;
  const [page, total] = await svc.env.DB.batch(pageStatements(svc, auth, f, filterSql(f, tz)));
  const out = await present(svc, f, tz, page!, total!);
  return { ...out, totalCount: out.pagination.total, hasMore: out.pagination.hasMore };
}

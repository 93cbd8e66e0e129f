/**
 * The guard and the read of a manual write built from remembered facts (remembered-writers.ts), its
 * category named or chosen by a remembered categorizer (categories/remembered-categorizers.ts). Both run in the space ledger's own batch, the guard before any statement of
 * the write and the read after them, so the access check, the write and what the response shows are one
 * D1 round trip, made by the ledger.
 */
import type { Services } from "../../env";
import { GUARD_PREFIX } from "../../lib/batch-guard";
import type { PostCommitRead, WriteGuard } from "../ledger/operations";
import { liveSessionSql, type SessionRow } from "../auth/tokens";
import { memberAtLeastSql } from "../spaces/access";
import type { WriterFacts } from "./remembered-writers";


/**
 * Refuses the batch unless, as the batch runs: the session is live; the user is a member who may write
 * in the space (an emergency grant reads only), which is not deleted and still has the remembered zone;
 * the account is in the space, active and in the remembered currency; and `last` holds. The same
 * conditions, in the same tables, that the ordinary checks read (accountFor, requireRole,
 * requireInSpace, requireCurrency).
 */
const guardSql = (last: string) => `${GUARD_PREFIX}1 WHERE NOT (
  ${liveSessionSql("?", "?", "?")}
  AND ${memberAtLeastSql("?", "?", "member", " AND sp.timezone = ?")}
  AND EXISTS (SELECT 1 FROM accounts a WHERE a.id = ? AND a.space_id = ? AND a.is_active = 1 AND a.currency = ?)
  AND ${last})`;

/** A write that names its category: the category is the space's (categoryStatement's check). */
const NAMED_GUARD_SQL = guardSql("EXISTS (SELECT 1 FROM categories c WHERE c.id = ? AND c.space_id = ?)");
/**
 * A write categorized (or left uncategorized) from a remembered categorizer: the space's categories,
 * rules and model are still as they were read, so the ordinary path would choose the same.
 */
const CHOSEN_GUARD_SQL = guardSql("COALESCE((SELECT v.version FROM categorizer_versions v WHERE v.space_id = ?), 0) = ?");

export type GuardedWrite = {
  userId: string;
  sessionId: string;
  accountId: string;
  facts: WriterFacts;
} & (
  /** The category the write names. */
  | { categoryId: string; chosenAt?: undefined }
  /** The category a remembered categorizer chose (null: none), and the categorizer version it was read at. */
  | { categoryId: string | null; chosenAt: number }
);

export function writeGuard(svc: Services, w: GuardedWrite): WriteGuard {
  const { spaceId, timezone, currency } = w.facts;
  const access = [w.sessionId, w.userId, svc.clock.now(), spaceId, w.userId, timezone, w.accountId, spaceId, currency];
  if (w.chosenAt !== undefined) return { sql: CHOSEN_GUARD_SQL, params: [...access, spaceId, w.chosenAt] };
  return { sql: NAMED_GUARD_SQL, params: [...access, w.categoryId, spaceId] };
}

/** The session row (to complete the caller's context) and the names the response shows, as the write leaves them. */
export function guardedWriteRead(w: GuardedWrite): PostCommitRead {
  return {
    sql: `SELECT u.email, u.two_factor_enabled, s.revoked_at, s.expires_at, s.step_up_at,
                 a.name AS account_name, c.name AS category_name, c.color AS category_color
            FROM sessions s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = ? LEFT JOIN categories c ON c.id = ?
           WHERE s.id = ? AND s.user_id = ?`,
    params: [w.accountId, w.categoryId, w.sessionId, w.userId],
  };
}

export type GuardedWriteRow = SessionRow & { account_name: string; category_name: string | null; category_color: string | null };

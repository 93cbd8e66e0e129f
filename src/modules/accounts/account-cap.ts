/**
 * How many accounts a space may hold, and the guard that keeps a manual account's creation within it.
 *
 * Every account of a space is read by every listing of the caller's spaces (`GET /v1/spaces` shows each space's
 * accounts), the accounts summary, the dashboard, the forecast and the net worth; an account is never deleted (one
 * disconnected keeps its history and balance). Without a bound, one member creating accounts (a thousand an hour
 * under `general`) made those reads grow for every member of the space: 900 accounts made `GET /v1/spaces` 114 KB
 * and the forecast 272 KB. Provider syncs are not refused (an institution's accounts are what they are); they count.
 */
import type { Services } from "../../env";
import { validationFailed } from "../../lib/errors";
import { GUARD_PREFIX } from "../../lib/batch-guard";
import { memberAtLeastSql } from "../spaces/access";

export const MAX_ACCOUNTS_PER_SPACE = 1000;

const COUNT_SQL = "(SELECT COUNT(*) FROM accounts WHERE space_id = ?)";

export const accountLimitReached = () =>
  validationFailed([{ field: "spaceId", message: `A space may hold at most ${MAX_ACCOUNTS_PER_SPACE} accounts`, code: "LIMIT_REACHED" }]);

/**
 * `svc` (from asMemberServices, whose guard lets the write land only while the caller may still write in the live space)
 * with the space's account count added to that guard: counted in the ledger's own batch, so concurrent creations cannot
 * all pass a count read before any of them lands. A refusal is the member check's answer when that no longer holds,
 * otherwise the 422. In a group commit every write's guard runs before any write's rows, so the guard alone let a
 * group of creations past the cap together: migration 0049's trigger counts each manual account as it is inserted.
 */
export function withinAccountCap(svc: Services, spaceId: string, userId: string): Services {
  const member = svc.commitGuard;
  if (!member) throw new Error("withinAccountCap: needs the member guard of asMemberServices");
  let refusal: Error | null = null;
  return {
    ...svc,
    commitGuard: {
      ...member,
      guard: {
        sql: `${GUARD_PREFIX}1 WHERE NOT (${memberAtLeastSql("?", "?", "member")} AND ${COUNT_SQL} < ?)`,
        params: [spaceId, userId, spaceId, MAX_ACCOUNTS_PER_SPACE],
      },
      holds: async () => {
        if (!(await member.holds())) {
          refusal = member.refused();
          return false;
        }
        const row = await svc.env.DB.prepare(`SELECT ${COUNT_SQL} AS n`).bind(spaceId).first<{ n: number }>();
        refusal = (row?.n ?? 0) >= MAX_ACCOUNTS_PER_SPACE ? accountLimitReached() : null;
        return refusal === null;
      },
      refused: () => refusal ?? member.refused(),
    },
  };
}

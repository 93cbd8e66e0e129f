/**
 * Dhanam accounts: manual ones created here (with an opening balance posted
 * from `equity:opening`), provider-fed ones created by syncs. The balance is
 * always the ledger's balance of `accounts:<id>` in the account's currency.
 */
import { eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { accounts } from "../../db/schema";
import { iso } from "../../lib/clock";
import { instantIn } from "../../lib/dates";
import { notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { assetOf, type Currency, CURRENCY_SCALES, formatMinor, moneyFields, parseMajor } from "../../lib/money";
import { pagination } from "../../lib/pagination";
import { inChunks, questionMarks, rowReader, type SqlGuard, type SqlValue } from "../../lib/sql";
import { accountAddress } from "../ledger/addresses";
import { runLedger } from "../ledger/client";
import { recordedAnswerOr } from "../ledger/recorded-answer";
import { bumpForecastEpoch } from "../analytics/forecast-epoch";
import { type OutboxRow } from "../webhooks/publish";
import { queueAnnounced, storedEventsRead, transactionCreatedEvent } from "../webhooks/transaction-events";
import type { Idempotency, SideEffect } from "../ledger/operations";
import type { TxIntent } from "../ledger/types";
import {
  ACCESS_GUARD_SQL, accessGuardOf, ACCOUNT_MEMBERSHIP_SQL, asMemberServices, asResource, readSpace, type Membership, membershipOf, membershipParams, type MembershipRow, requireRole, requireSpaceRole, type Role, withSessionCheck,
} from "../spaces/access";
import { OVERDRAFT_BY_DEFAULT, type AccountType } from "./schemas";
import { withinAccountCap } from "./account-cap";

export type AccountRow = typeof accounts.$inferSelect;

/**
 * The default date of an opening balance: before any entry a user can record (dates are years 1800 to 2999). The
 * second day of year 1, not the first: midnight of 0001-01-01 east of Greenwich is an instant of year 0 in UTC, which
 * clients cannot all hold (Python's datetime raised OverflowError converting such an opening balance to UTC).
 * Balances opened at 0001-01-01 before this change stay there; both are before anything else.
 */
const OPENING_OF_TIME = "0001-01-02";

const mask = (digits?: string) => (digits ? `****${digits.replace(/\D/g, "").slice(-4)}` : null);

/** A row of an account's ledger volumes: its address, an asset, and the balance in that asset. */
export type VolumeRow = { address: string; asset: string; balance: number };

/** Each account's balance (minor units) among volume rows read for it: its own address, in its currency; 0 when none. */
export function balancesIn(volumes: VolumeRow[], rows: AccountRow[]): Map<string, number> {
  const byKey = new Map(volumes.map((v) => [`${v.address}\n${v.asset}`, v.balance]));
  return new Map(rows.map((r) => [r.id, byKey.get(`${accountAddress(r.id)}\n${assetOf(r.currency as Currency)}`) ?? 0]));
}

/** Ledger balances (minor units) of the given accounts in their own currencies. */
export async function balancesOf(svc: Services, spaceId: string, rows: AccountRow[]): Promise<Map<string, number>> {
  const found = await inChunks(rows.map((r) => accountAddress(r.id)), 1, async (chunk) => {
    const res = await svc.env.DB.prepare(
      `SELECT address, asset, input - output AS balance FROM ledger_volumes WHERE space_id = ? AND address IN (${questionMarks(chunk.length)})`,
    )
      .bind(spaceId, ...chunk)
      .all<VolumeRow>();
    return res.results;
  });
  return balancesIn(found, rows);
}

/**
 * The reads of spaces' accounts with their balances: the accounts (oldest first), and the volumes of the
 * account addresses in them (read with balancesIn). `space` names the spaces as a condition on
 * `space_id` (an `IN` of one JSON list, or `=` a guarded value), so any number of spaces is one batch of
 * two statements.
 */
export function summaryReads(db: D1Database, space: { sql: string; params: SqlValue[] }): D1PreparedStatement[] {
  return [
    db.prepare(`SELECT * FROM accounts WHERE space_id ${space.sql} ORDER BY created_at`).bind(...space.params),
    // Account addresses only: 'accounts;' is the first string after every 'accounts:…'.
    db.prepare(`SELECT address, asset, input - output AS balance FROM ledger_volumes
                 WHERE space_id ${space.sql} AND address >= 'accounts:' AND address < 'accounts;'`).bind(...space.params),
  ];
}

export function presentAccount(a: AccountRow, balanceMinor: number) {
  return {
    id: a.id,
    spaceId: a.spaceId,
    name: a.name,
    type: a.type,
    subtype: a.subtype,
    provider: a.provider,
    currency: a.currency,
    ...moneyFields("balance", balanceMinor, CURRENCY_SCALES[a.currency as Currency]),
    isActive: a.isActive,
    allowOverdraft: a.allowOverdraft,
    lastSyncedAt: a.lastSyncedAt === null ? null : iso(a.lastSyncedAt),
    disconnectedAt: a.disconnectedAt === null ? null : iso(a.disconnectedAt),
    metadata: { institutionName: a.institutionName, accountNumber: a.accountNumberMask, routingNumber: a.routingNumberMask },
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

const readAccount = rowReader(accounts);

/**
 * The account and the caller's membership of its space; 404 when either is
 * missing. One D1 round trip: the caller's pending session check, the account,
 * the membership of the account's space and any `extra` statements go in one
 * batch (the session is verified before any result is looked at, and the
 * checks run in the order they always did). `extra` statements that read a
 * space's data must guard it themselves (ACCESS_GUARD_SQL); their results
 * come back in `extra`, to be looked at only after these checks passed.
 */
export async function accountFor(
  svc: Services,
  auth: AuthContext,
  accountId: string,
  min: Role,
  extra: D1PreparedStatement[] = [],
): Promise<{ account: AccountRow; membership: Membership; extra: D1Result[] }> {
  const db = svc.env.DB;
  const [found, member, ...rest] = await withSessionCheck(svc, auth, [
    db.prepare("SELECT * FROM accounts WHERE id = ?").bind(accountId),
    db.prepare(ACCOUNT_MEMBERSHIP_SQL).bind(...membershipParams(accountId, auth.userId, svc.clock.now())),
    ...extra,
  ]);
  const raw = found!.results[0];
  if (!raw) throw notFound("Account");
  const account = readAccount(raw);
  const membership = await asResource(requireRole(svc, auth, membershipOf(account.spaceId, member!.results[0] as MembershipRow | undefined), min), "Account");
  return { account, membership, extra: rest };
}

/**
 * A statement for accountFor's `extra`: the account `accountId` if it is in `spaceId` and the caller may
 * see that space (guarded, so a stranger's batch reads nothing). Read it with accountsIn.
 */
export function accountInSpaceStatement(svc: Services, auth: AuthContext, spaceId: string, accountId: string): D1PreparedStatement {
  return svc.env.DB.prepare(`SELECT * FROM accounts WHERE id = ? AND space_id = ? AND ${ACCESS_GUARD_SQL}`)
    .bind(accountId, spaceId, ...membershipParams(spaceId, auth.userId, svc.clock.now()));
}

/** The accounts a `SELECT * FROM accounts` read found (accountInSpaceStatement's: none or one). */
export function accountsIn(result: D1Result): AccountRow[] {
  return (result.results as Record<string, unknown>[]).map(readAccount);
}

/**
 * The session, the caller's role, the page of accounts, their count and their balances, in one round
 * trip. Every read but the role's names the space only when the caller may see it (guardedValue), so a
 * stranger's batch reads none of its rows.
 */
export async function listAccounts(
  svc: Services,
  auth: AuthContext,
  q: { spaceId: string; provider?: string; type?: string; limit: number; offset: number },
) {
  const db = svc.env.DB;
  const { results: [found, total, volumes] } = await readSpace(svc, auth, q.spaceId, "viewer", (space) => {
    const filters = [`a.space_id = ${space.sql}`];
    const params: SqlValue[] = [...space.params];
    if (q.provider) filters.push("a.provider = ?"), params.push(q.provider);
    if (q.type) filters.push("a.type = ?"), params.push(q.type);
    const page = `SELECT a.* FROM accounts a WHERE ${filters.join(" AND ")} ORDER BY a.created_at DESC LIMIT ? OFFSET ?`;
    return [
      db.prepare(page).bind(...params, q.limit, q.offset),
      db.prepare(`SELECT COUNT(*) AS n FROM accounts a WHERE ${filters.join(" AND ")}`).bind(...params),
      db.prepare(`SELECT v.address, v.asset, v.input - v.output AS balance FROM ledger_volumes v
                   WHERE v.space_id = ${space.sql} AND v.address IN (SELECT 'accounts:' || id FROM (${page}))`)
        .bind(...space.params, ...params, q.limit, q.offset),
    ];
  });
  const rows = accountsIn(found!);
  const balances = balancesIn(volumes!.results as VolumeRow[], rows);
  const n = (total!.results[0] as { n: number } | undefined)?.n ?? 0;
  return { accounts: rows.map((r) => presentAccount(r, balances.get(r.id)!)), pagination: pagination(n, q.limit, q.offset) };
}

/** A column of account `accountId` as SQL, NULL unless the caller may see the account's space. */
function guardedAccountColumn(svc: Services, auth: AuthContext, accountId: string, column: "id" | "space_id"): SqlGuard {
  return {
    sql: `(SELECT a.${column} FROM accounts a WHERE a.id = ? AND ${accessGuardOf("a.space_id")})`,
    params: [accountId, auth.userId, auth.userId, svc.clock.now()],
  };
}

/**
 * The space of account `accountId` as SQL, for accountFor's `extra` reads: NULL unless the caller may see
 * that space, so a stranger's batch reads none of its rows (`space_id = ${sql}`, binding `params`).
 */
export const accountSpace = (svc: Services, auth: AuthContext, accountId: string) => guardedAccountColumn(svc, auth, accountId, "space_id");

/**
 * The account's id as SQL, NULL unless the caller may see its space: for a read by account that SQLite
 * may plan on an account index, where a guarded space alone would be tested row by row.
 */
export const guardedAccountId = (svc: Services, auth: AuthContext, accountId: string) => guardedAccountColumn(svc, auth, accountId, "id");

/** The session, the account, the caller's role and the account's balance, in one round trip. */
export async function getAccount(svc: Services, auth: AuthContext, accountId: string) {
  const space = accountSpace(svc, auth, accountId);
  const { account, extra } = await accountFor(svc, auth, accountId, "viewer", [
    svc.env.DB.prepare(`SELECT v.address, v.asset, v.input - v.output AS balance FROM ledger_volumes v WHERE v.space_id = ${space.sql} AND v.address = ?`)
      .bind(...space.params, accountAddress(accountId)),
  ]);
  return presentAccount(account, balancesIn(extra[0]!.results as VolumeRow[], [account]).get(account.id)!);
}

export async function createManualAccount(
  svc: Services,
  auth: AuthContext,
  input: {
    spaceId: string; name: string; type: AccountType; subtype?: string; currency: Currency;
    openingBalance?: number | string; openingBalanceDate?: string; allowOverdraft?: boolean; institutionName?: string; accountNumber?: string; routingNumber?: string;
  },
  idempotency?: Idempotency,
) {
  const { space } = await requireSpaceRole(svc, auth, input.spaceId, "member");
  const scale = CURRENCY_SCALES[input.currency];
  let opening = 0;
  if (input.openingBalance !== undefined) {
    const parsed = parseMajor(input.openingBalance, scale);
    if (!parsed.ok) throw validationFailed([{ field: "openingBalance", message: parsed.reason, code: "INVALID_AMOUNT" }]);
    opening = parsed.minor;
  }
  const allowOverdraft = input.allowOverdraft ?? OVERDRAFT_BY_DEFAULT.has(input.type);
  if (opening < 0 && !allowOverdraft) {
    throw validationFailed([{ field: "openingBalance", message: "A negative opening balance needs allowOverdraft", code: "INSUFFICIENT_FUNDS" }]);
  }
  const now = svc.clock.now();
  const row: AccountRow = {
    id: newId("acc", now), spaceId: input.spaceId, name: input.name, type: input.type, subtype: input.subtype ?? null,
    currency: input.currency, provider: "manual", providerAccountId: null, institutionName: input.institutionName ?? null,
    accountNumberMask: mask(input.accountNumber), routingNumberMask: mask(input.routingNumber), isActive: true, allowOverdraft,
    lastSyncedAt: null, disconnectedAt: null, transactionCount: 0, createdAt: now, updatedAt: now,
  };
  const address = accountAddress(row.id);
  // The opening balance is what the account held before anything recorded here: by default it is dated
  // at the start of time, so entries back-dated to any day after it find the money there.
  const openedAt = instantIn(input.openingBalanceDate ?? OPENING_OF_TIME, space.timezone);
  const txs: TxIntent[] = [];
  const effects: SideEffect[] = [{ kind: "insertAccount", row }];
  // The opening balance is a transaction like any other to a `transaction.created` subscriber (transaction-events.ts).
  const events: OutboxRow[] = [];
  if (opening !== 0) {
    const amount = Math.abs(opening);
    const asset = assetOf(input.currency);
    txs.push({
      postings: [opening > 0 ? { source: "equity:opening", destination: address, amount, asset } : { source: address, destination: "equity:opening", amount, asset }],
      metadata: { kind: "opening_balance", accountId: row.id },
      timestamp: openedAt,
    });
    const openingRow = {
      id: newId("txn", now), spaceId: row.spaceId, accountId: row.id, amount: opening, currency: row.currency,
      description: "Opening balance", date: openedAt, type: "other" as const, subtype: "opening_balance", status: "posted" as const,
      createdAt: now, updatedAt: now,
    };
    events.push(transactionCreatedEvent(openingRow, null, space.timezone, now));
    effects.push({ kind: "insertTransaction", txIndex: 0, row: openingRow }, { kind: "insertEvent", row: events[0]!, onlyIfSubscribed: true });
  }
  // Committed only while the caller may still write in the live space (asMemberServices): one deleted meanwhile keeps
  // no account, and the write is answered as a request made after the deletion. And only while the space holds fewer
  // than MAX_ACCOUNTS_PER_SPACE accounts (account-cap.ts).
  const { replayed, returns, reads } = await runLedger(withinAccountCap(asMemberServices(svc, auth, input.spaceId, "member"), input.spaceId, auth.userId), {
    kind: "commit", spaceId: input.spaceId, txs, effects, idempotency, returns: { accountId: row.id },
    readAfter: events.length ? [storedEventsRead(events)] : [],
  }).catch(async (refusal: unknown) => {
    // The retry of a creation that committed, refused now that the space is full: replayed.
    const recorded = await recordedAnswerOr(svc, input.spaceId, idempotency, refusal);
    return { replayed: true, returns: recorded, reads: undefined };
  });
  if (!replayed && events.length) await queueAnnounced(svc, events, reads?.[0]);
  // After the change, so a forecast read before it cannot be cached at the epoch after it (forecast-epoch.ts).
  await bumpForecastEpoch(svc.env.DB, input.spaceId).run();
  // A replay names the account the first request created, shown as it is now.
  const stored = replayed ? await svc.db.select().from(accounts).where(eq(accounts.id, returns.accountId as string)).get() : row;
  if (!stored) throw notFound("Account");
  return { account: presentAccount(stored, (await balancesOf(svc, row.spaceId, [stored])).get(stored.id)!), replayed };
}

/**
 * Patches an account. The flags the ledger checks (overdraft, active) change
 * inside the space's ledger, in order with the writes: forbidding overdraft is
 * refused while the balance is below zero. Reconnecting or deactivating an
 * account undoes or does an admin's disconnect, so `isActive` needs an admin.
 */
export async function updateAccount(
  svc: Services,
  auth: AuthContext,
  accountId: string,
  patch: { name?: string; isActive?: boolean; allowOverdraft?: boolean; institutionName?: string },
) {
  const min = patch.isActive === undefined ? "member" : "admin";
  const { account } = await accountFor(svc, auth, accountId, min);
  // Switched back on, a provider account's connection reads its feed from the start (providers/reread.ts): the ledger
  // does it in the switch's batch. Only while the caller may still make the change in the live space (asMemberServices):
  // a deletion, removal or demotion meanwhile changes nothing and is answered as a request after it (404, 403).
  await runLedger(asMemberServices(svc, auth, account.spaceId, min, "Account"), { kind: "updateAccount", spaceId: account.spaceId, accountId, set: patch });
  await bumpForecastEpoch(svc.env.DB, account.spaceId).run();
  return getStoredAccount(svc, account.spaceId, accountId);
}

/** Disconnects an account: it stops syncing and accepting entries but keeps its history and balance. */
export async function disconnectAccount(svc: Services, auth: AuthContext, accountId: string) {
  const { account } = await accountFor(svc, auth, accountId, "admin");
  // Only while the caller is still an admin of the live space (asMemberServices, as updateAccount).
  await runLedger(asMemberServices(svc, auth, account.spaceId, "admin", "Account"), { kind: "updateAccount", spaceId: account.spaceId, accountId, set: { isActive: false } });
  await bumpForecastEpoch(svc.env.DB, account.spaceId).run();
  return getStoredAccount(svc, account.spaceId, accountId);
}

async function getStoredAccount(svc: Services, spaceId: string, accountId: string) {
  const stored = await svc.db.select().from(accounts).where(eq(accounts.id, accountId)).get();
  if (!stored) throw notFound("Account");
  return presentAccount(stored, (await balancesOf(svc, spaceId, [stored])).get(accountId)!);
}

/** Counts and exact per-currency totals of the space's active accounts (in the order the accounts were created). */
export async function accountSummary(svc: Services, auth: AuthContext, spaceId: string) {
  // The session, the caller's role, the accounts and their balances in one round trip.
  const { results: [found, volumes] } = await readSpace(svc, auth, spaceId, "viewer", (space) => summaryReads(svc.env.DB, { sql: `= ${space.sql}`, params: space.params }));
  const rows = accountsIn(found!);
  const active = rows.filter((r) => r.isActive);
  const balances = balancesIn(volumes!.results as VolumeRow[], active);
  // In bigints: each balance is exact, but several together can pass 2^53.
  const totals = new Map<string, bigint>();
  for (const a of active) totals.set(a.currency, (totals.get(a.currency) ?? 0n) + BigInt(balances.get(a.id)!));
  return {
    totalCount: rows.length,
    activeCount: active.length,
    totalBalanceByCurrency: Object.fromEntries(
      [...totals].map(([cur, minor]) => [cur, formatMinor(minor, CURRENCY_SCALES[cur as Currency])]),
    ),
  };
}

/**
 * The ledger API's domain layer (seed 004 semantics). Writes go to the space's
 * SpaceLedger Durable Object; reads come straight from D1.
 */
import type { AuthContext, Services } from "../../env";
import { iso } from "../../lib/clock";
import { type CursorPage, type CursorScope, openCursor, signCursor } from "../../lib/cursor";
import { notFound, validationFailed } from "../../lib/errors";
import { D1_MAX_PARAMS, inChunks, questionMarks } from "../../lib/sql";
import { checkBudgetAlerts } from "../budgets/alerts";
import {
  ACCESS_GUARD_SQL, MEMBERSHIP_SQL, membershipOf, membershipParams, type MembershipRow, requireRole, requireSpaceRole, withSessionCheck,
} from "../spaces/access";
import { dhanamOwnedPosting } from "./account-rules";
import { type AddressFilter, AddressFilterError, addressFilterSql, compileAddressFilter } from "./addresses";
import { verifyChain, type LogRow } from "./chain";
import { runLedger } from "./client";
import type { Idempotency } from "./operations";
import { txFromRow } from "./rows";
import {
  type AccountCursor,
  AccountCursorPayload,
  LogCursorPayload,
  MAX_METADATA_FILTERS,
  METADATA_KEY,
  type TxCursor,
  TxCursorPayload,
  type TxFilters,
} from "./schemas";
import type { CommittedTx, Metadata, TxIntent, VolumesByAccount } from "./types";

type TxInput = { postings: TxIntent["postings"]; reference?: string; metadata?: Metadata; timestamp?: string };

const toIntent = (t: TxInput): TxIntent => ({
  postings: t.postings,
  reference: t.reference,
  metadata: t.metadata,
  timestamp: t.timestamp ? Date.parse(t.timestamp) : undefined,
});

const withBalances = (v: VolumesByAccount) =>
  Object.fromEntries(
    Object.entries(v).map(([address, assets]) => [
      address,
      Object.fromEntries(Object.entries(assets).map(([asset, vol]) => [asset, { ...vol, balance: vol.input - vol.output }])),
    ]),
  );

export function presentTx(tx: CommittedTx) {
  return {
    ...tx,
    timestamp: iso(tx.timestamp),
    preCommitVolumes: withBalances(tx.preCommitVolumes),
    postCommitVolumes: withBalances(tx.postCommitVolumes),
  };
}

export async function createTransactions(
  svc: Services,
  auth: AuthContext,
  spaceId: string,
  txs: TxInput[],
  opts: { preview: boolean; idempotency?: Idempotency },
) {
  await requireSpaceRole(svc, auth, spaceId, "member");
  const owned = dhanamOwnedPosting(txs);
  if (owned) {
    throw validationFailed([{
      field: owned.field,
      message: `${owned.address} mirrors Dhanam accounts and categories; move its money with /v1/transactions so rows and ledger agree`,
      code: "RESERVED_ADDRESS",
    }]);
  }
  const { transactions, replayed } = await runLedger(svc, {
    kind: "commit",
    spaceId,
    txs: txs.map(toIntent),
    preview: opts.preview,
    idempotency: opts.idempotency,
  });
  return { transactions: transactions.map(presentTx), replayed };
}

export async function revertTransaction(svc: Services, auth: AuthContext, spaceId: string, txid: number, idempotency?: Idempotency) {
  await requireSpaceRole(svc, auth, spaceId, "member");
  const { transactions, replayed } = await runLedger(svc, {
    kind: "revert",
    spaceId,
    seq: txid,
    idempotency,
    effects: [{ kind: "voidTransactionsOf", seq: txid }],
  });
  // Reverting a Dhanam transaction voids its rows, which changes what its budgets have spent (a voided refund raises it).
  const voided = await svc.env.DB.prepare("SELECT DISTINCT category_id FROM transactions WHERE space_id = ? AND ledger_seq = ?")
    .bind(spaceId, txid)
    .all<{ category_id: string | null }>();
  await checkBudgetAlerts(svc, spaceId, voided.results.map((r) => r.category_id));
  return { transaction: presentTx(transactions[0]!), replayed };
}

export async function setTransactionMetadata(svc: Services, auth: AuthContext, spaceId: string, txid: number, metadata: Metadata) {
  await requireSpaceRole(svc, auth, spaceId, "member");
  await runLedger(svc, { kind: "setTransactionMetadata", spaceId, seq: txid, metadata });
}

export async function setAccountMetadata(svc: Services, auth: AuthContext, spaceId: string, address: string, metadata: Metadata) {
  await requireSpaceRole(svc, auth, spaceId, "member");
  await runLedger(svc, { kind: "setAccountMetadata", spaceId, address, metadata });
}

/*
 * Reads. Every one checks the caller's role in the space before it reads or
 * computes anything about the space's data, cursors and filters included, so
 * a space the caller is not in answers the same 404 whatever its data holds.
 */

/** Cursors are signed for the list and the space they page through. */
const cursorScope = (svc: Services, spaceId: string, route: string): CursorScope => ({ secret: svc.env.JWT_SECRET, spaceId, route });

export async function getTransaction(svc: Services, auth: AuthContext, spaceId: string, txid: number) {
  await requireSpaceRole(svc, auth, spaceId, "viewer");
  const row = await svc.env.DB.prepare("SELECT * FROM ledger_transactions WHERE space_id = ? AND seq = ?").bind(spaceId, txid).first();
  if (!row) throw notFound("Transaction");
  return presentTx(txFromRow(row));
}

/** `metadata[key]=value` query parameters, held to the limits their cursor is checked against. */
export function metadataFilters(url: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of new URL(url).searchParams) {
    if (!k.startsWith("metadata[") || !k.endsWith("]")) continue;
    const key = k.slice("metadata[".length, -1);
    if (!METADATA_KEY.test(key)) continue;
    if (v.length > 2048) throw validationFailed([{ field: k, message: "At most 2048 characters", code: "TOO_BIG" }]);
    out.push([key, v]);
  }
  if (out.length > MAX_METADATA_FILTERS) {
    throw validationFailed([{ field: "metadata", message: `At most ${MAX_METADATA_FILTERS} metadata filters`, code: "TOO_BIG" }]);
  }
  return out;
}

/** A filter the route has validated; a caller that skipped validation still gets a 422, not a 500. */
function filterOf(text: string, field: string): AddressFilter {
  try {
    return compileAddressFilter(text);
  } catch (e) {
    if (e instanceof AddressFilterError) throw validationFailed([{ field, message: e.message, code: "INVALID_PATTERN" }]);
    throw e;
  }
}

/** Fails loudly in development rather than at D1's parameter cap in production. */
function bound(params: unknown[]): void {
  if (params.length >= D1_MAX_PARAMS) throw new Error(`Statement would bind ${params.length} parameters`);
}

const txFiltersOf = (q: TxFilters): TxFilters => ({
  account: q.account,
  source: q.source,
  destination: q.destination,
  reference: q.reference,
  startTime: q.startTime,
  endTime: q.endTime,
  metadata: q.metadata,
});

export async function listTransactions(
  svc: Services,
  auth: AuthContext,
  spaceId: string,
  query: TxFilters & { pageSize: number; cursor?: string },
): Promise<CursorPage<ReturnType<typeof presentTx>>> {
  const scope = cursorScope(svc, spaceId, "ledger.transactions");
  // The session, the membership and the page in one round trip: the page's statement reads the space's
  // rows only for a caller who may see them (ACCESS_GUARD_SQL). The query is built first, from the
  // request alone; a cursor or filter it refuses is answered after the membership check, as before.
  // One instant for the membership check and the page's guard, so that both judge a grant alike.
  const now = svc.clock.now();
  let page: { sql: string; params: (string | number)[]; c: TxCursor; ascending: boolean };
  try {
    page = await txPageQuery(membershipParams(spaceId, auth.userId, now), spaceId, scope, query);
  } catch (e) {
    await requireSpaceRole(svc, auth, spaceId, "viewer");
    throw e;
  }
  const { c, ascending } = page;
  const f = c.f;
  const [member, res] = await withSessionCheck(svc, auth, [
    svc.env.DB.prepare(MEMBERSHIP_SQL).bind(...membershipParams(spaceId, auth.userId, now)),
    svc.env.DB.prepare(page.sql).bind(...page.params),
  ]);
  await requireRole(svc, auth, membershipOf(spaceId, member!.results[0] as MembershipRow | undefined), "viewer");
  let rows = res!.results as Record<string, unknown>[];
  const more = rows.length > c.n;
  rows = rows.slice(0, c.n);
  if (ascending) rows.reverse();
  const data = rows.map((r) => presentTx(txFromRow(r)));
  const first = data[0]?.txid;
  const last = data[data.length - 1]?.txid;
  const hasOlder = ascending ? true : more;
  const hasNewer = ascending ? more : c.before !== undefined;
  return {
    pageSize: c.n,
    hasMore: hasOlder && data.length > 0,
    next: hasOlder && last !== undefined ? await signCursor(scope, { f, before: last, n: c.n }) : undefined,
    previous: hasNewer && first !== undefined ? await signCursor(scope, { f, after: first, n: c.n }) : undefined,
    data,
  };
}

/** The SQL of a ledger transaction page, guarded by the caller's access (`guard`: its parameters, first). */
async function txPageQuery(
  guard: (string | number)[], spaceId: string, scope: CursorScope, query: TxFilters & { pageSize: number; cursor?: string },
) {
  const c: TxCursor = query.cursor ? await openCursor(scope, query.cursor, TxCursorPayload) : { f: txFiltersOf(query), n: query.pageSize };
  const f = c.f;
  const where: string[] = [ACCESS_GUARD_SQL, "t.space_id = ?"];
  const params: (string | number)[] = [...guard, spaceId];
  // Patterns match in SQL, so any number of matching addresses costs the same few parameters.
  if (f.account) {
    const m = addressFilterSql(filterOf(f.account, "account"), "e.address");
    where.push(`t.seq IN (SELECT e.seq FROM ledger_entries e WHERE e.space_id = ? AND ${m.sql})`);
    params.push(spaceId, ...m.params);
  }
  for (const side of ["source", "destination"] as const) {
    const text = f[side];
    if (!text) continue;
    const m = addressFilterSql(filterOf(text, side), `json_extract(p.value, '$.${side}')`);
    where.push(`EXISTS (SELECT 1 FROM json_each(t.postings) p WHERE ${m.sql})`);
    params.push(...m.params);
  }
  if (f.reference) (where.push("t.reference = ?"), params.push(f.reference));
  if (f.startTime) (where.push("t.timestamp >= ?"), params.push(Date.parse(f.startTime)));
  if (f.endTime) (where.push("t.timestamp < ?"), params.push(Date.parse(f.endTime)));
  for (const [k, v] of f.metadata ?? []) (where.push("json_extract(t.metadata, ?) = ?"), params.push(`$."${k}"`, v));
  const ascending = c.after !== undefined;
  if (c.before !== undefined) (where.push("t.seq < ?"), params.push(c.before));
  if (c.after !== undefined) (where.push("t.seq > ?"), params.push(c.after));
  params.push(c.n + 1);
  bound(params);
  const sql = `SELECT t.* FROM ledger_transactions t WHERE ${where.join(" AND ")} ORDER BY t.seq ${ascending ? "ASC" : "DESC"} LIMIT ?`;
  return { sql, params, c, ascending };
}

type AccountRow = { address: string; metadata: string };

async function volumesFor(svc: Services, spaceId: string, addresses: string[]) {
  const rows = await inChunks(addresses, 1, async (chunk) => {
    const res = await svc.env.DB.prepare(
      `SELECT address, asset, input, output FROM ledger_volumes WHERE space_id = ? AND address IN (${questionMarks(chunk.length)})`,
    )
      .bind(spaceId, ...chunk)
      .all<{ address: string; asset: string; input: number; output: number }>();
    return res.results;
  });
  const by = new Map<string, Record<string, { input: number; output: number; balance: number }>>();
  for (const r of rows) {
    const m = by.get(r.address) ?? {};
    m[r.asset] = { input: r.input, output: r.output, balance: r.input - r.output };
    by.set(r.address, m);
  }
  return by;
}

function presentAccount(row: AccountRow, volumes: Record<string, { input: number; output: number; balance: number }> = {}) {
  return {
    address: row.address,
    metadata: JSON.parse(row.metadata) as Metadata,
    volumes,
    balances: Object.fromEntries(Object.entries(volumes).map(([asset, v]) => [asset, v.balance])),
  };
}

export async function getAccount(svc: Services, auth: AuthContext, spaceId: string, address: string) {
  await requireSpaceRole(svc, auth, spaceId, "viewer");
  const row = await svc.env.DB.prepare("SELECT address, metadata FROM ledger_accounts WHERE space_id = ? AND address = ?")
    .bind(spaceId, address)
    .first<AccountRow>();
  // As in seed 004, an address that was never used is an empty account, not a 404.
  const vols = await volumesFor(svc, spaceId, [address]);
  return presentAccount(row ?? { address, metadata: "{}" }, vols.get(address));
}

export async function listAccounts(
  svc: Services,
  auth: AuthContext,
  spaceId: string,
  query: { address?: string; metadata?: [string, string][]; pageSize: number; cursor?: string },
): Promise<CursorPage<ReturnType<typeof presentAccount>>> {
  await requireSpaceRole(svc, auth, spaceId, "viewer");
  const scope = cursorScope(svc, spaceId, "ledger.accounts");
  const c: AccountCursor = query.cursor
    ? await openCursor(scope, query.cursor, AccountCursorPayload)
    : { f: { address: query.address, metadata: query.metadata }, n: query.pageSize };
  const where = ["space_id = ?"];
  const params: (string | number)[] = [spaceId];
  if (c.f.address) {
    const m = addressFilterSql(filterOf(c.f.address, "address"), "address");
    where.push(m.sql);
    params.push(...m.params);
  }
  for (const [k, v] of c.f.metadata ?? []) (where.push("json_extract(metadata, ?) = ?"), params.push(`$."${k}"`, v));
  if (c.after !== undefined) (where.push("address > ?"), params.push(c.after));
  params.push(c.n + 1);
  bound(params);
  const res = await svc.env.DB.prepare(`SELECT address, metadata FROM ledger_accounts WHERE ${where.join(" AND ")} ORDER BY address LIMIT ?`)
    .bind(...params)
    .all<AccountRow>();
  const more = res.results.length > c.n;
  const page = res.results.slice(0, c.n);
  const vols = await volumesFor(svc, spaceId, page.map((r) => r.address));
  const last = page[page.length - 1]?.address;
  return {
    pageSize: c.n,
    hasMore: more,
    next: more && last ? await signCursor(scope, { f: c.f, after: last, n: c.n }) : undefined,
    data: page.map((r) => presentAccount(r, vols.get(r.address))),
  };
}

/** Sum of balances per asset over the addresses matching `address` (all when omitted). */
export async function aggregatedBalances(svc: Services, auth: AuthContext, spaceId: string, address?: string) {
  await requireSpaceRole(svc, auth, spaceId, "viewer");
  const m = address ? addressFilterSql(filterOf(address, "address"), "address") : { sql: "1", params: [] };
  const rows = await svc.env.DB.prepare(
    `SELECT asset, SUM(input - output) AS balance FROM ledger_volumes WHERE space_id = ? AND ${m.sql} GROUP BY asset ORDER BY asset`,
  )
    .bind(spaceId, ...m.params)
    .all<{ asset: string; balance: number }>();
  return Object.fromEntries(rows.results.map((r) => [r.asset, r.balance]));
}

export async function stats(svc: Services, auth: AuthContext, spaceId: string) {
  await requireSpaceRole(svc, auth, spaceId, "viewer");
  const [tx, acc] = await svc.env.DB.batch<{ n: number }>([
    svc.env.DB.prepare("SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ?").bind(spaceId),
    svc.env.DB.prepare("SELECT COUNT(*) AS n FROM ledger_accounts WHERE space_id = ?").bind(spaceId),
  ]);
  return { transactions: tx!.results[0]!.n, accounts: acc!.results[0]!.n };
}

export async function listLogs(svc: Services, auth: AuthContext, spaceId: string, query: { pageSize: number; cursor?: string }) {
  await requireSpaceRole(svc, auth, spaceId, "viewer");
  const scope = cursorScope(svc, spaceId, "ledger.logs");
  const c = query.cursor ? await openCursor(scope, query.cursor, LogCursorPayload) : { before: Number.MAX_SAFE_INTEGER, n: query.pageSize };
  const res = await svc.env.DB.prepare("SELECT id, type, data, date, hash FROM ledger_logs WHERE space_id = ? AND id < ? ORDER BY id DESC LIMIT ?")
    .bind(spaceId, c.before, c.n + 1)
    .all<LogRow>();
  const more = res.results.length > c.n;
  const page = res.results.slice(0, c.n);
  return {
    pageSize: c.n,
    hasMore: more,
    next: more ? await signCursor(scope, { before: page[page.length - 1]!.id, n: c.n }) : undefined,
    data: page.map((r) => ({ id: r.id, type: r.type, data: JSON.parse(r.data) as unknown, hash: r.hash, date: iso(r.date) })),
  };
}

/** Recomputes the whole hash chain of the space's log, 1,000 rows at a time. */
export async function verifyLogs(svc: Services, auth: AuthContext, spaceId: string) {
  await requireSpaceRole(svc, auth, spaceId, "viewer");
  const PAGE = 1000;
  let state = { prevHash: undefined as string | undefined, nextId: 0, checked: 0 };
  for (;;) {
    const res = await svc.env.DB.prepare("SELECT id, type, data, date, hash FROM ledger_logs WHERE space_id = ? AND id >= ? ORDER BY id LIMIT ?")
      .bind(spaceId, state.nextId, PAGE)
      .all<LogRow>();
    const verdict = await verifyChain(res.results, state.prevHash, state.nextId, state.checked);
    if (!verdict.valid) return verdict;
    if (res.results.length < PAGE) return verdict;
    state = { prevHash: verdict.lastHash, nextId: state.nextId + res.results.length, checked: verdict.checked };
  }
}

/**
 * The ledger API's domain layer (seed 004 semantics). Writes go to the space's
 * SpaceLedger Durable Object; reads come straight from D1.
 */
import type { AuthContext, Services } from "../../env";
import { iso } from "../../lib/clock";
import { canonicalJson } from "../../lib/canonical-json";
import { type CursorPage, type CursorScope, openCursor, signCursor } from "../../lib/cursor";
import { notFound, validationFailed } from "../../lib/errors";
import { exactJsonInteger } from "../../lib/exact-json";
import { assertBindable, exactSumSql, readExactSum, type SqlGuard, type SqlValue } from "../../lib/sql";
import { checkBudgetAlerts } from "../budgets/alerts";
import { asMemberServices, readSpace, requireSpaceRole } from "../spaces/access";
import { dhanamOwnedPosting } from "./account-rules";
import { type AddressFilter, AddressFilterError, addressFilterSql, compileAddressFilter } from "./addresses";
import { verifyChain, type LogRow } from "./chain";
import { runLedger } from "./client";
import type { Idempotency } from "./operations";
import { txFromRow } from "./rows";
import { bytePage, cutPage } from "./page-bytes";
import {
  type AccountCursor,
  AccountCursorPayload,
  DEFAULT_PAGE_SIZE,
  type LogCursor,
  LogCursorPayload,
  VerifyCursorPayload,
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
  // Committed only while the caller may still write in the live space (asMemberServices; a preview writes nothing).
  const { transactions, replayed } = await runLedger(asMemberServices(svc, auth, spaceId, "member"), {
    kind: "commit",
    spaceId,
    txs: txs.map(toIntent),
    preview: opts.preview,
    idempotency: opts.idempotency,
    ledgerFields: true,
  });
  return { transactions: transactions.map(presentTx), replayed };
}

export async function revertTransaction(svc: Services, auth: AuthContext, spaceId: string, txid: number, idempotency?: Idempotency) {
  await requireSpaceRole(svc, auth, spaceId, "member");
  const { transactions, replayed } = await runLedger(asMemberServices(svc, auth, spaceId, "member"), {
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
  // Only while the caller may still write in the live space (asMemberServices, as a commit).
  await runLedger(asMemberServices(svc, auth, spaceId, "member"), { kind: "setTransactionMetadata", spaceId, seq: txid, metadata });
}

export async function setAccountMetadata(svc: Services, auth: AuthContext, spaceId: string, address: string, metadata: Metadata) {
  await requireSpaceRole(svc, auth, spaceId, "member");
  // Only while the caller may still write in the live space (asMemberServices, as a commit).
  await runLedger(asMemberServices(svc, auth, spaceId, "member"), { kind: "setAccountMetadata", spaceId, address, metadata });
}

/*
 * Reads. Every one checks the caller's role in the space before it reads or
 * computes anything about the space's data, cursors and filters included, so
 * a space the caller is not in answers the same 404 whatever its data holds.
 */

/** Cursors are signed for the list and the space they page through. */
const cursorScope = (svc: Services, spaceId: string, route: string): CursorScope => ({ secret: svc.env.JWT_SECRET, spaceId, route });

/**
 * What `build` makes of the request (a page's query from its cursor and filters), for a read that rides
 * in the membership batch and so must be built before it. A request `build` refuses is answered after
 * the membership check, as when the check came first: a stranger still gets the space's 404.
 */
async function builtForMember<T>(svc: Services, auth: AuthContext, spaceId: string, build: () => T | Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (e) {
    await requireSpaceRole(svc, auth, spaceId, "viewer");
    throw e;
  }
}

/** The session, the caller's role and the transaction, in one round trip. */
export async function getTransaction(svc: Services, auth: AuthContext, spaceId: string, txid: number) {
  const { results: [found] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    svc.env.DB.prepare(`SELECT * FROM ledger_transactions WHERE space_id = ${space.sql} AND seq = ?`).bind(...space.params, txid),
  ]);
  const row = found!.results[0] as Record<string, unknown> | undefined;
  if (!row) throw notFound("Transaction");
  return presentTx(txFromRow(row));
}

/** `metadata[key]=value` query parameters, held to the limits their cursor is checked against. */
export function metadataFilters(url: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of new URL(url).searchParams) {
    if (!k.startsWith("metadata[") || !k.endsWith("]")) continue;
    const key = k.slice("metadata[".length, -1);
    if (!METADATA_KEY.test(key)) {
      // Dropped, the filter would answer every transaction to a client that believes it is filtering.
      throw validationFailed([{ field: k, message: "A metadata key is 1 to 128 of A-Z, a-z, 0-9, _, . and -", code: "INVALID_KEY" }]);
    }
    if (v.length > 2048) throw validationFailed([{ field: k, message: "At most 2048 characters", code: "TOO_BIG" }]);
    out.push([key, v]);
  }
  if (out.length > MAX_METADATA_FILTERS) {
    throw validationFailed([{ field: "metadata", message: `At most ${MAX_METADATA_FILTERS} metadata filters`, code: "TOO_BIG" }]);
  }
  return out;
}

/**
 * Cursor `c`, checked against the filters and page size sent with it: a cursor carries the query it pages,
 * so one sent with different ones is refused (422) rather than answered with a page of another query. The
 * same ones again (a client that adds the cursor to its first URL) are fine.
 */
function sameQuery<C extends { n: number; f?: object }>(c: C, given: object, pageSize: number | undefined, start: Record<string, unknown> = {}): C {
  const carried = (c.f ?? {}) as Record<string, unknown>;
  // Metadata filters in any order are the same filters.
  const same = (v: unknown) => canonicalJson(Array.isArray(v) ? [...v].map((x) => canonicalJson(x)).sort() : v ?? null);
  const conflicts = Object.entries(given)
    .filter(([k, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0) && same(v) !== same(carried[k]))
    .map(([k]) => k);
  if (pageSize !== undefined && pageSize !== c.n) conflicts.push("pageSize");
  // Where a page starts is the cursor's to say: a start sent with it (seed 004's `after`) is a second answer.
  for (const [k, v] of Object.entries(start)) if (v !== undefined) conflicts.push(k);
  if (conflicts.length > 0) {
    throw validationFailed(conflicts.map((field) => ({
      field, message: "Differs from the query the cursor pages; send the cursor alone, or with the same filters and page size", code: "CURSOR_CONFLICT",
    })));
  }
  return c;
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
  query: TxFilters & { pageSize?: number; cursor?: string; after?: number },
): Promise<CursorPage<ReturnType<typeof presentTx>>> {
  const scope = cursorScope(svc, spaceId, "ledger.transactions");
  // The session, the membership and the page in one round trip; the page is built first, from the request alone.
  const page = await builtForMember(svc, auth, spaceId, () => txPageQuery(scope, query));
  const { c, ascending } = page;
  const f = c.f;
  const { results: [res] } = await readSpace(svc, auth, spaceId, "viewer", (space) => {
    const { sql, params } = page.sqlFor(space);
    return [svc.env.DB.prepare(sql).bind(...params)];
  });
  // At most c.n rows, fewer when they hold PAGE_CHARS (page-bytes.ts).
  const { rows, more } = cutPage(res!.results as Record<string, unknown>[], c.n);
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

/**
 * A ledger transaction page from the request: its cursor, whether it pages forward, and its SQL for the
 * space as readSpace names it. Cursor and filters are checked here (a refusal throws), before any read.
 */
async function txPageQuery(scope: CursorScope, query: TxFilters & { pageSize?: number; cursor?: string; after?: number }) {
  const c: TxCursor = query.cursor
    ? sameQuery(await openCursor(scope, query.cursor, TxCursorPayload), txFiltersOf(query), query.pageSize, { after: query.after })
    : { f: txFiltersOf(query), n: query.pageSize ?? DEFAULT_PAGE_SIZE, ...(query.after !== undefined ? { before: query.after } : {}) };
  const f = c.f;
  const account = f.account ? addressFilterSql(filterOf(f.account, "account"), "e.address") : undefined;
  const sides = (["source", "destination"] as const).flatMap((side) => {
    const text = f[side];
    return text ? [addressFilterSql(filterOf(text, side), `json_extract(p.value, '$.${side}')`)] : [];
  });
  const ascending = c.after !== undefined;
  const sqlFor = (space: SqlGuard) => {
    const where: string[] = [`t.space_id = ${space.sql}`];
    const params: SqlValue[] = [...space.params];
    // Patterns match in SQL, so any number of matching addresses costs the same few parameters.
    if (account) {
      where.push(`t.seq IN (SELECT e.seq FROM ledger_entries e WHERE e.space_id = ${space.sql} AND ${account.sql})`);
      params.push(...space.params, ...account.params);
    }
    for (const m of sides) {
      where.push(`EXISTS (SELECT 1 FROM json_each(t.postings) p WHERE ${m.sql})`);
      params.push(...m.params);
    }
    if (f.reference) (where.push("t.reference = ?"), params.push(f.reference));
    if (f.startTime) (where.push("t.timestamp >= ?"), params.push(Date.parse(f.startTime)));
    if (f.endTime) (where.push("t.timestamp < ?"), params.push(Date.parse(f.endTime)));
    for (const [k, v] of f.metadata ?? []) (where.push("json_extract(t.metadata, ?) = ?"), params.push(`$."${k}"`, v));
    if (c.before !== undefined) (where.push("t.seq < ?"), params.push(c.before));
    if (c.after !== undefined) (where.push("t.seq > ?"), params.push(c.after));
    params.push(c.n + 1);
    assertBindable(params);
    const dir = ascending ? "ASC" : "DESC";
    const page = `SELECT t.* FROM ledger_transactions t WHERE ${where.join(" AND ")} ORDER BY t.seq ${dir} LIMIT ?`;
    return { sql: bytePage(page, "length(p.postings) + length(p.metadata) + length(p.pre_volumes) + length(p.post_volumes)", "seq", dir), params };
  };
  return { c, ascending, sqlFor };
}

type AccountRow = { address: string; metadata: string };
type VolumeRow = { address: string; asset: string; input: number; output: number };

/**
 * The volumes of the accounts `addresses` names (SQL over ledger_accounts or a bound address, with its
 * parameters), read in the same batch as those accounts.
 */
function volumesStatement(db: D1Database, space: SqlGuard, addresses: { sql: string; params: SqlValue[] }): D1PreparedStatement {
  const params = [...space.params, ...addresses.params];
  assertBindable(params);
  return db.prepare(`SELECT address, asset, input, output FROM ledger_volumes WHERE space_id = ${space.sql} AND address IN (${addresses.sql})`).bind(...params);
}

/** volumesStatement's rows by address, then asset. */
function volumesByAddress(result: D1Result) {
  const by = new Map<string, Record<string, { input: number; output: number; balance: number }>>();
  for (const r of result.results as VolumeRow[]) {
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

/** The session, the caller's role, the account and its volumes, in one round trip. */
export async function getAccount(svc: Services, auth: AuthContext, spaceId: string, address: string) {
  const db = svc.env.DB;
  const { results: [found, volumes] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    db.prepare(`SELECT address, metadata FROM ledger_accounts WHERE space_id = ${space.sql} AND address = ?`).bind(...space.params, address),
    volumesStatement(db, space, { sql: "?", params: [address] }),
  ]);
  const row = found!.results[0] as AccountRow | undefined;
  // As in seed 004, an address that was never used is an empty account, not a 404.
  return presentAccount(row ?? { address, metadata: "{}" }, volumesByAddress(volumes!).get(address));
}

/**
 * The session, the caller's role, a page of accounts and their volumes, in one round trip: the volumes
 * are those of the page's addresses, read by the page's own query as a subquery.
 */
export async function listAccounts(
  svc: Services,
  auth: AuthContext,
  spaceId: string,
  query: { address?: string; metadata?: [string, string][]; pageSize?: number; cursor?: string; after?: string },
): Promise<CursorPage<ReturnType<typeof presentAccount>>> {
  const db = svc.env.DB;
  const scope = cursorScope(svc, spaceId, "ledger.accounts");
  const { c, filter } = await builtForMember(svc, auth, spaceId, async () => {
    const c: AccountCursor = query.cursor
      ? sameQuery(await openCursor(scope, query.cursor, AccountCursorPayload), { address: query.address, metadata: query.metadata }, query.pageSize, { after: query.after })
      : { f: { address: query.address, metadata: query.metadata }, n: query.pageSize ?? DEFAULT_PAGE_SIZE, ...(query.after !== undefined ? { below: query.after } : {}) };
    return { c, filter: c.f.address ? addressFilterSql(filterOf(c.f.address, "address"), "address") : undefined };
  });
  // Sorted by address, descending (seed 004); a previous page reads upward from its first address, then turns.
  const ascending = c.above !== undefined;
  const { results: [found, volumes] } = await readSpace(svc, auth, spaceId, "viewer", (space) => {
    const where = [`space_id = ${space.sql}`];
    const params: SqlValue[] = [...space.params];
    if (filter) (where.push(filter.sql), params.push(...filter.params));
    for (const [k, v] of c.f.metadata ?? []) (where.push("json_extract(metadata, ?) = ?"), params.push(`$."${k}"`, v));
    if (c.below !== undefined) (where.push("address < ?"), params.push(c.below));
    if (c.above !== undefined) (where.push("address > ?"), params.push(c.above));
    const page = `SELECT address, metadata FROM ledger_accounts WHERE ${where.join(" AND ")} ORDER BY address ${ascending ? "ASC" : "DESC"} LIMIT ?`;
    assertBindable([...params, c.n + 1]);
    return [
      db.prepare(page).bind(...params, c.n + 1),
      // The page's addresses without the one that only tells whether there is more.
      volumesStatement(db, space, { sql: `SELECT address FROM (${page})`, params: [...params, c.n] }),
    ];
  });
  const rows = found!.results as AccountRow[];
  const more = rows.length > c.n;
  const page = rows.slice(0, c.n);
  if (ascending) page.reverse();
  const vols = volumesByAddress(volumes!);
  const first = page[0]?.address;
  const last = page[page.length - 1]?.address;
  const hasLower = ascending ? true : more;
  const hasHigher = ascending ? more : c.below !== undefined;
  return {
    pageSize: c.n,
    hasMore: hasLower && page.length > 0,
    next: hasLower && last !== undefined ? await signCursor(scope, { f: c.f, below: last, n: c.n }) : undefined,
    previous: hasHigher && first !== undefined ? await signCursor(scope, { f: c.f, above: first, n: c.n }) : undefined,
    data: page.map((r) => presentAccount(r, vols.get(r.address))),
  };
}

/** Sum of balances per asset over the addresses matching `address` (all when omitted), with the session and role in one round trip. */
export async function aggregatedBalances(svc: Services, auth: AuthContext, spaceId: string, address?: string) {
  const m = await builtForMember(svc, auth, spaceId, () => (address ? addressFilterSql(filterOf(address, "address"), "address") : { sql: "1", params: [] }));
  const { results: [rows] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    svc.env.DB.prepare(`SELECT asset, ${exactSumSql("input - output")} AS balance FROM ledger_volumes WHERE space_id = ${space.sql} AND ${m.sql} GROUP BY asset ORDER BY asset`)
      .bind(...space.params, ...m.params),
  ]);
  // Each address's balance is exact; a sum over many can pass 2^53 (even 2^63), and is written with all its digits.
  return Object.fromEntries((rows!.results as { asset: string; balance: string }[]).map((r) => [r.asset, exactJsonInteger(readExactSum(r.balance))]));
}

/** The space's transaction and account counts, with the session and role in one round trip. */
export async function stats(svc: Services, auth: AuthContext, spaceId: string) {
  const { results: [tx, acc] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    svc.env.DB.prepare(`SELECT COUNT(*) AS n FROM ledger_transactions WHERE space_id = ${space.sql}`).bind(...space.params),
    svc.env.DB.prepare(`SELECT COUNT(*) AS n FROM ledger_accounts WHERE space_id = ${space.sql}`).bind(...space.params),
  ]);
  const count = (r: D1Result) => (r.results[0] as { n: number }).n;
  return { transactions: count(tx!), accounts: count(acc!) };
}

const logOfRow = (r: LogRow) => ({ id: r.id, type: r.type, data: JSON.parse(r.data) as unknown, hash: r.hash, date: iso(r.date) });

/** A page of the log, newest first, with the session and role in one round trip. */
export async function listLogs(svc: Services, auth: AuthContext, spaceId: string, query: { pageSize?: number; cursor?: string }) {
  const scope = cursorScope(svc, spaceId, "ledger.logs");
  const c: LogCursor = await builtForMember(svc, auth, spaceId, async () =>
    query.cursor
      ? sameQuery(await openCursor(scope, query.cursor, LogCursorPayload), {}, query.pageSize)
      : { n: query.pageSize ?? DEFAULT_PAGE_SIZE });
  // Newest first; a previous page reads upward from its first id, then turns.
  const ascending = c.after !== undefined;
  const { results: [res] } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    svc.env.DB.prepare(bytePage(
      `SELECT id, type, data, date, hash FROM ledger_logs WHERE space_id = ${space.sql} AND id ${ascending ? ">" : "<"} ? ORDER BY id ${ascending ? "ASC" : "DESC"} LIMIT ?`,
      "length(p.data)", "id", ascending ? "ASC" : "DESC",
    )).bind(...space.params, ascending ? c.after! : (c.before ?? Number.MAX_SAFE_INTEGER), c.n + 1),
  ]);
  // At most c.n rows, fewer when they hold PAGE_CHARS (page-bytes.ts).
  const { rows: page, more } = cutPage(res!.results as LogRow[], c.n);
  if (ascending) page.reverse();
  const hasOlder = ascending ? true : more;
  const hasNewer = ascending ? more : c.before !== undefined;
  return {
    pageSize: c.n,
    hasMore: hasOlder && page.length > 0,
    next: hasOlder && page.length > 0 ? await signCursor(scope, { before: page[page.length - 1]!.id, n: c.n }) : undefined,
    previous: hasNewer && page.length > 0 ? await signCursor(scope, { after: page[0]!.id, n: c.n }) : undefined,
    data: page.map(logOfRow),
  };
}

/** Rows of the log verifyLogs reads and checks at a time (fewer when they hold PAGE_CHARS: page-bytes.ts). */
const LOG_PAGE = 5000;

/**
 * The log from id `from` on: at most `rows` rows, fewer once they hold PAGE_CHARS characters of data (one row of a
 * large transaction holds a third of a megabyte, so 5,000 of them would be far past a Worker's memory), plus the
 * row after them when there is one (cutPage tells whether the log goes on).
 */
function logPage(db: D1Database, space: SqlGuard, from: number, rows: number): D1PreparedStatement {
  return db.prepare(bytePage(`SELECT id, type, data, date, hash FROM ledger_logs WHERE space_id = ${space.sql} AND id >= ? ORDER BY id LIMIT ?`, "length(p.data)", "id", "ASC"))
    .bind(...space.params, from, rows + 1);
}

/**
 * Logs one verification call rehashes at most. A whole chain grows without bound (80,000 logs took about a second,
 * and any viewer may ask): past this, the call answers what it checked with `hasMore` and a signed `next` that goes on
 * from there, with the hash the chain had reached.
 */
export const VERIFY_MAX_LOGS = 100_000;
/**
 * How long a verification's `next` may be sent. It vouches for the logs before it as they were when it was issued: a
 * cursor kept and replayed later would answer for a chain that may have been altered since.
 */
export const VERIFY_CURSOR_TTL_MS = 15 * 60_000;

/**
 * Recomputes the hash chain of the space's log, a page (logPage) at a time, from the start or from where `cursor`
 * stopped, at most VERIFY_MAX_LOGS rows a call; `checkedFrom` says where this call began. The first page rides in the
 * batch of the session and role checks (so a log of up to 5,000 small rows is one round trip); a longer log reads a
 * page per further round trip.
 */
export async function verifyLogs(svc: Services, auth: AuthContext, spaceId: string, cursor?: string) {
  const db = svc.env.DB;
  const scope = cursorScope(svc, spaceId, "ledger.logs.verify");
  const now = svc.clock.now();
  const from = await builtForMember(svc, auth, spaceId, async () => {
    if (!cursor) return null;
    const c = await openCursor(scope, cursor, VerifyCursorPayload);
    if (!(c.at <= now && now - c.at <= VERIFY_CURSOR_TTL_MS)) {
      throw validationFailed([{ field: "cursor", message: "This verification's cursor has expired (15 minutes); verify again from the start", code: "INVALID_CURSOR" }]);
    }
    return c;
  });
  let state = { prevHash: from?.prevHash, nextId: from?.from ?? 0, checked: from?.checked ?? 0 };
  const checkedFrom = state.nextId;
  const stopAt = state.nextId + VERIFY_MAX_LOGS;
  const { results: read } = await readSpace(svc, auth, spaceId, "viewer", (space) => [
    logPage(db, space, state.nextId, Math.min(LOG_PAGE, stopAt - state.nextId)),
    // The row the cursor's hash came from, as it is now.
    ...(from ? [db.prepare(`SELECT hash FROM ledger_logs WHERE space_id = ${space.sql} AND id = ?`).bind(...space.params, from.from - 1)] : []),
  ]);
  let page = read[0]!;
  if (from && (read.at(-1)!.results[0] as { hash: string } | undefined)?.hash !== from.prevHash) {
    return { valid: false, checked: from.checked - 1, firstBrokenId: from.from - 1, reason: `Log ${from.from - 1} changed since the verification this cursor continues`, checkedFrom, hasMore: false };
  }
  for (;;) {
    const { rows, more } = cutPage(page.results as LogRow[], Math.min(LOG_PAGE, stopAt - state.nextId));
    const verdict = await verifyChain(rows, state.prevHash, state.nextId, state.checked);
    if (!verdict.valid || !more) return { ...verdict, checkedFrom, hasMore: false };
    state = { prevHash: verdict.lastHash, nextId: state.nextId + rows.length, checked: verdict.checked };
    if (state.nextId >= stopAt) {
      const next = await signCursor(scope, { from: state.nextId, prevHash: verdict.lastHash, checked: verdict.checked, at: now });
      return { ...verdict, checkedFrom, hasMore: true, next };
    }
    // The caller's role was checked with the first page; the rest of the log is read by the space's id.
    page = await logPage(db, { sql: "?", params: [spaceId] }, state.nextId, Math.min(LOG_PAGE, stopAt - state.nextId)).all();
  }
}

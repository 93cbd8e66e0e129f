/**
 * Queued syncs: requests (the API, provider webhooks, the hourly cron) become
 * a `jobs` row and a message on SYNC_QUEUE; the consumer fetches the
 * provider's changes, applies them (apply.ts) and records the outcome.
 *
 * One sync per connection at a time (409 SYNC_IN_PROGRESS), at most one per
 * 15 minutes unless forced (429 with Retry-After). Failures are retried with
 * exponential backoff; after the last attempt the connection is marked
 * `error` with the reason and the message goes on to the dead-letter queue.
 *
 * A sync runs the budget threshold-alert check once, after its rows are in (budgets/alerts.ts), as every
 * manual write does: imported spending is what pushes most budgets past their threshold.
 */
import type { AuthContext, Services } from "../../env";
import { iso } from "../../lib/clock";
import { ApiError, conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { truncateText } from "../../lib/exact-json";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { takeTokens } from "../../lib/rate-limits";
import { logError, logInfo } from "../../lib/log";
import { ProviderError } from "../../providers/errors";
import { fetchPlaid } from "../../providers/plaid/adapter";
import { fetchBelvo } from "../../providers/belvo/adapter";
import { fetchBitso } from "../../providers/bitso/adapter";
import { readResource, requireSpaceRole } from "../spaces/access";
import { checkBudgetAlerts, watchingBudgetsRead } from "../budgets/alerts";
import { outboxRow, outboxStatement, type PublishInput, queueFanout } from "../webhooks/publish";
import { applyChanges } from "./apply";
import { emptyStats, type SyncChanges, type SyncStats } from "./sync-types";
import { type ConnectionRow, CRON_SYNC_AGE_MS, getConnection, LoginRefused, setStatus, SYNC_INTERVAL_MS } from "./connections";

export const SYNC_JOB = "provider.sync";
/** Attempts before a sync gives up (the message then goes to the dead-letter queue). */
export const MAX_SYNC_ATTEMPTS = 4;
/** A job `running` for longer than this is taken to have crashed: it no longer blocks new syncs. */
const STALE_RUNNING_MS = 10 * 60_000;
/** A job `queued` for longer than this (its message lost) no longer blocks new syncs either; retries wait 8 minutes at most. */
const STALE_QUEUED_MS = 2 * 3_600_000;

export const backoffSeconds = (attempt: number) => Math.min(3600, 30 * 4 ** Math.max(0, attempt - 1));

/** What a provider adapter does for a sync: fetch the changes, and (after they are applied) save its position. */
export interface Fetched {
  changes: SyncChanges;
  /** Called only after every change is applied: e.g. Plaid's cursor is saved then, never before. */
  commit?: () => Promise<void>;
  /**
   * The changes are the connection's as a whole and cannot be applied for some of its accounts only: a sync asked
   * for one account applies all of them. Plaid's cursor moves past every account's changes at once (what a filter
   * left out would never be reported again), and a Bitso trade has legs on two of the key's wallets.
   */
  connectionWide?: boolean;
}

export type Fetcher = (svc: Services, conn: ConnectionRow) => Promise<Fetched>;

/** Adapters by provider. */
export const fetchers: Partial<Record<ConnectionRow["provider"], Fetcher>> = { plaid: fetchPlaid, belvo: fetchBelvo, bitso: fetchBitso };

/** Errors that mean the user must sign in again at the institution. */
export const REAUTH_CODES = new Set(["ITEM_LOGIN_REQUIRED", "invalid_credentials", "token_required", "login_error", "PENDING_EXPIRATION"]);

export class DeadLettered extends Error {}

export interface JobRow {
  id: string;
  space_id: string;
  type: string;
  status: "queued" | "running" | "completed" | "failed";
  result: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

/**
 * Creates the job unless one is queued or running for the connection (atomically: two racing requests
 * cannot both pass). Returns the new job id, or the id of the one in progress with `created: false`.
 */
export async function enqueueSync(
  svc: Services,
  conn: ConnectionRow,
  trigger: "manual" | "webhook" | "cron" | "connect",
  accountIds: string[] = [],
  opts: { send?: boolean } = {},
): Promise<{ jobId: string; created: boolean }> {
  const now = svc.clock.now();
  const jobId = newId("job", now);
  const db = svc.env.DB;
  const [ins] = await db.batch([
    db
      .prepare(
        `INSERT INTO provider_sync_jobs (job_id, connection_id, space_id, account_ids, trigger, created_at)
         SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (
           SELECT 1 FROM provider_sync_jobs p JOIN jobs j ON j.id = p.job_id
            WHERE p.connection_id = ? AND ((j.status = 'queued' AND j.created_at > ?) OR (j.status = 'running' AND j.started_at > ?)))`,
      )
      .bind(jobId, conn.id, conn.space_id, JSON.stringify(accountIds), trigger, now, conn.id, now - STALE_QUEUED_MS, now - STALE_RUNNING_MS),
    db
      .prepare("INSERT INTO jobs (id, space_id, type, status, created_at) SELECT ?, ?, ?, 'queued', ? WHERE EXISTS (SELECT 1 FROM provider_sync_jobs WHERE job_id = ?)")
      .bind(jobId, conn.space_id, SYNC_JOB, now, jobId),
    db.prepare("UPDATE provider_connections SET last_sync_attempt_at = ? WHERE id = ? AND EXISTS (SELECT 1 FROM provider_sync_jobs WHERE job_id = ?)").bind(now, conn.id, jobId),
  ]);
  if (ins!.meta.changes === 0) {
    const running = await db
      .prepare(
        `SELECT p.job_id FROM provider_sync_jobs p JOIN jobs j ON j.id = p.job_id WHERE p.connection_id = ? AND j.status IN ('queued', 'running') ORDER BY p.created_at DESC LIMIT 1`,
      )
      .bind(conn.id)
      .first<{ job_id: string }>();
    return { jobId: running?.job_id ?? jobId, created: false };
  }
  if (opts.send !== false) await svc.env.SYNC_QUEUE.send({ type: SYNC_JOB, jobId, attempt: 1 });
  return { jobId, created: true };
}

/** The first of these connections with a sync queued or running (stale jobs aside), or null. */
export async function firstSyncInProgress(svc: Services, connectionIds: string[], now: number): Promise<string | null> {
  if (connectionIds.length === 0) return null;
  const row = await svc.env.DB.prepare(
    `SELECT p.connection_id FROM provider_sync_jobs p JOIN jobs j ON j.id = p.job_id
      WHERE p.connection_id ${IN_JSON_LIST} AND ((j.status = 'queued' AND j.created_at > ?) OR (j.status = 'running' AND j.started_at > ?)) LIMIT 1`,
  )
    .bind(jsonList(connectionIds), now - STALE_QUEUED_MS, now - STALE_RUNNING_MS)
    .first<{ connection_id: string }>();
  return row?.connection_id ?? null;
}

/** POST /v1/accounts/sync: one job per connection behind the accounts asked for (all of the space's when none). */
export async function requestSync(svc: Services, auth: AuthContext, input: { spaceId: string; accountIds?: string[]; force?: boolean }) {
  await requireSpaceRole(svc, auth, input.spaceId, "member");
  const db = svc.env.DB;
  const ids = [...new Set(input.accountIds ?? [])];
  const skipped: { accountId: string; reason: string }[] = [];
  const byConnection = new Map<string, string[]>();
  if (ids.length > 0) {
    const found = (
      await db
        .prepare(`SELECT a.id, a.provider, pa.connection_id FROM accounts a LEFT JOIN provider_accounts pa ON pa.account_id = a.id WHERE a.space_id = ? AND a.id ${IN_JSON_LIST}`)
        .bind(input.spaceId, jsonList(ids))
        .all<{ id: string; provider: string; connection_id: string | null }>()
    ).results;
    if (found.length !== ids.length) throw notFound("Account");
    for (const a of found) {
      if (!a.connection_id) skipped.push({ accountId: a.id, reason: a.provider === "manual" ? "manual account: nothing to sync" : "no provider connection" });
      else byConnection.set(a.connection_id, [...(byConnection.get(a.connection_id) ?? []), a.id]);
    }
  } else {
    const conns = (await db.prepare("SELECT id FROM provider_connections WHERE space_id = ? AND status != 'disconnected'").bind(input.spaceId).all<{ id: string }>()).results;
    for (const c of conns) byConnection.set(c.id, []);
  }
  const conns = byConnection.size
    ? (await db.prepare(`SELECT * FROM provider_connections WHERE id ${IN_JSON_LIST}`).bind(jsonList([...byConnection.keys()])).all<ConnectionRow>()).results
    : [];
  const now = svc.clock.now();
  const eligible: ConnectionRow[] = [];
  for (const c of conns) {
    if (c.status === "disconnected") {
      for (const a of byConnection.get(c.id) ?? []) skipped.push({ accountId: a, reason: "connection disconnected" });
      continue;
    }
    eligible.push(c);
  }
  // In progress wins over the window: the caller learns that a sync is on its way.
  const inProgress = await firstSyncInProgress(svc, eligible.map((c) => c.id), now);
  if (inProgress) throw conflict(`A sync of connection ${inProgress} is already in progress`, "SYNC_IN_PROGRESS");
  if (!input.force) {
    const recent = eligible
      .map((c) => Math.max(c.last_sync_attempt_at ?? 0, c.last_sync_at ?? 0))
      .filter((t) => t > now - SYNC_INTERVAL_MS);
    if (recent.length) {
      const retryAfter = Math.max(1, Math.ceil((Math.max(...recent) + SYNC_INTERVAL_MS - now) / 1000));
      throw new ApiError(429, "RATE_LIMIT_EXCEEDED", "Synced less than 15 minutes ago; retry later or send force: true", [], { "Retry-After": String(retryAfter) });
    }
  }
  // The `sync` policy, per connection about to be queued: only what the caller may sync is counted.
  const rateLimit = await takeTokens(svc, "sync", eligible.map((c) => `connection:${c.id}`));
  const jobs: { jobId: string; connectionId: string; provider: string; accountIds: string[] }[] = [];
  for (const c of eligible) {
    const { jobId, created } = await enqueueSync(svc, c, "manual", byConnection.get(c.id) ?? []);
    if (!created) throw conflict(`A sync of connection ${c.id} is already in progress`, "SYNC_IN_PROGRESS");
    jobs.push({ jobId, connectionId: c.id, provider: c.provider, accountIds: byConnection.get(c.id) ?? [] });
  }
  return { jobId: jobs[0]?.jobId ?? null, jobIds: jobs.map((j) => j.jobId), jobs, skipped, status: jobs.length ? ("queued" as const) : ("nothing_to_sync" as const), rateLimit };
}

export async function getSyncJob(svc: Services, auth: AuthContext, jobId: string) {
  // The session, the caller's role in the job's space and the job's sync details, in one round trip; a job
  // that is not a sync (a retraining) is no sync job, for whoever asks.
  const { results: [sync] } = await readResource(svc, auth, "provider_sync_jobs", jobId, "Sync job", "member", (space) => [
    svc.env.DB.prepare(
      `SELECT j.*, p.connection_id, p.account_ids, p.trigger, p.attempts, c.provider FROM jobs j JOIN provider_sync_jobs p ON p.job_id = j.id
         LEFT JOIN provider_connections c ON c.id = p.connection_id WHERE j.id = ? AND j.space_id = ${space.sql}`,
    ).bind(jobId, ...space.params),
  ]);
  const row = sync!.results[0] as (JobRow & { connection_id: string; account_ids: string; trigger: string; attempts: number; provider: string | null }) | undefined;
  if (!row) throw notFound("Sync job");
  // API.md puts the status under the `sync` policy (5 a minute per connection), taken once the caller may read the
  // job. Its bucket is its own: a client polling a job's status never spends the connection's sync requests.
  const rateLimit = await takeTokens(svc, "sync", [`job-status:${row.connection_id}`]);
  return { job: presentJob(row), rateLimit };
}

/** What a job's outcome says in words: a failure is never worded as a sync (its stats are what it applied before failing). */
function jobMessage(status: JobRow["status"], stats: SyncStats | null): string | null {
  const synced = stats ? stats.created + stats.updated + stats.unchanged : 0;
  if (status === "failed") return synced > 0 ? `Sync failed after ${synced} transactions were synced` : "Sync failed";
  return status === "completed" && stats ? `Synced ${synced} transactions` : null;
}

function presentJob(row: JobRow & { connection_id: string; account_ids: string; trigger: string; attempts: number; provider: string | null }) {
  const result = row.result ? (JSON.parse(row.result) as { stats?: SyncStats; accountIds?: string[] }) : null;
  const stats = result?.stats ?? null;
  return {
    id: row.id,
    jobId: row.id,
    spaceId: row.space_id,
    connectionId: row.connection_id,
    provider: row.provider,
    trigger: row.trigger,
    status: row.status,
    attempts: row.attempts,
    accountIds: result?.accountIds ?? (JSON.parse(row.account_ids) as string[]),
    stats: stats ? { created: stats.created, updated: stats.updated, unchanged: stats.unchanged, errors: stats.errors, removed: stats.removed, corrections: stats.corrections, adjustments: stats.adjustments, flagged: stats.flagged } : null,
    // Seed 001's names for the same counts.
    transactions_created: stats?.created ?? 0,
    transactions_updated: stats?.updated ?? 0,
    message: jobMessage(row.status, stats),
    error: row.error,
    createdAt: iso(row.created_at),
    startedAt: row.started_at === null ? null : iso(row.started_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
  };
}

/**
 * The queue handler of `provider.sync`. Safe to run twice for the same job (a
 * redelivery after a crash): every write it makes is idempotent (apply.ts).
 */
export async function runSyncJob(svc: Services, message: { [key: string]: unknown }): Promise<void> {
  const jobId = String(message.jobId);
  const attempt = Math.max(1, Number(message.attempt) || 1);
  const db = svc.env.DB;
  const job = await db
    .prepare("SELECT j.*, p.connection_id, p.account_ids FROM jobs j JOIN provider_sync_jobs p ON p.job_id = j.id WHERE j.id = ?")
    .bind(jobId)
    .first<JobRow & { connection_id: string; account_ids: string }>();
  if (!job || job.status === "completed") return;
  if (job.status === "failed") {
    // Already given up on: let the platform's retries carry the message to the dead-letter queue.
    if (job.error?.startsWith("dead-lettered")) throw new DeadLettered(`sync job ${jobId} failed: ${job.error}`);
    return;
  }
  const started = svc.clock.now();
  await db.prepare("UPDATE jobs SET status = 'running', started_at = ? WHERE id = ?").bind(started, jobId).run();
  await db.prepare("UPDATE provider_sync_jobs SET attempts = attempts + 1 WHERE job_id = ?").bind(jobId).run();
  const conn = await getConnection(svc, job.connection_id);
  if (!conn || conn.status === "disconnected") {
    await finishJob(svc, jobId, "failed", null, "Connection disconnected");
    return;
  }
  const fetcher = fetchers[conn.provider];
  const stats = emptyStats();
  // The categories of the rows this attempt posts or voids (apply.ts), for the budget alert check.
  const touched = new Set<string>();
  try {
    if (!fetcher) throw new Error(`No sync adapter for ${conn.provider}`);
    const timings: Record<string, number> = {};
    const fetchStarted = Date.now();
    const fetched = await fetcher(svc, conn);
    timings.fetchMs = Date.now() - fetchStarted;
    const onlyAccountIds = fetched.connectionWide ? [] : (JSON.parse(job.account_ids) as string[]);
    const { accountIds, createdIds } = await applyChanges(svc, conn, fetched.changes, stats, { onlyAccountIds, timings, touchedCategories: touched });
    await fetched.commit?.();
    if (svc.env.LOG_LEVEL !== "error") logInfo(undefined, "sync.timing", { jobId, provider: conn.provider, upserts: fetched.changes.upserts.length, created: stats.created, ...timings });
    const finished = svc.clock.now();
    // A reauth_required the provider announced while this sync ran stands (a Belvo token_required webhook): what this
    // sync read was from before it. One set before the sync started is repaired by it (Plaid's update mode).
    await setStatus(svc, conn.id, "active", null, { syncedAt: finished, syncStartedAt: started });
    const watching = await scheduleNextSync(svc, conn, finished + CRON_SYNC_AGE_MS, touched);
    // Before the job completes: whoever sees the sync done sees its alerts too.
    await checkSyncAlerts(svc, conn, touched, watching);
    if (accountIds.length) {
      await db.prepare(`UPDATE accounts SET last_synced_at = ?, updated_at = ? WHERE id ${IN_JSON_LIST}`).bind(finished, finished, jsonList(accountIds)).run();
    }
    // The job's end and the events announcing it commit together: a crash cannot complete one without the other.
    await finishJob(
      svc, jobId, "completed", { stats, accountIds }, null,
      accountIds.map((accountId) => ({
        spaceId: conn.space_id, type: "account.sync.completed" as const, dedupeKey: `account.sync.completed:${jobId}:${accountId}`,
        payload: { spaceId: conn.space_id, accountId, connectionId: conn.id, jobId, transactionsAdded: createdIds.length, stats, balanceUpdated: stats.adjustments > 0, syncDuration: finished - started },
      })),
    );
  } catch (err) {
    const reason = err instanceof ProviderError ? `${err.provider} ${err.code}: ${err.message}` : String((err as Error)?.message ?? err);
    logError(undefined, "sync.failed", err, { jobId, connectionId: conn.id, attempt });
    // What this attempt wrote before failing stays written, and its retry finds those rows there and writes
    // nothing: checked now, or their alert would wait for the space's next write.
    await checkSyncAlerts(svc, conn, touched);
    if (err instanceof LoginRefused) {
      // The connection was disconnected with the reason, a second link of a login the space has (connections.ts): nothing to retry.
      await finishJob(svc, jobId, "failed", { stats, accountIds: [] }, reason, [failedEvent(conn, jobId, reason)]);
      return;
    }
    if (err instanceof ProviderError && REAUTH_CODES.has(err.code)) {
      await setStatus(svc, conn.id, "reauth_required", reason);
      await finishJob(svc, jobId, "failed", { stats, accountIds: [] }, reason, [failedEvent(conn, jobId, reason)]);
      return;
    }
    if (err instanceof ProviderError && !err.transient) {
      // The provider refused the request itself (a bad token, a revoked key): retrying cannot help.
      await setStatus(svc, conn.id, "error", reason);
      await finishJob(svc, jobId, "failed", { stats, accountIds: [] }, reason, [failedEvent(conn, jobId, reason)]);
      return;
    }
    if (attempt < MAX_SYNC_ATTEMPTS) {
      // Back to the queue with a growing delay; the job stays queued so no second sync starts meanwhile.
      await db.prepare("UPDATE jobs SET status = 'queued', error = ? WHERE id = ?").bind(truncateText(`attempt ${attempt}: ${reason}`, 1000), jobId).run();
      await svc.env.SYNC_QUEUE.send({ type: SYNC_JOB, jobId, attempt: attempt + 1 }, { delaySeconds: backoffSeconds(attempt) });
      return;
    }
    await setStatus(svc, conn.id, "error", reason);
    await finishJob(svc, jobId, "failed", { stats, accountIds: [] }, `dead-lettered after ${attempt} attempts: ${reason}`, [failedEvent(conn, jobId, reason)]);
    throw new DeadLettered(`sync job ${jobId} gave up after ${attempt} attempts: ${reason}`);
  }
}

/**
 * Sets the connection's next cron sync and, in the same batch, reads the space's alerting budgets that watch a
 * category the sync touched (`watchingBudgetsRead`), so the alert check costs a sync no round trip of its own
 * unless some budget watches. Undefined when there is nothing to read or the read failed: a failed read is the
 * alert check's failure, never the sync's, so the update is then made alone (and the check reads for itself).
 */
async function scheduleNextSync(svc: Services, conn: ConnectionRow, at: number, touched: Set<string>): Promise<Record<string, unknown>[] | undefined> {
  const db = svc.env.DB;
  const next = db.prepare("UPDATE provider_connections SET next_sync_at = ? WHERE id = ?").bind(at, conn.id);
  const read = watchingBudgetsRead(conn.space_id, [...touched]);
  if (read) {
    try {
      const [, found] = await db.batch([next, db.prepare(read.sql).bind(...read.params)]);
      return found!.results as Record<string, unknown>[];
    } catch (err) {
      logError(undefined, "sync.budget_alerts_failed", err, { connectionId: conn.id });
    }
  }
  await next.run();
  return undefined;
}

/**
 * The threshold-alert check of the budgets watching `touched` (or their parents), the same one every manual write
 * runs, once for the whole sync: an alert once per budget and period (the outbox's dedupe key), spending a missing
 * rate holds back put among the rate waits. A failure is logged; the sync goes on.
 */
async function checkSyncAlerts(svc: Services, conn: ConnectionRow, touched: Set<string>, watching?: Record<string, unknown>[]) {
  if (touched.size === 0) return;
  try {
    await checkBudgetAlerts(svc, conn.space_id, [...touched], watching);
  } catch (err) {
    logError(undefined, "sync.budget_alerts_failed", err, { connectionId: conn.id, spaceId: conn.space_id });
  }
}

async function finishJob(svc: Services, jobId: string, status: "completed" | "failed", result: unknown, error: string | null, events: PublishInput[] = []) {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const rows = events.map((e) => outboxRow(e, now));
  await db.batch([
    db.prepare("UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = ? WHERE id = ?")
      .bind(status, result === null ? null : JSON.stringify(result), error === null ? null : truncateText(error, 1000), now, jobId),
    ...rows.map((r) => outboxStatement(db, r)),
  ]);
  await queueFanout(svc, rows);
}

function failedEvent(conn: ConnectionRow, jobId: string, reason: string): PublishInput {
  return {
    spaceId: conn.space_id, type: "account.sync.failed", dedupeKey: `account.sync.failed:${jobId}`,
    payload: { spaceId: conn.space_id, connectionId: conn.id, provider: conn.provider, jobId, reason: truncateText(reason, 300) },
  };
}

/** Hourly cron: a sync for every live connection that is due (not synced for CRON_SYNC_AGE_MS, or never). */
export async function enqueueDueSyncs(svc: Services): Promise<number> {
  const now = svc.clock.now();
  const due = (
    await svc.env.DB.prepare(
      "SELECT * FROM provider_connections WHERE status IN ('active', 'error', 'pending') AND (next_sync_at IS NULL OR next_sync_at <= ?) ORDER BY next_sync_at LIMIT 500",
    )
      .bind(now)
      .all<ConnectionRow>()
  ).results;
  let n = 0;
  for (const c of due) {
    const { created } = await enqueueSync(svc, c, "cron");
    if (created) n++;
  }
  return n;
}

/**
 * The first import of a new connection: queued on SYNC_QUEUE like any other
 * sync (the connect request answers at once; the caller follows the job at
 * GET /v1/sync-jobs/{jobId}). A sync already queued for the connection is
 * reused. Failures retry with backoff like any other.
 */
export async function queueFirstSync(svc: Services, conn: ConnectionRow): Promise<{ jobId: string; status: "queued" }> {
  const { jobId } = await enqueueSync(svc, conn, "connect");
  return { jobId, status: "queued" };
}

/**
 * Queued syncs: requests (the API, provider webhooks, the hourly cron) become
 * a `jobs` row and a message on SYNC_QUEUE; the consumer fetches the
 * provider's changes, applies them (apply.ts) and records the outcome.
 *
 * One sync per connection at a time (409 SYNC_IN_PROGRESS), at most one per
 * 15 minutes unless forced (429 with Retry-After). Failures are retried with
 * exponential backoff (the connection's statusReason says `retrying: …` meanwhile); after the last attempt the
 * connection is marked `error` with the reason and the message goes on to the dead-letter queue. Attempts are the
 * job's own starts (provider_sync_jobs.attempts), so a consumer that dies on a sync (a crash, a CPU or memory limit)
 * counts, and is given up on at the delivery after the last attempt (`interrupted: …`, the connection `error`,
 * account.sync.failed), which needs no dead-letter consumer; a message redelivered only because another message of
 * its batch killed the consumer never started, and counts nothing.
 *
 * A running sync refreshes its job's heartbeat as it progresses (each ledger write, each page a provider client
 * reads). A job whose heartbeat is older than STALE_RUNNING_MS (above the consumer's 15-minute limit) is failed as
 * interrupted when a new sync takes over (enqueueSync) or by the hourly sweep (failStaleSyncs). Each start is the
 * attempt's hold on its job: the job's outcome, its retry and its events are written only while that attempt still
 * holds it, and an attempt that lost it (JobLost) stops at its next write or page and writes no outcome.
 *
 * A queued job remembers when its message was sent and when it is due (a retry's delay counted). One still `queued`
 * RESEND_AFTER_MS past due took its message to be lost (a `wrangler dev` restart drops local queue messages; a send can
 * fail after the job was written): the hourly sweep, and a sync request refused for it (409), send it again, at most
 * MAX_SYNC_RESENDS times, and STALE_QUEUED_MS from its creation it is failed as before. Each send has its number
 * (provider_sync_jobs.resends, the message's `resend`, none for the first), and only a message of the job's latest send
 * may claim it (or, redelivered, take it over): a late original, arriving before or while the resent message runs it,
 * or after, does nothing.
 *
 * A sync writes nothing into a deleted space through the ledger: it never starts for one, and every ledger commit
 * and revert it makes carries a guard that its space is live (syncServices), so one running when the space is
 * deleted stops at its next one. (Its few direct D1 writes, e.g. a row's provider id superseded in place, are not
 * guarded; the ledger write that follows each stops it.)
 *
 * A sync runs the budget threshold-alert check once, after its rows are in (budgets/alerts.ts), as every
 * manual write does: imported spending is what pushes most budgets past their threshold.
 */
import type { AuthContext, Services } from "../../env";
import { iso } from "../../lib/clock";
import { ApiError, conflict, notFound } from "../../lib/errors";
import { responseText, type Locale } from "../../lib/i18n";
import { newId } from "../../lib/ids";
import { truncateText } from "../../lib/exact-json";
import { IN_JSON_LIST, jsonList } from "../../lib/sql";
import { sendAll } from "../../lib/queues";
import { takeTokens } from "../../lib/rate-limits";
import { INTERNAL_JOB_ERROR, logError, logInfo } from "../../lib/log";
import { batchGuard, GUARD_PREFIX, refusedByGuard } from "../../lib/batch-guard";
import { ProviderError } from "../../providers/errors";
import { fetchPlaid } from "../../providers/plaid/adapter";
import { fetchBelvo } from "../../providers/belvo/adapter";
import { fetchBitso } from "../../providers/bitso/adapter";
import { readResource, requireSpaceRole, SPACE_LIVE_SQL } from "../spaces/access";
import { checkBudgetAlerts, watchingBudgetsRead } from "../budgets/alerts";
import { outboxRow, outboxStatement, type PublishInput, queueFanout } from "../webhooks/publish";
import { applyChanges } from "./apply";
import { emptyStats, type SyncChanges, type SyncStats } from "./sync-types";
import type { Unsupported } from "./left-out";
import { type ConnectionRow, CRON_SYNC_AGE_MS, getConnection, LoginRefused, setStatus, SYNC_INTERVAL_MS } from "./connections";

export const SYNC_JOB = "provider.sync";
/** Attempts before a sync gives up (the message then goes to the dead-letter queue). */
export const MAX_SYNC_ATTEMPTS = 4;
/**
 * A job `running` whose heartbeat (jobs.heartbeat_at, refreshed as the sync makes progress; its start before the
 * first) is older than this is taken to have crashed: it no longer blocks new syncs, and is failed as interrupted.
 * Above the queue consumer's wall-time limit (15 minutes), so no live attempt is ever taken for a dead one.
 */
export const STALE_RUNNING_MS = 20 * 60_000;
/** A running sync refreshes its job's heartbeat at most this often (one D1 write), as it progresses. */
export const HEARTBEAT_MS = 30_000;
/** When a running job last showed life (SQL over `jobs`, aliased or not). */
const heartbeatOf = (alias = "") => `COALESCE(${alias}heartbeat_at, ${alias}started_at)`;
/** A job `queued` for longer than this (its message lost) no longer blocks new syncs either; a retry waits 20 minutes at most (a provider's Retry-After: MAX_RETRY_AFTER_SECONDS), so three of them fit. */
export const STALE_QUEUED_MS = 2 * 3_600_000;
/**
 * A job still `queued` this long after its message was due (its send, or the end of its delay) took the message to be
 * lost, and it is sent again. The consumer takes a message within a second or two (max_batch_timeout 1); minutes only
 * when a backlog builds (the hourly cron queues up to 500 syncs at once): a message resent then costs one delivery
 * refused after a read, never a second run, so the bound is kept short for the person waiting on a sync.
 */
export const RESEND_AFTER_MS = 5 * 60_000;
/** Times a job's message is sent again at most; STALE_QUEUED_MS fails it after them as before. */
export const MAX_SYNC_RESENDS = 3;

/** A sync message: `resend` is the number of the job's send it is (none for the first), which must be the job's latest to claim it. */
export const syncMessage = (jobId: string, attempt: number, resend = 0) => ({ type: SYNC_JOB, jobId, attempt, ...(resend > 0 ? { resend } : {}) });

export const backoffSeconds = (attempt: number) => Math.min(3600, 30 * 4 ** Math.max(0, attempt - 1));

/**
 * How long a failed attempt's retry waits: its backoff, or longer when the provider asked for longer (a 429's or
 * 503's Retry-After, which ProviderError carries bounded to an hour): retrying sooner only spends another attempt.
 */
export const retryDelaySeconds = (attempt: number, err: unknown) =>
  Math.max(backoffSeconds(attempt), err instanceof ProviderError ? (err.retryAfterSeconds ?? 0) : 0);

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
/**
 * Provider codes that only the person can resolve by linking again (Plaid's update mode, Belvo's login): the connection
 * asks for it (`reauth_required`). Plaid's USER_PERMISSION_REVOKED and ACCESS_NOT_GRANTED are restored through update mode;
 * Belvo's invalid_link (400, "The link has been invalidated. You may need to update link credentials") by a repair.
 */
export const REAUTH_CODES = new Set(["ITEM_LOGIN_REQUIRED", "PENDING_EXPIRATION", "USER_PERMISSION_REVOKED", "ACCESS_NOT_GRANTED", "invalid_credentials", "token_required", "login_error", "invalid_link"]);

export class DeadLettered extends Error {}

/**
 * This attempt no longer holds its job (failed as interrupted by the hourly sweep or a takeover, or started again by
 * a redelivery): it stops, and writes no outcome of its own.
 */
export class JobLost extends Error {}

/** An attempt at a job: its start's number (provider_sync_jobs.attempts as this attempt set it). */
interface Attempt {
  jobId: string;
  start: number;
}

/** The condition, binding the job's id and the attempt's start, that the attempt still holds its job. */
const HOLDS_JOB_SQL = "EXISTS (SELECT 1 FROM jobs j JOIN provider_sync_jobs p ON p.job_id = j.id WHERE j.id = ? AND j.status = 'running' AND p.attempts = ?)";

/** A sync's space was deleted while it ran: what it had not committed by then is never written. */
export class SpaceDeleted extends Error {}

/** The reason a sync stopped by its space's deletion gives (job error); the connection's is `space_deleted`. */
export const SPACE_DELETED_REASON = "space deleted: the sync stopped and wrote nothing more";


/**
 * A sync's services: every ledger commit and revert it makes carries, in its own batch, the guard that its space is not
 * deleted (ledger/client.ts runLedger), so a sync running when the space is deleted stops with SpaceDeleted and no
 * chunk lands after the deletion. (D1 runs the deletion's batch and each commit's one at a time.)
 */
export function syncServices(svc: Services, spaceId: string): Services {
  return {
    ...svc,
    commitGuard: {
      guard: { sql: `${GUARD_PREFIX}1 WHERE NOT (${SPACE_LIVE_SQL})`, params: [spaceId] },
      holds: () => spaceLive(svc, spaceId),
      refused: () => new SpaceDeleted(`space ${spaceId} was deleted during the sync`),
    },
  };
}

async function spaceLive(svc: Services, spaceId: string): Promise<boolean> {
  return (await svc.env.DB.prepare(`SELECT 1 AS live WHERE ${SPACE_LIVE_SQL}`).bind(spaceId).first()) !== null;
}

/** What a job that stopped without an outcome says (its worker ended: a crash, a limit), as its error and the connection's reason. */
export const interruptedReason = (detail: string) => `interrupted: ${detail}`;

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
): Promise<{ jobId: string; created: boolean; sent: boolean }> {
  const now = svc.clock.now();
  const jobId = newId("job", now);
  const db = svc.env.DB;
  const [ins] = await db.batch([
    db
      .prepare(
        `INSERT INTO provider_sync_jobs (job_id, connection_id, space_id, account_ids, trigger, created_at, sent_at, due_at)
         SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (
           SELECT 1 FROM provider_sync_jobs p JOIN jobs j ON j.id = p.job_id
            WHERE p.connection_id = ? AND ((j.status = 'queued' AND j.created_at > ?) OR (j.status = 'running' AND ${heartbeatOf("j.")} > ?)))
           AND ${SPACE_LIVE_SQL}`,
      )
      .bind(jobId, conn.id, conn.space_id, JSON.stringify(accountIds), trigger, now, now, now, conn.id, now - STALE_QUEUED_MS, now - STALE_RUNNING_MS, conn.space_id),
    // A job this one takes over (running or queued past its stale bound: its worker ended, its message was lost)
    // is failed with the reason, not left `running` for good.
    db
      .prepare(
        `UPDATE jobs SET status = 'failed', error = ?, finished_at = ?
          WHERE id IN (SELECT job_id FROM provider_sync_jobs WHERE connection_id = ? AND job_id != ?)
            AND ((status = 'running' AND ${heartbeatOf()} <= ?) OR (status = 'queued' AND created_at <= ?))
            AND EXISTS (SELECT 1 FROM provider_sync_jobs WHERE job_id = ?)`,
      )
      .bind(interruptedReason(`the sync stopped without finishing; sync ${jobId} took over`), now, conn.id, jobId, now - STALE_RUNNING_MS, now - STALE_QUEUED_MS, jobId),
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
    return { jobId: running?.job_id ?? jobId, created: false, sent: true };
  }
  if (opts.send !== false) {
    try {
      await svc.env.SYNC_QUEUE.send(syncMessage(jobId, 1));
    } catch (err) {
      // The job is written and its message is not: taken as lost at once, so the connection's next sync request
      // (refused for it) or the hourly sweep sends it again (resendLostSyncs), as webhooks' outbox does its events.
      logError(undefined, "sync.send_failed", err, { jobId, connectionId: conn.id });
      await db.prepare("UPDATE provider_sync_jobs SET due_at = ? WHERE job_id = ? AND resends = 0").bind(now - RESEND_AFTER_MS, jobId).run();
      return { jobId, created: true, sent: false };
    }
  }
  return { jobId, created: true, sent: true };
}

/** The first of these connections with a sync queued or running (stale jobs aside), or null. */
export async function firstSyncInProgress(svc: Services, connectionIds: string[], now: number): Promise<string | null> {
  if (connectionIds.length === 0) return null;
  const row = await svc.env.DB.prepare(
    `SELECT p.connection_id FROM provider_sync_jobs p JOIN jobs j ON j.id = p.job_id
      WHERE p.connection_id ${IN_JSON_LIST} AND ((j.status = 'queued' AND j.created_at > ?) OR (j.status = 'running' AND ${heartbeatOf("j.")} > ?)) LIMIT 1`,
  )
    .bind(jsonList(connectionIds), now - STALE_QUEUED_MS, now - STALE_RUNNING_MS)
    .first<{ connection_id: string }>();
  return row?.connection_id ?? null;
}

/** POST /v1/accounts/sync: one job per connection behind the accounts asked for (all of the space's when none). */
export async function requestSync(svc: Services, auth: AuthContext, input: { spaceId: string; accountIds?: string[]; force?: boolean }, locale: Locale = "en") {
  await requireSpaceRole(svc, auth, input.spaceId, "member");
  const db = svc.env.DB;
  const ids = [...new Set(input.accountIds ?? [])];
  const skipped: { accountId: string; code: "manual" | "no_connection" | "disconnected"; reason: string }[] = [];
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
      if (!a.connection_id) {
        const manual = a.provider === "manual";
        skipped.push({ accountId: a.id, code: manual ? "manual" : "no_connection", reason: responseText(locale, manual ? "skippedManual" : "skippedNoConnection") });
      }
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
      for (const a of byConnection.get(c.id) ?? []) skipped.push({ accountId: a, code: "disconnected", reason: responseText(locale, "skippedDisconnected") });
      continue;
    }
    eligible.push(c);
  }
  // In progress wins over the window: the caller learns that a sync is on its way.
  const inProgress = await firstSyncInProgress(svc, eligible.map((c) => c.id), now);
  if (inProgress) {
    // A job the request is refused for may have lost its message: sent again when it is long overdue, the sync
    // the caller is told about is really on its way.
    await resendLostSyncs(svc, eligible.map((c) => c.id));
    throw conflict(`A sync of connection ${inProgress} is already in progress`, "SYNC_IN_PROGRESS");
  }
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

export async function getSyncJob(svc: Services, auth: AuthContext, jobId: string, locale: Locale = "en") {
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
  return { job: presentJob(row, locale), rateLimit };
}

/**
 * What a job's outcome says in words, in the reader's language (worded when the job is read, never stored): a failure
 * is never worded as a sync (its stats are what it applied before failing).
 */
function jobMessage(status: JobRow["status"], stats: SyncStats | null, unsupported: Unsupported[], locale: Locale): string | null {
  const n = stats ? stats.created + stats.updated + stats.unchanged : 0;
  if (status === "failed") return n > 0 ? responseText(locale, n === 1 ? "syncFailedAfterOne" : "syncFailedAfter", { n }) : responseText(locale, "syncFailed");
  if (status !== "completed" || !stats) return null;
  const synced = responseText(locale, n === 1 ? "syncedOne" : "synced", { n });
  const left = unsupported.reduce((sum, u) => sum + u.accounts + u.transactions, 0);
  if (left === 0) return synced;
  const codes = unsupported.map((u) => u.currency).join(", ");
  return `${synced}. ${responseText(locale, left === 1 ? "syncLeftOutOne" : "syncLeftOut", { n: left, codes })}`;
}

function presentJob(row: JobRow & { connection_id: string; account_ids: string; trigger: string; attempts: number; provider: string | null }, locale: Locale) {
  const result = row.result ? (JSON.parse(row.result) as { stats?: SyncStats; accountIds?: string[]; unsupported?: Unsupported[] }) : null;
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
    unsupported: result?.unsupported ?? [],
    message: jobMessage(row.status, stats, result?.unsupported ?? [], locale),
    error: row.error,
    createdAt: iso(row.created_at),
    startedAt: row.started_at === null ? null : iso(row.started_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
  };
}

/**
 * The queue handler of `provider.sync`. Safe to run twice for the same job (a
 * redelivery after a crash): every write it makes is idempotent (apply.ts).
 * Only a message of the job's latest send claims it (a job sent again as lost:
 * resendLostSyncs); any other does nothing, whatever the job's state.
 */
export async function runSyncJob(svc: Services, message: { [key: string]: unknown }, deliveries = 1): Promise<void> {
  const jobId = String(message.jobId);
  const db = svc.env.DB;
  const job = await db
    .prepare(
      `SELECT j.*, p.connection_id, p.account_ids, p.attempts AS starts, p.resends, s.deleted_at AS space_deleted_at FROM jobs j JOIN provider_sync_jobs p ON p.job_id = j.id
         LEFT JOIN spaces s ON s.id = j.space_id WHERE j.id = ?`,
    )
    .bind(jobId)
    .first<JobRow & { connection_id: string; account_ids: string; starts: number; resends: number; space_deleted_at: number | null }>();
  if (!job) return;
  // A message of an earlier send than the job's latest (the original of a job sent again as lost, arriving late): the
  // latest one runs the job, this one does nothing. (Its own redeliveries carry its number: the platform's copies of
  // the latest send still take the job over from a consumer that died on it.)
  const resend = Math.max(0, Number(message.resend) || 0);
  if (resend !== job.resends) {
    if (svc.env.LOG_LEVEL !== "error") logInfo(undefined, "sync.superseded_message", { jobId, resend, latest: job.resends, status: job.status });
    return;
  }
  // This is the job's (starts + 1)-th start: its own starts are counted (provider_sync_jobs.attempts), so an attempt
  // whose consumer died (a crash, a CPU or memory limit) counts, and a message redelivered only because another
  // message of its batch killed the consumer (the platform retries the whole batch) counts nothing: it never started.
  // The message's `attempt` (the retries this code queued) is never behind it.
  const attempt = Math.max(Math.max(1, Number(message.attempt) || 1), job.starts + 1);
  if (job.status === "completed") return;
  if (job.status === "failed") {
    // Already given up on: let the platform's retries carry the message to the dead-letter queue.
    if (job.error?.startsWith("dead-lettered")) throw new DeadLettered(`sync job ${jobId} failed: ${job.error}`);
    return;
  }
  if (job.space_deleted_at !== null) {
    await finishJob(svc, jobId, "failed", null, SPACE_DELETED_REASON);
    return;
  }
  if (attempt > MAX_SYNC_ATTEMPTS) {
    // Every attempt so far ended without an outcome (each one's retry would have counted as a new message): the
    // consumer dies on this sync. Given up on now, while a delivery is left to say so.
    const conn = await getConnection(svc, job.connection_id);
    const reason = interruptedReason(`given up after ${attempt - 1} attempts, the last of which stopped without finishing`);
    logError(undefined, "sync.interrupted", new Error(reason), { jobId, connectionId: job.connection_id, attempt, deliveries });
    if (conn) await giveUpInterrupted(svc, conn, jobId, reason, job.status);
    else await finishJob(svc, jobId, "failed", null, reason);
    return;
  }
  // The start: the job `running` (taken from an attempt that died, if one left it so) and this start counted, in one
  // batch. The count is this attempt's hold on the job: every later write of its outcome is conditional on it.
  const started = svc.clock.now();
  const [claimed, , counted] = await db.batch([
    // Only while this message's send is still the job's latest (a resend can come between the read above and this).
    db.prepare(
      "UPDATE jobs SET status = 'running', started_at = ?, heartbeat_at = ? WHERE id = ? AND status IN ('queued', 'running') AND EXISTS (SELECT 1 FROM provider_sync_jobs WHERE job_id = ? AND resends = ?)",
    ).bind(started, started, jobId, jobId, resend),
    db.prepare("UPDATE provider_sync_jobs SET attempts = attempts + 1 WHERE job_id = ? AND EXISTS (SELECT 1 FROM jobs WHERE id = ? AND status = 'running' AND started_at = ?)").bind(jobId, jobId, started),
    db.prepare("SELECT attempts FROM provider_sync_jobs WHERE job_id = ?").bind(jobId),
  ]);
  if (claimed!.meta.changes === 0) return; // finished, or sent again, meanwhile
  const self: Attempt = { jobId, start: (counted!.results[0] as { attempts: number }).attempts };
  try {
    await attemptSync(svc, job, self, attempt, started);
  } catch (err) {
    if (!(err instanceof JobLost)) throw err;
    // Another took the job over (the sweep or a new sync failed it as interrupted, or a redelivery started it
    // again): what this attempt committed stays (each write is idempotent), and its outcome is not written.
    logInfo(undefined, "sync.job_lost", { jobId, connectionId: job.connection_id, attempt });
  }
}

/**
 * The job's heartbeat, as this attempt makes progress (Services.progress): at most once per HEARTBEAT_MS, or at once
 * when `now`; JobLost once the attempt no longer holds its job, which stops it at its next write or page.
 */
function heartbeat(svc: Services, self: Attempt, started: number) {
  let last = started;
  let lost = false;
  return async (now = false) => {
    if (lost) throw new JobLost(`sync job ${self.jobId}: attempt ${self.start} lost its job`);
    const at = svc.clock.now();
    if (!now && at - last < HEARTBEAT_MS) return;
    last = at;
    const beat = await svc.env.DB.prepare(`UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND ${HOLDS_JOB_SQL}`).bind(at, self.jobId, self.jobId, self.start).run();
    if (beat.meta.changes === 0) {
      lost = true;
      throw new JobLost(`sync job ${self.jobId}: attempt ${self.start} lost its job`);
    }
  };
}

/** Whether the connection's sealed credentials are no longer those an attempt read at its start. */
async function credentialsReplaced(svc: Services, conn: ConnectionRow): Promise<boolean> {
  const now = await svc.env.DB.prepare("SELECT credentials_enc FROM provider_connections WHERE id = ?").bind(conn.id).first<{ credentials_enc: string }>();
  return now !== null && now.credentials_enc !== conn.credentials_enc;
}

async function attemptSync(
  svc: Services,
  job: JobRow & { connection_id: string; account_ids: string; resends: number },
  self: Attempt,
  attempt: number,
  started: number,
): Promise<void> {
  const jobId = self.jobId;
  const db = svc.env.DB;
  const conn = await getConnection(svc, job.connection_id);
  if (!conn || conn.status === "disconnected") {
    await finishJob(svc, jobId, "failed", null, conn?.status_reason?.startsWith("space_deleted") ? SPACE_DELETED_REASON : "Connection disconnected", [], self);
    return;
  }
  // Every ledger commit and revert of the sync is refused once its space is deleted (syncServices), and each one and
  // each page a provider client reads refreshes the job's heartbeat (stopping the sync if it lost the job).
  const beat = heartbeat(svc, self, started);
  svc = { ...syncServices(svc, conn.space_id), progress: () => beat() };
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
    // A fetch can take long: a space deleted meanwhile is not written to at all (its commits are guarded too).
    if (!(await spaceLive(svc, conn.space_id))) throw new SpaceDeleted(`space ${conn.space_id} was deleted during the sync`);
    const onlyAccountIds = fetched.connectionWide ? [] : (JSON.parse(job.account_ids) as string[]);
    stats.errors += fetched.changes.unreadable ?? 0;
    const { accountIds, added } = await applyChanges(svc, conn, fetched.changes, stats, { onlyAccountIds, timings, touchedCategories: touched });
    await fetched.commit?.();
    if (svc.env.LOG_LEVEL !== "error") logInfo(undefined, "sync.timing", { jobId, provider: conn.provider, upserts: fetched.changes.upserts.length, created: stats.created, ...timings });
    // Still this attempt's job (the connection's writes below are not conditional themselves; the job's end is).
    await beat(true);
    const finished = svc.clock.now();
    // A reauth_required the provider announced while this sync ran stands (a Belvo token_required webhook): what this
    // sync read was from before it. One set before the sync started is repaired by it (Plaid's update mode).
    const unsupported = fetched.changes.unsupported ?? [];
    await setStatus(svc, conn.id, "active", null, { syncedAt: finished, syncStartedAt: started, unsupported });
    const watching = await scheduleNextSync(svc, conn, finished + CRON_SYNC_AGE_MS, touched);
    // Before the job completes: whoever sees the sync done sees its alerts too.
    await checkSyncAlerts(svc, conn, touched, watching);
    if (accountIds.length) {
      await db.prepare(`UPDATE accounts SET last_synced_at = ?, updated_at = ? WHERE id ${IN_JSON_LIST}`).bind(finished, finished, jsonList(accountIds)).run();
    }
    // The job's end and the events announcing it commit together: a crash cannot complete one without the other.
    await finishJob(
      svc, jobId, "completed", { stats, accountIds, unsupported }, null,
      accountIds.map((accountId) => ({
        spaceId: conn.space_id, type: "account.sync.completed" as const, dedupeKey: `account.sync.completed:${jobId}:${accountId}`,
        payload: { spaceId: conn.space_id, accountId, connectionId: conn.id, jobId, transactionsAdded: added.get(accountId) ?? 0, stats, balanceUpdated: stats.adjustments > 0, syncDuration: finished - started },
      })),
      self,
    );
  } catch (err) {
    if (err instanceof JobLost) throw err;
    if (err instanceof SpaceDeleted) {
      // Nothing more is written in a deleted space (no alerts, no events): the job ends with the reason.
      if (svc.env.LOG_LEVEL !== "error") logInfo(undefined, "sync.space_deleted", { jobId, connectionId: conn.id, created: stats.created });
      await finishJob(svc, jobId, "failed", { stats, accountIds: [] }, SPACE_DELETED_REASON, [], self);
      return;
    }
    const reason = failureReason(err);
    logError(undefined, "sync.failed", err, { jobId, connectionId: conn.id, attempt });
    // What this attempt wrote before failing stays written, and its retry finds those rows there and writes
    // nothing: checked now, or their alert would wait for the space's next write.
    await checkSyncAlerts(svc, conn, touched);
    // Still this attempt's job: a failure of an attempt taken over is not its job's (nor its connection's).
    await beat(true);
    if (err instanceof LoginRefused) {
      // The connection was disconnected with the reason, a second link of a login the space has (connections.ts): nothing to retry.
      await finishJob(svc, jobId, "failed", { stats, accountIds: [] }, reason, [failedEvent(conn, jobId, reason)], self);
      return;
    }
    // A refusal of credentials the connection no longer holds (a Belvo repair gave it a new password while this
    // attempt ran with the old one) says nothing of the new ones: the attempt is retried, with them, not failed.
    const refusedOld = err instanceof ProviderError && !err.transient && (await credentialsReplaced(svc, conn));
    if (err instanceof ProviderError && REAUTH_CODES.has(err.code) && !refusedOld) {
      await setStatus(svc, conn.id, "reauth_required", reason);
      await finishJob(svc, jobId, "failed", { stats, accountIds: [] }, reason, [failedEvent(conn, jobId, reason)], self);
      return;
    }
    if (err instanceof ProviderError && !err.transient && !refusedOld) {
      // The provider refused the request itself (a bad token, a revoked key): retrying cannot help.
      await setStatus(svc, conn.id, "error", reason);
      await finishJob(svc, jobId, "failed", { stats, accountIds: [] }, reason, [failedEvent(conn, jobId, reason)], self);
      return;
    }
    if (attempt < MAX_SYNC_ATTEMPTS) {
      // Back to the queue with a growing delay; the job stays queued so no second sync starts meanwhile.
      const retrying = truncateText(`attempt ${attempt}: ${reason}`, 1000);
      // The connection says so while it waits (status unchanged: it is not failing yet); its next success clears it.
      // A provider's warning it holds (setNotice: PENDING_EXPIRATION) stays instead: the success that follows keeps
      // the reason until the warning's end, which would have kept this line in its place, and the warning lost.
      const delaySeconds = retryDelaySeconds(attempt, err);
      const sentAt = svc.clock.now();
      await holding(db, self, [
        db.prepare("UPDATE jobs SET status = 'queued', error = ? WHERE id = ?").bind(retrying, jobId),
        // Due at the end of its delay: lost only if still queued RESEND_AFTER_MS after that.
        db.prepare("UPDATE provider_sync_jobs SET sent_at = ?, due_at = ? WHERE job_id = ?").bind(sentAt, sentAt + delaySeconds * 1000, jobId),
        db.prepare(
          `UPDATE provider_connections SET status_reason = CASE WHEN status = 'active' AND notice_until > ? THEN status_reason ELSE ? END, updated_at = ?
           WHERE id = ? AND status IN ('pending', 'active', 'error')`,
        ).bind(svc.clock.now(), truncateText(`${RETRYING_PREFIX}${retrying}`, 500), svc.clock.now(), conn.id),
      ]);
      // Of the send that claimed the job (its number unchanged while it runs): a resend changes it only while queued.
      await svc.env.SYNC_QUEUE.send(syncMessage(jobId, attempt + 1, job.resends), { delaySeconds });
      return;
    }
    await setStatus(svc, conn.id, "error", reason);
    await finishJob(svc, jobId, "failed", { stats, accountIds: [] }, `dead-lettered after ${attempt} attempts: ${reason}`, [failedEvent(conn, jobId, reason)], self);
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

/** Runs the batch only while the attempt holds its job (a guard first in it), else JobLost and nothing of it lands. */
async function holding(db: D1Database, self: Attempt, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  try {
    return await db.batch([batchGuard(db, HOLDS_JOB_SQL, [self.jobId, self.start]), ...statements]);
  } catch (err) {
    if (refusedByGuard(err)) throw new JobLost(`sync job ${self.jobId}: attempt ${self.start} lost its job`);
    throw err;
  }
}

/** The job's outcome and its events, in one batch: with `self`, only while that attempt holds the job (else JobLost). */
async function finishJob(svc: Services, jobId: string, status: "completed" | "failed", result: unknown, error: string | null, events: PublishInput[] = [], self?: Attempt) {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const rows = events.map((e) => outboxRow(e, now));
  await (self ? (statements: D1PreparedStatement[]) => holding(db, self, statements) : (statements: D1PreparedStatement[]) => db.batch(statements))([
    db.prepare("UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = ? WHERE id = ?")
      .bind(status, result === null ? null : JSON.stringify(result), error === null ? null : truncateText(error, 1000), now, jobId),
    ...rows.map((r) => outboxStatement(db, r)),
  ]);
  await queueFanout(svc, rows);
}

/** How a connection's statusReason begins while a failed sync waits for its retry. */
export const RETRYING_PREFIX = "retrying: ";

/**
 * A job that stopped without an outcome, given up on: failed with the reason (only while still `from`: a worker that
 * finished meanwhile keeps its outcome), the connection in `error` with it (unless it needs a login or is
 * disconnected, which say more), and `account.sync.failed`. False when the job had moved on.
 */
async function giveUpInterrupted(svc: Services, conn: ConnectionRow, jobId: string, reason: string, from: "queued" | "running", quietSince?: number): Promise<boolean> {
  const db = svc.env.DB;
  const now = svc.clock.now();
  const [failed] = await db.batch([
    // `quietSince`: only a job with no heartbeat since (a sync that beat meanwhile is alive, and keeps its job).
    db.prepare(`UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status = ? AND (? IS NULL OR status != 'running' OR ${heartbeatOf()} <= ?)`)
      .bind(truncateText(reason, 1000), now, jobId, from, quietSince ?? null, quietSince ?? null),
    db.prepare(
      `UPDATE provider_connections SET status = 'error', status_reason = ?, updated_at = ?
        WHERE id = ? AND status IN ('pending', 'active', 'error') AND EXISTS (SELECT 1 FROM jobs WHERE id = ? AND status = 'failed' AND finished_at = ?)`,
    ).bind(truncateText(reason, 500), now, conn.id, jobId, now),
  ]);
  if (failed!.meta.changes === 0) return false;
  const rows = [outboxRow(failedEvent(conn, jobId, reason), now)];
  await db.batch(rows.map((r) => outboxStatement(db, r)));
  await queueFanout(svc, rows);
  return true;
}

/** Jobs failed per hourly run by failStaleSyncs. */
const STALE_SWEEP_LIMIT = 100;

/**
 * Hourly: the latest sync of a live connection that is still `running` past STALE_RUNNING_MS (its worker ended
 * without an outcome, and no retry was queued) or `queued` past STALE_QUEUED_MS (its message lost) is failed as
 * interrupted, and the connection says so (giveUpInterrupted). The cron's next due sync tries again.
 */
export async function failStaleSyncs(svc: Services): Promise<number> {
  const now = svc.clock.now();
  const { results } = await svc.env.DB.prepare(
    `SELECT j.id AS job_id, j.status AS job_status, c.* FROM provider_connections c
       JOIN provider_sync_jobs p ON p.connection_id = c.id AND p.created_at >= c.last_sync_attempt_at
       JOIN jobs j ON j.id = p.job_id
      WHERE c.status != 'disconnected' AND c.last_sync_attempt_at <= ? AND (c.last_sync_at IS NULL OR c.last_sync_at < c.last_sync_attempt_at)
        AND ((j.status = 'running' AND ${heartbeatOf("j.")} <= ?) OR (j.status = 'queued' AND j.created_at <= ?))
      LIMIT ${STALE_SWEEP_LIMIT}`,
  )
    .bind(now - STALE_RUNNING_MS, now - STALE_RUNNING_MS, now - STALE_QUEUED_MS)
    .all<ConnectionRow & { job_id: string; job_status: "queued" | "running" }>();
  let n = 0;
  for (const r of results) {
    const reason = interruptedReason(r.job_status === "running" ? "the sync stopped without finishing" : "the sync was never run");
    if (await giveUpInterrupted(svc, r, r.job_id, reason, r.job_status, now - STALE_RUNNING_MS)) n++;
  }
  return n + (await failStaleDisconnectedSyncs(svc, now));
}

/** Jobs sent again per run of resendLostSyncs (the rest wait for the next run). */
const RESEND_LIMIT = 100;

/**
 * Hourly, and for the connections a sync request is refused for (409): the latest job of a connection still `queued`
 * RESEND_AFTER_MS past due (its message lost) and within STALE_QUEUED_MS of its creation is sent again, at most
 * MAX_SYNC_RESENDS times. Each resend takes the job's next number first, only while the job is still queued and at the
 * number read (a consumer claiming it meanwhile, or another sweep, wins), so every earlier message of it does nothing
 * when it arrives (runSyncJob). A failed send is logged: the job is due again, and the next run sends it. The hourly
 * sweep of webhook deliveries (webhooks/publish.ts) queues its lost messages again the same way.
 */
export async function resendLostSyncs(svc: Services, connectionIds?: string[]): Promise<number> {
  const now = svc.clock.now();
  const db = svc.env.DB;
  if (connectionIds?.length === 0) return 0;
  const { results } = await db.prepare(
    `SELECT p.job_id, p.attempts, p.resends FROM provider_connections c
       JOIN provider_sync_jobs p ON p.connection_id = c.id AND p.created_at >= c.last_sync_attempt_at
       JOIN jobs j ON j.id = p.job_id
      WHERE (?1 IS NULL OR c.id IN (SELECT value FROM json_each(?1))) AND j.status = 'queued' AND j.created_at > ?2
        AND p.due_at <= ?3 AND p.resends < ?4
      ORDER BY p.due_at LIMIT ${RESEND_LIMIT}`,
  )
    .bind(connectionIds ? jsonList(connectionIds) : null, now - STALE_QUEUED_MS, now - RESEND_AFTER_MS, MAX_SYNC_RESENDS)
    .all<{ job_id: string; attempts: number; resends: number }>();
  if (results.length === 0) return 0;
  const taken = await db.batch(
    results.map((r) =>
      db.prepare(
        `UPDATE provider_sync_jobs SET resends = resends + 1, sent_at = ?, due_at = ?
          WHERE job_id = ? AND resends = ? AND EXISTS (SELECT 1 FROM jobs WHERE id = ? AND status = 'queued')`,
      ).bind(now, now, r.job_id, r.resends, r.job_id),
    ),
  );
  const resent = results.filter((_, i) => taken[i]!.meta.changes === 1).map((r) => syncMessage(r.job_id, r.attempts + 1, r.resends + 1));
  try {
    await sendAll(svc.env.SYNC_QUEUE, resent);
  } catch (err) {
    logError(undefined, "sync.resend_failed", err, { jobs: resent.length });
    return 0;
  }
  if (resent.length && svc.env.LOG_LEVEL !== "error") logInfo(undefined, "sync.resent", { jobs: resent.length, jobIds: resent.map((m) => m.jobId).join(",") });
  return resent.length;
}

/**
 * A disconnected connection's job left `running` (its worker ended after the user disconnected, or the space was
 * deleted) or `queued` past its bound is failed as interrupted too, not left so for good: the job only, with no event
 * and the connection left as it is (disconnected says more).
 */
async function failStaleDisconnectedSyncs(svc: Services, now: number): Promise<number> {
  const stale = `((j.status = 'running' AND ${heartbeatOf("j.")} <= ?1) OR (j.status = 'queued' AND j.created_at <= ?2))`;
  const res = await svc.env.DB.prepare(
    `UPDATE jobs AS j SET status = 'failed', error = ?3, finished_at = ?4
      WHERE j.id IN (SELECT p.job_id FROM provider_connections c JOIN provider_sync_jobs p ON p.connection_id = c.id JOIN jobs j ON j.id = p.job_id
                      WHERE c.status = 'disconnected' AND ${stale} LIMIT ${STALE_SWEEP_LIMIT})
        AND ${stale}`,
  )
    .bind(now - STALE_RUNNING_MS, now - STALE_QUEUED_MS, interruptedReason("the sync stopped without finishing; its connection is disconnected"), now)
    .run();
  return res.meta.changes;
}

/**
 * What a failed attempt says of itself in the job's error, the connection's reason and account.sync.failed (which goes
 * to webhook receivers outside): a provider's refusal, a request error (ApiError) and a login refused as a second link
 * (LoginRefused) in their own words, anything else
 * (a D1 error with its SQL, a fault of the code) only as an internal error; the log has it whole (sync.failed).
 */
function failureReason(err: unknown): string {
  if (err instanceof ProviderError) return `${err.provider} ${err.code}: ${err.message}`;
  if (err instanceof ApiError) return `${err.code}: ${err.message}`;
  // A second link of a login the space has: its message names the kept connection, for the person.
  if (err instanceof LoginRefused) return err.message;
  return INTERNAL_JOB_ERROR;
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
      // Never a connection of a deleted space (deleteSpace disconnects them; this holds for any it did not).
      `SELECT c.* FROM provider_connections c JOIN spaces s ON s.id = c.space_id AND s.deleted_at IS NULL
        WHERE c.status IN ('active', 'error', 'pending') AND (c.next_sync_at IS NULL OR c.next_sync_at <= ?) ORDER BY c.next_sync_at LIMIT 500`,
    )
      .bind(now)
      .all<ConnectionRow>()
  ).results;
  let n = 0;
  for (const c of due) {
    const { created, sent } = await enqueueSync(svc, c, "cron");
    if (created) n++;
    // The queue refused a send: the rest wait for the next run rather than be written unsent (each would be failed
    // as interrupted, its connection in `error`, two hours on, if the outage outlasted resendLostSyncs' hundred a run).
    if (!sent) break;
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

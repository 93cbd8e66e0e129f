/**
 * Cron entry. Each cron expression of wrangler.toml maps to the tasks that
 * run on it; tasks are thin and call module services.
 */
import { createDb } from "../db/client";
import type { Services } from "../env";
import { type Clock, systemClock } from "../lib/clock";
import { logError, logInfo } from "../lib/log";
import { webhookSweep } from "../modules/webhooks/jobs";
import { snapshotEsgScores } from "../modules/esg/service";
import { enqueueWalletSyncs } from "../modules/defi/service";
import { forecastCronTask } from "../modules/analytics/forecast";
import { recordTodaysRates } from "../modules/rates/service";
import { backfillRates } from "../modules/rates/backfill";
import { backfillPriceHistory } from "../modules/prices/history";
import { recheckBudgetsAwaitingRates } from "../modules/budgets/rate-waits";
import { alertBudgetsAtPeriodStart } from "../modules/budgets/period-waits";
import { enqueueValuationRefreshes } from "../modules/assets/refresh";
import { cleanupPendingUploads } from "../modules/documents/service";
import { runLifeBeat } from "../modules/lifebeat/escalation";
import { settleInterruptedRetirements } from "../modules/providers/connections";
import { retryPendingRemovals } from "../modules/providers/remove";
import { enqueueDueSyncs, failStaleSyncs, resendLostSyncs } from "../modules/providers/sync";
import { foldUnfoldedTransactions } from "../modules/transactions/search-backfill";
import { pruneEndedSessions } from "../modules/auth/retention";

export type CronTask = (svc: Services, scheduledTime: number) => Promise<void>;

const defiAndGamingSync: CronTask = async (svc) => {
  await enqueueWalletSyncs(svc);
};
const esgSnapshots: CronTask = async (svc, at) => {
  await snapshotEsgScores(svc, at);
};
// Sends a queue message per linked asset; the queue's consumer calls the providers.
const refreshAssetValuations: CronTask = async (svc) => {
  await enqueueValuationRefreshes(svc);
};
const cleanupAbandonedUploads: CronTask = async (svc) => {
  await cleanupPendingUploads(svc);
};
const staleSyncs: CronTask = async (svc) => {
  await failStaleSyncs(svc);
};
const lostSyncMessages: CronTask = async (svc) => {
  await resendLostSyncs(svc);
};
const providerSyncs: CronTask = async (svc) => {
  await enqueueDueSyncs(svc);
};
const interruptedDisconnections: CronTask = async (svc) => {
  await settleInterruptedRetirements(svc);
};
const pendingRemovals: CronTask = async (svc) => {
  await retryPendingRemovals(svc);
};
const lifeBeat: CronTask = async (svc) => {
  await runLifeBeat(svc);
};
const pastRates: CronTask = async (svc, at) => {
  await backfillRates(svc, at);
};
const pastPrices: CronTask = async (svc, at) => {
  await backfillPriceHistory(svc, at);
};
const searchBackfill: CronTask = async (svc) => {
  await foldUnfoldedTransactions(svc);
};
const endedSessions: CronTask = async (svc) => {
  await pruneEndedSessions(svc);
};
const budgetsAwaitingRates: CronTask = async (svc, at) => {
  await recheckBudgetsAwaitingRates(svc, at);
};
// By the clock its alert checks read the current period by, not the run's scheduled time.
const budgetsAtPeriodStart: CronTask = async (svc) => {
  await alertBudgetsAtPeriodStart(svc);
};

/** Tasks by cron expression; modules register theirs here, one entry per task. */
export const cronTasks: Record<string, CronTask[]> = {
  // Hourly.
  "0 * * * *": [
    lifeBeat,
    // Syncs whose worker ended without an outcome: failed as interrupted, and their connections say so.
    staleSyncs,
    // Syncs still queued long past due (their message lost, e.g. by a `wrangler dev` restart): sent again, a few times.
    lostSyncMessages,
    providerSyncs,
    // Disconnections a crash left half done: their accounts stop counting.
    interruptedDisconnections,
    // Deleted spaces' connections whose removal at the provider failed: tried again (their credentials kept till then).
    pendingRemovals,
    webhookSweep,
    // Hourly: an s3-mode upload's reservation, and a tombstone's bytes, count until this has run.
    cleanupAbandonedUploads,
    // Past days' exchange rates, a bounded number a run, most recent first.
    pastRates,
    // Past prices of the coins and securities the price cache holds, a bounded number of them a run.
    pastPrices,
    // Then the budgets whose alerts waited for a rate or price, which those runs (or today's rates) may have brought.
    budgetsAwaitingRates,
    // Budgets with spending dated in a period that has begun since: their alerts checked (budgets/period-waits.ts).
    budgetsAtPeriodStart,
    // Search copies of transactions from before migration 0030, a bounded number a run.
    searchBackfill,
  ],
  // Daily 03:00 UTC: today's exchange rates, then the forecasts that convert with them.
  "0 3 * * *": [
    recordTodaysRates,
    forecastCronTask,
    // Sign-ins over for 30 days, with their refresh tokens (a row per refresh), a bounded number a run.
    endedSessions,
  ],
  // Daily 04:00 UTC: valuations.
  "0 4 * * *": [
    defiAndGamingSync,
    esgSnapshots,
    refreshAssetValuations,
  ],
};

/** The cron entry; tests pass a `clock` to drive time (the Worker uses the system clock). */
export async function handleScheduled(controller: ScheduledController, env: Env, clock: Clock = systemClock): Promise<void> {
  const svc: Services = { env, db: createDb(env.DB), clock };
  // A local trigger without ?cron= (`/__scheduled` under `wrangler dev --test-scheduled`) runs the hourly tasks.
  const tasks = cronTasks[controller.cron || "0 * * * *"] ?? [];
  for (const task of tasks) {
    try {
      await task(svc, controller.scheduledTime);
    } catch (err) {
      logError(undefined, "cron.task_failed", err, { cron: controller.cron, task: task.name });
    }
  }
  if (env.LOG_LEVEL !== "error") logInfo(undefined, "cron.done", { cron: controller.cron, tasks: tasks.length });
}

/**
 * Cron entry. Each cron expression of wrangler.toml maps to the tasks that
 * run on it; tasks are thin and call module services.
 */
import { createDb } from "../db/client";
import type { Services } from "../env";
import { systemClock } from "../lib/clock";
import { logError, logInfo } from "../lib/log";
import { webhookSweep } from "../modules/webhooks/jobs";
import { snapshotEsgScores } from "../modules/esg/service";
import { syncAllWallets } from "../modules/defi/service";
import { refreshForecasts } from "../modules/analytics/forecast";
import { recordTodaysRates } from "../modules/rates/service";

export type CronTask = (svc: Services, scheduledTime: number) => Promise<void>;

/** Tasks by cron expression; modules register theirs here. */
export const cronTasks: Record<string, CronTask[]> = {
  "0 * * * *": [webhookSweep],
  "0 3 * * *": [],
  "0 4 * * *": [
    async function defiAndGamingSync(svc) { await syncAllWallets(svc); },
    async function esgSnapshots(svc, at) { await snapshotEsgScores(svc, at); },
  ],
  "0 * * * *": [],
  "0 3 * * *": [
    recordTodaysRates,
    async (svc, t) => void (await refreshForecasts(svc, t)),
  ],
  "0 4 * * *": [],
};

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const svc: Services = { env, db: createDb(env.DB), clock: systemClock };
  const tasks = cronTasks[controller.cron] ?? [];
  for (const task of tasks) {
    try {
      await task(svc, controller.scheduledTime);
    } catch (err) {
      logError(undefined, "cron.task_failed", err, { cron: controller.cron, task: task.name });
    }
  }
  if (env.LOG_LEVEL !== "error") logInfo(undefined, "cron.done", { cron: controller.cron, tasks: tasks.length });
}

/**
 * Cron entry. Each cron expression of wrangler.toml maps to the tasks that
 * run on it; tasks are thin and call module services.
 */
import { createDb } from "../db/client";
import type { Services } from "../env";
import { systemClock } from "../lib/clock";
import { logError, logInfo } from "../lib/log";
import { enqueueDueSyncs } from "../modules/providers/sync";

export type CronTask = (svc: Services, scheduledTime: number) => Promise<void>;

/** Tasks by cron expression; modules register theirs here. */
export const cronTasks: Record<string, CronTask[]> = {
  "0 * * * *": [async function providerSyncs(svc) { await enqueueDueSyncs(svc); }],
  "0 3 * * *": [],
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

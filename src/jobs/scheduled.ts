/**
 * Cron entry. Each cron expression of wrangler.toml maps to the tasks that
 * run on it; tasks are thin and call module services.
 */
import { createDb } from "../db/client";
import type { Services } from "../env";
import { type Clock, systemClock } from "../lib/clock";
import { logError, logInfo } from "../lib/log";
import { runLifeBeat } from "../modules/lifebeat/escalation";

export type CronTask = (svc: Services, scheduledTime: number) => Promise<void>;

/** Tasks by cron expression; modules register theirs here. */
export const cronTasks: Record<string, CronTask[]> = {
  "0 * * * *": [async function lifeBeat(svc) { await runLifeBeat(svc); }],
  "0 3 * * *": [],
  "0 4 * * *": [],
};

/** The cron entry; tests pass a `clock` to drive time (the Worker uses the system clock). */
export async function handleScheduled(controller: ScheduledController, env: Env, clock: Clock = systemClock): Promise<void> {
  const svc: Services = { env, db: createDb(env.DB), clock };
  // A local trigger without ?cron= (wrangler dev's /cdn-cgi/handler/scheduled) runs the hourly tasks.
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

/** WEBHOOK_QUEUE handlers (registered in src/jobs/queue.ts). */
import type { JobHandler } from "../../jobs/queue";
import { deliverAttempt, fanOut } from "./deliver";
import { DELIVER_JOB, FANOUT_JOB } from "./events";
import { sweepWebhooks } from "./publish";
import { pruneDeliveryLog } from "./retention";
import type { Services } from "../../env";

export const webhookJobHandlers: Record<string, JobHandler> = {
  [FANOUT_JOB]: async (svc, m) => {
    await fanOut(svc, String(m.eventId));
  },
  [DELIVER_JOB]: async (svc, m) => {
    await deliverAttempt(svc, String(m.deliveryId), Number(m.attempt ?? 0));
  },
};

/**
 * Hourly cron task: queues outbox events not yet fanned out and deliveries whose message was lost, then removes the
 * delivery log's finished deliveries past its retention (retention.ts).
 */
export async function webhookSweep(svc: Services): Promise<void> {
  await sweepWebhooks(svc);
  await pruneDeliveryLog(svc);
}

/**
 * Queue consumer entry. Messages are `{ type, ... }`; each type has one
 * handler that calls module services. A message with no handler is retried
 * and ends in the queue's dead-letter queue rather than being dropped.
 */
import { createDb } from "../db/client";
import type { Services } from "../env";
import { systemClock } from "../lib/clock";
import { logError, logInfo } from "../lib/log";
import { runValuationRefresh, VALUATION_REFRESH } from "../modules/assets/refresh";
import { DEFI_WALLET_SYNC, runWalletSync } from "../modules/defi/service";
import { ESG_SNAPSHOT, snapshotQueuedSpace } from "../modules/esg/service";
import { RETRAIN_JOB, runRetrain } from "../modules/ml/service";
import { WEBHOOK_BATCH_CONCURRENCY, WEBHOOK_QUEUE_NAME } from "../modules/webhooks/events";
import { webhookJobHandlers } from "../modules/webhooks/jobs";
import { runSyncJob, SYNC_JOB } from "../modules/providers/sync";

export interface JobMessage {
  type: string;
  [key: string]: unknown;
}

/** `deliveries`: the queue's count of this message's deliveries (msg.attempts), this one included. */
export type JobHandler = (svc: Services, message: JobMessage, deliveries: number) => Promise<void>;

/** Handlers by message type. */
export const jobHandlers: Record<string, JobHandler> = {
  [RETRAIN_JOB]: (svc, m) => runRetrain(svc, String(m.jobId), String(m.spaceId)),
  ...webhookJobHandlers,
  [SYNC_JOB]: (svc, m, deliveries) => runSyncJob(svc, m, deliveries),
  [DEFI_WALLET_SYNC]: (svc, m) => runWalletSync(svc, String(m.walletId)),
  [ESG_SNAPSHOT]: async (svc, m) => void (await snapshotQueuedSpace(svc, String(m.spaceId), Number(m.at))),
  [VALUATION_REFRESH]: async (svc, m) => void (await runValuationRefresh(svc, String(m.assetId), String(m.day))),
};

export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const svc: Services = { env, db: createDb(env.DB), clock: systemClock };
  if (batch.queue === WEBHOOK_QUEUE_NAME) await handleWebhookBatch(svc, batch);
  else for (const msg of batch.messages) await handleMessage(svc, batch.queue, msg);
  if (env.LOG_LEVEL !== "error") logInfo(undefined, "queue.batch_done", { queue: batch.queue, size: batch.messages.length });
}

/** One message: its handler run, then acked; retried when it has no handler or its handler throws. */
async function handleMessage(svc: Services, queue: string, msg: Message<unknown>): Promise<void> {
  const body = msg.body as JobMessage | undefined;
  const handler = body && typeof body.type === "string" ? jobHandlers[body.type] : undefined;
  if (!handler) {
    logError(undefined, "queue.unknown_message", new Error("No handler for message"), { queue, id: msg.id });
    msg.retry();
    return;
  }
  try {
    await handler(svc, body!, msg.attempts);
    msg.ack();
  } catch (err) {
    logError(undefined, "queue.handler_failed", err, { queue, id: msg.id, type: body!.type, attempts: msg.attempts });
    msg.retry();
  }
}

/**
 * A WEBHOOK_QUEUE batch: its messages run WEBHOOK_BATCH_CONCURRENCY at a time, each taking the next one left, so a
 * receiver that is slow or never answers (up to REQUEST_TIMEOUT_MS) holds up only its own message, not the rest of a
 * batch that is shared by every space. Each message is acked or retried on its own outcome, as a sync batch's are.
 */
async function handleWebhookBatch(svc: Services, batch: MessageBatch<unknown>): Promise<void> {
  const messages = batch.messages;
  let next = 0;
  const worker = async () => {
    while (next < messages.length) await handleMessage(svc, batch.queue, messages[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(WEBHOOK_BATCH_CONCURRENCY, messages.length) }, worker));
}

/**
 * How long the delivery log keeps what it shows. A delivery and its attempts are a row each per subscription and event
 * (a sync of thousands of transactions makes thousands), so a log kept forever grows without bound towards D1's
 * 10 GB. Finished deliveries (succeeded, failed, cancelled) are removed once DELIVERY_LOG_DAYS old, oldest first, a
 * bounded number a run of the hourly cron; a pending one stays until it finishes. The outbox events stay: their
 * dedupe keys are what make an event (a budget's alert in its period) happen once.
 */
import type { Services } from "../../env";
import { idFloor } from "../../lib/ids";
import { logInfo } from "../../lib/log";
import { pruneInBatches, type PruneBatches } from "../../lib/prune";

export const DELIVERY_LOG_DAYS = 30;

/**
 * Deliveries removed a batch (with their attempts: at most 12 each), and batches a run: 100,000 deliveries an hour,
 * 2.4 million a day, far past what the subscriptions of one database make (a run stops at the first batch not full).
 */
const PRUNE: PruneBatches = { size: 500, batches: 200 };

/** Removes finished deliveries older than DELIVERY_LOG_DAYS and their attempts; how many deliveries went. */
export async function pruneDeliveryLog(svc: Services): Promise<number> {
  const db = svc.env.DB;
  // Delivery ids begin with their creation time, so the primary key's order is the age order: no scan of the recent.
  const before = idFloor("dlv", svc.clock.now() - DELIVERY_LOG_DAYS * 86_400_000);
  const oldest = `SELECT id FROM webhook_deliveries WHERE id < ? AND status != 'pending' ORDER BY id LIMIT ${PRUNE.size}`;
  // The attempts of exactly the deliveries removed with them.
  const removed = await pruneInBatches(db, () => [
    db.prepare(`DELETE FROM webhook_delivery_attempts WHERE delivery_id IN (${oldest})`).bind(before),
    db.prepare(`DELETE FROM webhook_deliveries WHERE id IN (${oldest})`).bind(before),
  ], PRUNE);
  if (removed > 0 && svc.env.LOG_LEVEL !== "error") logInfo(undefined, "webhooks.delivery_log_pruned", { removed });
  return removed;
}

/** Sends queue messages in batches of 100 (the Queues limit per sendBatch). */
export async function sendAll(queue: Queue, bodies: unknown[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 100) await queue.sendBatch(bodies.slice(i, i + 100).map((body) => ({ body })));
}

/** Worker entry: HTTP, queue consumers and cron triggers, plus the Durable Object classes. */
import { app } from "./app";
import { handleQueue } from "./jobs/queue";
import { handleScheduled } from "./jobs/scheduled";
import { registerSandboxHandler } from "./lib/outbound";

export { SpaceLedger } from "../durable-objects/space-ledger";
export { RateLimiter } from "../durable-objects/rate-limiter";

// Sandbox-mode outbound calls are answered by the app's own /sandbox routes, in-process.
registerSandboxHandler((request, env) => app.fetch(request, env));

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: (controller, env) => handleScheduled(controller, env),
} satisfies ExportedHandler<Env>;

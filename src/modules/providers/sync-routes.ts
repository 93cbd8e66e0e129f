import { createRoute } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { reportRateLimit } from "../../middleware/rate-limit";
import { JobIdParam, SyncAcceptedSchema, SyncBody, SyncJobSchema } from "./schemas";
import { getSyncJob, requestSync } from "./sync";
import { requestLanguage } from "../../middleware/errors";

/** POST /v1/accounts/sync (mounted under /v1/accounts). */
export const accountSyncRoutes = createRouter();
/** GET /v1/sync-jobs/{jobId} (mounted under /v1/sync-jobs). */
export const syncJobRoutes = createRouter();
const tags = ["Accounts"];

accountSyncRoutes.openapi(
  createRoute({
    ...access("member"),
    middleware: guards.user, security: bearer, method: "post", path: "/sync", tags,
    summary: "Queue a sync of provider accounts (all of the space's when accountIds is empty): 202 with job ids",
    description:
      "At most one sync per connection at a time (409 SYNC_IN_PROGRESS) and one per 15 minutes unless `force` (429 with Retry-After); the `sync` policy (5 a minute) is taken per connection queued, once the caller may sync it, and its headers are reported then; every request also counts toward the caller's `general` policy, whose headers a request that queues nothing carries. Manual accounts are skipped (200 when nothing is queued).",
    request: { body: jsonBody(SyncBody) },
    responses: { 202: json(SyncAcceptedSchema, "Queued"), 200: json(SyncAcceptedSchema, "Nothing to sync"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => {
    const { rateLimit, ...out } = await requestSync(c.get("services"), c.get("auth"), c.req.valid("json"), requestLanguage(c));
    // The connection's bucket, which API.md names, over the caller's `general` one (set by the middleware) when one was taken.
    reportRateLimit(c, rateLimit);
    return out.jobIds.length ? c.json(out, 202) : c.json(out, 200);
  },
);

syncJobRoutes.openapi(
  createRoute({
    ...access("member"),
    middleware: guards.user, security: bearer, method: "get", path: "/{jobId}", tags, summary: "A sync job's status and stats {created, updated, unchanged, errors}",
    description:
      "Under the `sync` policy (5 a minute per connection, a bucket of its own: polling never spends the connection's sync requests), taken once the caller may read the job; its headers are reported. Poll every 12 seconds or more, or follow the `account.sync.completed` webhook.",
    request: { params: JobIdParam },
    responses: { 200: json(SyncJobSchema, "The job"), ...errors(401, 403, 404, 429) },
  }),
  async (c) => {
    const { job, rateLimit } = await getSyncJob(c.get("services"), c.get("auth"), c.req.valid("param").jobId, requestLanguage(c));
    reportRateLimit(c, rateLimit);
    return c.json(job, 200);
  },
);

import { createRoute } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import {
  CreatedWebhookSchema, CreateWebhookBody, CreateWebhookQuery, DeliveryListSchema, DeliverySchema, ListDeliveriesQuery, ListWebhooksQuery, UpdatedWebhookSchema, UpdateWebhookBody,
  WebhookIdParam, WebhookListSchema, WebhookSchema,
} from "./schemas";
import * as webhooks from "./service";

export const webhookRoutes = createRouter();
const tags = ["Webhooks"];
const admin = { ...access("admin"), middleware: guards.user, security: bearer };

webhookRoutes.openapi(
  createRoute({
    ...admin, method: "get", path: "/", tags, summary: "List a space's webhook subscriptions",
    request: { query: ListWebhooksQuery },
    responses: { 200: json(WebhookListSchema, "Webhooks"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await webhooks.listWebhooks(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);

webhookRoutes.openapi(
  createRoute({
    ...admin, method: "post", path: "/", tags,
    summary: "Subscribe a URL to events; the signing secret is in this response only",
    description: "A space's subscriptions to one URL never share an event: one that another subscription of the space already sends some of these events to the same URL is 409 CONFLICT (naming it), as it would send each of them twice under two secrets. Change that subscription's events instead.",
    request: { query: CreateWebhookQuery, body: jsonBody(CreateWebhookBody) },
    responses: { 201: json(CreatedWebhookSchema, "Created"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => c.json(await webhooks.createWebhook(c.get("services"), c.get("auth"), c.req.valid("json"), c.req.valid("query").spaceId), 201),
);

webhookRoutes.openapi(
  createRoute({
    ...admin, method: "get", path: "/{id}", tags, summary: "Get a webhook subscription (never its secret)",
    request: { params: WebhookIdParam },
    responses: { 200: json(WebhookSchema, "The webhook"), ...errors(401, 403, 404, 429) },
  }),
  async (c) => c.json(await webhooks.getWebhook(c.get("services"), c.get("auth"), c.req.valid("param").id), 200),
);

webhookRoutes.openapi(
  createRoute({
    ...admin, method: "patch", path: "/{id}", tags,
    summary: "Change url or events, disable, re-enable (which resets the failure run), or take over (which rotates the secret)",
    description: "Of two admins taking a webhook over at once, one gets the secret that is stored; the other gets 409 CONFLICT (its secret was never stored) and reads the webhook again. A new `url` or `events` that another subscription of the space already sends some of those events to is 409 CONFLICT too (as at creation).",
    request: { params: WebhookIdParam, body: jsonBody(UpdateWebhookBody) },
    responses: { 200: json(UpdatedWebhookSchema, "Updated"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => c.json(await webhooks.updateWebhook(c.get("services"), c.get("auth"), c.req.valid("param").id, c.req.valid("json")), 200),
);

webhookRoutes.openapi(
  createRoute({
    ...admin, method: "delete", path: "/{id}", tags, summary: "Delete a webhook subscription and its delivery log",
    request: { params: WebhookIdParam },
    responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 429) },
  }),
  async (c) => {
    await webhooks.deleteWebhook(c.get("services"), c.get("auth"), c.req.valid("param").id);
    return c.body(null, 204);
  },
);

webhookRoutes.openapi(
  createRoute({
    ...admin, method: "get", path: "/{id}/deliveries", tags, summary: "The delivery log: status codes, attempts, errors and times, newest first",
    request: { params: WebhookIdParam, query: ListDeliveriesQuery },
    responses: { 200: json(DeliveryListSchema, "Deliveries"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await webhooks.listDeliveries(c.get("services"), c.get("auth"), c.req.valid("param").id, c.req.valid("query")), 200),
);

webhookRoutes.openapi(
  createRoute({
    ...admin, method: "post", path: "/{id}/test", tags,
    summary: "Send a signed webhook.test event now; answers with the delivery as logged (not retried)",
    request: { params: WebhookIdParam },
    responses: { 200: json(DeliverySchema, "The test delivery"), ...errors(401, 403, 404, 409, 429) },
  }),
  async (c) => c.json(await webhooks.testWebhook(c.get("services"), c.get("auth"), c.req.valid("param").id), 200),
);

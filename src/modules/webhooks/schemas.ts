import { queryInt } from "../../lib/query-int";
import { z } from "@hono/zod-openapi";
import { Pagination } from "../accounts/schemas";
import { MAX_URL_LENGTH } from "./url-policy";
import { WEBHOOK_EVENTS } from "./events";
import { CREATOR_LOST_ACCESS } from "./creator";

const Events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .max(WEBHOOK_EVENTS.length * 4)
  .openapi({ example: ["transaction.created", "budget.alert.threshold_exceeded"], description: "Event types to receive (duplicates are ignored)" });

const Url = z
  .string()
  .trim()
  .min(1)
  .max(MAX_URL_LENGTH)
  .openapi({
    example: "https://example.com/hooks/dhanam",
    description: "https to a public address; private, loopback and link-local targets are refused (with ENVIRONMENT=development, http://localhost and http://127.0.0.1 are allowed)",
  });

export const CreateWebhookBody = z
  .object({
    spaceId: z.string().min(1).max(64).optional().openapi({ description: "The space; or pass it as the `spaceId` query parameter" }),
    url: Url,
    events: Events,
    description: z.string().trim().max(200).optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .openapi("CreateWebhookRequest");

export const UpdateWebhookBody = z
  .object({
    url: Url.optional(),
    events: Events.optional(),
    description: z.string().trim().max(200).nullable().optional(),
    enabled: z.boolean().optional().openapi({
      description:
        "true re-enables a disabled webhook and resets its failure run: it receives the events created from then on. Deliveries cancelled when it was disabled stay cancelled (`lastError: \"Subscription disabled\"`), and events created while it was disabled are not sent. false disables it and cancels its pending deliveries at once.",
    }),
    takeOver: z.boolean().optional().openapi({
      description:
        "true makes the caller the webhook's creator (`createdBy`): it then delivers while the caller is an admin, which resumes one suspended because its creator lost access. The signing secret rotates and the new one is in this response only. A new `url` from an admin other than the creator takes it over too.",
    }),
  })
  .strict()
  .openapi("UpdateWebhookRequest");

export const WebhookSchema = z
  .object({
    id: z.string(),
    spaceId: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    enabled: z.boolean().openapi({
      description:
        "false: nothing is sent. Disabling (by an admin, or automatically) cancels its pending deliveries at once, and events created while it is disabled are never sent, not even after a re-enable (PATCH `enabled: true`), which resumes with the events created from then on",
    }),
    disabledReason: z.enum(["manual", "failures"]).nullable().openapi({
      description:
        "`manual`: an admin disabled it. `failures`: it disabled itself after WEBHOOK_DISABLE_AFTER_FAILURES (50) consecutive failed attempts over at least 24 hours (a shorter outage only delays its deliveries), or 100 times that many however fast, or at once when its receiver answered a delivery with 410 Gone (that delivery is not retried; other 4xx are), and its creator (`createdBy`) was emailed once about it, without the secret or the URL's path and query",
    }),
    disabledAt: z.string().nullable(),
    consecutiveFailures: z.number().int(),
    lastSuccessAt: z.string().nullable(),
    lastFailureAt: z.string().nullable(),
    createdBy: z.string().openapi({ description: "The user id of who created it, or of the admin who last took it over: it delivers only while they are an admin or the owner of the space" }),
    suspendedReason: z.enum([CREATOR_LOST_ACCESS]).nullable().openapi({
      description: "`creator_lost_access`: its creator was removed from the space or is no longer an admin, so it sends nothing (whatever `enabled` says) until an admin takes it over (PATCH `takeOver`) or the creator is an admin again",
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Webhook");

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().openapi({ description: "The signing secret. Shown only in this response: store it now." }),
}).openapi("CreatedWebhook");

export const UpdatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().optional().openapi({ description: "The new signing secret, only when this PATCH took the webhook over (it rotated). Shown only in this response: store it now." }),
}).openapi("UpdatedWebhook");

export const WebhookListSchema = z.object({ webhooks: z.array(WebhookSchema), pagination: Pagination }).openapi("WebhookList");

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed", "cancelled"] as const;

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ description: "Sent as X-Dhanam-Delivery and as the signed body's `deliveryId` on every attempt" }),
    webhookId: z.string(),
    eventId: z.string().openapi({ description: "The signed body's `id`: the same for every subscription that hears the event" }),
    event: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    responseStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
    attemptLog: z.array(z.object({
      attempt: z.number().int(), at: z.string(), responseStatus: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number().int(),
    })),
  })
  .openapi("WebhookDelivery");

export const DeliveryListSchema = z.object({ deliveries: z.array(DeliverySchema), pagination: Pagination }).openapi("WebhookDeliveryList");

export const WebhookIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

export const CreateWebhookQuery = z.object({ spaceId: z.string().min(1).max(64).optional() });

export const ListWebhooksQuery = z.object({
  spaceId: z.string().min(1).max(64),
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});

export const ListDeliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});

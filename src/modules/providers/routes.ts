import { createRoute, z } from "@hono/zod-openapi";
import { requestLanguage } from "../../middleware/errors";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import * as connections from "./connections";
import { clientSubject } from "../../lib/client-ip";
import { syncGuards, webhookGuards } from "./guards";
import * as belvo from "./belvo";
import * as bitso from "./bitso";
import * as plaid from "./plaid";
import { removeAtProvider } from "./remove";
import { listReviewFlags, resolveReviewFlag } from "./review-flags";
import {
  BelvoConnectBody, BelvoLinkBody, BelvoRepairBody, RepairResultSchema, BelvoLinkSchema, BitsoConnectBody, BitsoConnectSchema, BitsoSyncSchema, ConnectionIdParam, SpaceBody, ConnectionListSchema, ConnectResultSchema, DisconnectSchema, ExchangeTokenBody, LinkTokenBody, LinkTokenSchema,
  ListConnectionsQuery, WebhookAckSchema, WebhookBody, FlagIdParam, ListReviewFlagsQuery, ResolveFlagBody, ReviewFlagListSchema, ReviewFlagSchema,
} from "./schemas";

export const providerRoutes = createRouter();
const tags = ["Providers"];
const user = { middleware: guards.user, security: bearer };
const sync = { middleware: syncGuards, security: bearer };

providerRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/connections", tags, summary: "List a space's provider connections (never their credentials)",
    request: { query: ListConnectionsQuery },
    responses: { 200: json(ConnectionListSchema, "Connections"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await connections.listConnections(c.get("services"), c.get("auth"), c.req.valid("query").spaceId), 200),
);

providerRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...user, method: "delete", path: "/connections/{connectionId}", tags,
    summary: "Disconnect: stops syncs, removes the provider item where supported, keeps the history",
    request: { params: ConnectionIdParam },
    responses: { 200: json(DisconnectSchema, "Disconnected"), ...errors(401, 403, 404, 409, 429) },
  }),
  async (c) => {
    const svc = c.get("services");
    return c.json(await connections.disconnectConnection(svc, c.get("auth"), c.req.valid("param").connectionId, (row) => removeAtProvider(svc, row)), 200);
  },
);

providerRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...sync, method: "post", path: "/plaid/link-token", tags, summary: "Create a Plaid Link token (update mode with connectionId, to repair a login)",
    request: { body: jsonBody(LinkTokenBody) },
    responses: { 200: json(LinkTokenSchema, "Link token"), ...errors(401, 403, 404, 422, 429, 502) },
  }),
  async (c) => c.json(await plaid.createLinkToken(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

providerRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...sync, method: "post", path: "/plaid/exchange-token", tags,
    summary: "Exchange a Plaid public token: creates the connection and its accounts and queues the import of their transactions (the first sync); 409 if a live connection of the space already holds every account of the item (the same login linked again), whose new item is then removed at Plaid",
    request: { body: jsonBody(ExchangeTokenBody) },
    responses: { 201: json(ConnectResultSchema, "Connected; `jobId` (also `firstSync.jobId`) is the first sync, queued: follow it at GET /v1/sync-jobs/{jobId}"), ...errors(401, 403, 404, 409, 422, 429, 502) },
  }),
  async (c) => c.json(await plaid.exchangePublicToken(c.get("services"), c.get("auth"), c.req.valid("json")), 201),
);

providerRoutes.openapi(
  createRoute({
    method: "post", path: "/plaid/webhook", tags,
    middleware: webhookGuards((c, raw) => plaid.authenticatePlaidWebhook(c.get("services"), raw, c.req.header("plaid-verification"), clientSubject(c.req.header("cf-connecting-ip")))),
    summary: "Plaid webhook (verified by its Plaid-Verification ES256 JWT, not a bearer token; 503 while fetches of unknown keys are capped)",
    request: { body: jsonBody(WebhookBody) },
    responses: { 200: json(WebhookAckSchema, "Accepted"), ...errors(401, 422, 503) },
  }),
  // The header was proven by the guard; an exact replay of it is acknowledged and ignored.
  async (c) => c.json(await plaid.receivePlaidWebhook(c.get("services"), c.get("webhookBody"), c.req.header("plaid-verification") ?? ""), 200),
);

providerRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...sync, method: "post", path: "/belvo/link", tags, summary: "Create a Belvo link session (a widget access token)",
    request: { body: jsonBody(BelvoLinkBody) },
    responses: { 200: json(BelvoLinkSchema, "Link session"), ...errors(401, 403, 404, 422, 429, 502) },
  }),
  async (c) => c.json(await belvo.createLinkSession(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

providerRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...sync, method: "post", path: "/belvo/connect", tags,
    summary: "Connect a Belvo institution with credentials (stored encrypted, never echoed) and queue the import of its transactions",
    request: { body: jsonBody(BelvoConnectBody) },
    responses: { 201: json(ConnectResultSchema, "Connected; `jobId` (also `firstSync.jobId`) is the first sync, queued"), ...errors(400, 401, 403, 404, 409, 422, 429, 502) },
  }),
  async (c) => c.json(await belvo.connectBelvo(c.get("services"), c.get("auth"), c.req.valid("json"), requestLanguage(c)), 201),
);

providerRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...sync, method: "post", path: "/belvo/repair", tags,
    summary: "Repair a Belvo connection whose bank wants its login again (the password changed): the new password goes to the same Belvo link, so its accounts and history stay; the connection is active again and a sync is queued. Only the member who connected the login may send its password (403 for other admins: the bank's answer would tell them whether a guess is right)",
    request: { body: jsonBody(BelvoRepairBody) },
    responses: { 200: json(RepairResultSchema, "Repaired; `jobId` is the sync queued (or the one already running)"), ...errors(401, 403, 404, 422, 429, 502) },
  }),
  async (c) => c.json(await belvo.repairBelvo(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

providerRoutes.openapi(
  createRoute({
    method: "post", path: "/belvo/webhook", tags,
    middleware: webhookGuards((c, raw) => belvo.authenticateBelvoWebhook(c.get("services"), c.req.header("authorization"), raw)),
    summary: "Belvo webhook (authenticated by the configured Authorization value, compared in constant time)",
    request: { body: jsonBody(WebhookBody) },
    responses: { 200: json(WebhookAckSchema, "Accepted"), ...errors(400, 401, 422) },
  }),
  async (c) => c.json(await belvo.handleBelvoWebhook(c.get("services"), c.get("webhookBody")), 200),
);

providerRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...sync, method: "post", path: "/bitso/connect", tags,
    summary: "Connect Bitso with an API key and secret (stored encrypted): balances valued at market prices, the import of trades queued; 409 if a live connection of the space already holds the key, or the Bitso account behind it (its client_id, the same for every key of the account)",
    request: { body: jsonBody(BitsoConnectBody) },
    responses: { 201: json(BitsoConnectSchema, "Connected; `jobId` (also `firstSync.jobId`) is the first sync, queued"), ...errors(401, 403, 404, 409, 422, 429, 502) },
  }),
  async (c) => c.json(await bitso.connectBitso(c.get("services"), c.get("auth"), c.req.valid("json"), requestLanguage(c)), 201),
);

providerRoutes.openapi(
  createRoute({
    ...access("admin"),
    ...sync, method: "post", path: "/bitso/sync", tags, summary: "Queue a sync of the space's Bitso connections (202) and show their balances now",
    request: { body: jsonBody(SpaceBody) },
    responses: { 202: json(BitsoSyncSchema, "Queued; a connection whose balances Bitso refused (a revoked key) or could not give now is in `connectionErrors`"), 200: json(BitsoSyncSchema, "No Bitso connection"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    const out = await bitso.syncBitso(c.get("services"), c.get("auth"), c.req.valid("json"));
    return out.jobIds.length ? c.json(out, 202) : c.json(out, 200);
  },
);

providerRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/review-flags", tags,
    summary: "List a space's review flags: posted transactions that might be a pending one (an ambiguous match left as two)",
    request: { query: ListReviewFlagsQuery },
    responses: { 200: json(ReviewFlagListSchema, "Review flags, newest first"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await listReviewFlags(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);

providerRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "post", path: "/review-flags/{flagId}/resolve", tags,
    summary: "Resolve a review flag: `merge` (the posted transaction supersedes the pending one, its edits kept) or `keep_both`",
    request: { params: FlagIdParam, body: jsonBody(ResolveFlagBody) },
    responses: { 200: json(z.object({ flag: ReviewFlagSchema }).openapi("ProviderReviewFlagResolved"), "Resolved"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => c.json(await resolveReviewFlag(c.get("services"), c.get("auth"), c.req.valid("param").flagId, c.req.valid("json")), 200),
);

import { createRoute } from "@hono/zod-openapi";
import { clientSubject } from "../../lib/client-ip";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { rateLimit } from "../../middleware/rate-limit";
import { EsgScoresSchema, MethodologySchema, SnapshotBody, SnapshotResponse, SpaceQuery } from "./schemas";
import { getEsgScores, methodology, takeSnapshots } from "./service";

export const esgRoutes = createRouter();
const tags = ["ESG"];

esgRoutes.openapi(
  createRoute({
    ...access("viewer"),
    middleware: guards.user, security: bearer,
    method: "get", path: "/scores", tags,
    summary: "ESG scores of a space's crypto holdings, weighted by market value, with trends and impact metrics",
    request: { query: SpaceQuery },
    responses: { 200: json(EsgScoresSchema, "Scores"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await getEsgScores(c.get("services"), c.get("auth"), c.req.valid("query").spaceId), 200),
);

esgRoutes.openapi(
  createRoute({
    // Public: the `general` policy keyed by client address, as no user is known.
    middleware: [rateLimit("general", (c) => `ip:${clientSubject(c.req.header("cf-connecting-ip"))}`)],
    method: "get", path: "/methodology", tags,
    summary: "What the ESG scores compute: weights, factor rules, grade bands and the data set (with sources)",
    responses: { 200: json(MethodologySchema, "Methodology"), ...errors(429) },
  }),
  (c) => c.json(methodology(), 200),
);

esgRoutes.openapi(
  createRoute({
    ...access("member"),
    middleware: guards.user, security: bearer,
    method: "post", path: "/snapshots", tags,
    summary: "Snapshot today's portfolio score now and backfill missing days (ledger balances at each day's end, that day's prices)",
    request: { body: jsonBody(SnapshotBody) },
    responses: { 200: json(SnapshotResponse, "Snapshots"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await takeSnapshots(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

/**
 * The HTTP application: global middleware, one router per module, the
 * OpenAPI document and its interactive reference.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { completeDocument } from "./lib/openapi-complete";
import { d1Session } from "./middleware/d1-session";
import { onError, validationHook } from "./middleware/errors";
import { jsonBodyLimit } from "./middleware/json-body-limit";
import { notFoundHandler, shadowedMethods } from "./middleware/not-found";
import { requestContext } from "./middleware/request-context";
import { utf8Json } from "./middleware/utf8-json";
import { accountRoutes } from "./modules/accounts/routes";
import { authRoutes } from "./modules/auth/routes";
import { budgetRoutes } from "./modules/budgets/routes";
import { categoryRoutes } from "./modules/categories/routes";
import { docsPage } from "./modules/docs/page";
import { healthRoutes } from "./modules/health/routes";
import { householdRoutes, lifeBeatRoutes } from "./modules/lifebeat/routes";
import { ledgerRoutes } from "./modules/ledger/routes";
import { mlRoutes } from "./modules/ml/routes";
import { projectionRoutes } from "./modules/projections/routes";
import { spaceRoutes } from "./modules/spaces/routes";
import { accountTransactionRoutes } from "./modules/transactions/account-routes";
import { transactionRoutes } from "./modules/transactions/routes";
import { sandboxRoutes } from "./sandbox/routes";
import { tradeRoutes } from "./modules/transactions/trade-routes";
import { webhookRoutes } from "./modules/webhooks/routes";
import { esgRoutes } from "./modules/esg/routes";
import { defiRoutes } from "./modules/defi/routes";
import { gamingRoutes } from "./modules/gaming/routes";
import { analyticsRoutes } from "./modules/analytics/routes";
import { rateRoutes, spaceRateRoutes } from "./modules/rates/routes";
import { assetRoutes } from "./modules/assets/routes";
import { documentRoutes, transferRoutes } from "./modules/documents/routes";
import { realEstateRoutes } from "./modules/real-estate/routes";
import { collectibleAssetRoutes, collectibleRoutes } from "./modules/collectibles/routes";
import { providerRoutes } from "./modules/providers/routes";
import { accountSyncRoutes, syncJobRoutes } from "./modules/providers/sync-routes";

export const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

app.use("*", requestContext);
app.use("/v1/*", d1Session);
/** The CORS middleware of a CORS_ORIGINS value, built once per isolate rather than on every request. */
const corsFor = (() => {
  let built: { origins: string; middleware: ReturnType<typeof cors> } | null = null;
  return (value: string) => {
    if (built?.origins !== value) {
      built = {
        origins: value,
        middleware: cors({
          origin: value === "*" ? "*" : value.split(",").map((o) => o.trim()),
          allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id", "X-D1-Bookmark"],
          allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
          exposeHeaders: [
            "X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "Idempotency-Replayed", "X-D1-Bookmark",
          ],
          maxAge: 600,
        }),
      };
    }
    return built.middleware;
  };
})();
app.use("*", (c, next) => corsFor(c.env.CORS_ORIGINS)(c, next));
app.use("*", secureHeaders());
// Answers are a household's money (and some carry short-lived signed links): no browser or proxy keeps one, unless
// its route says otherwise itself (a download does).
app.use("/v1/*", async (c, next) => {
  await next();
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
});
// A method a literal route lacks is a 405, not a sibling `/{id}` route's 404 for an id such as "transfer".
app.use("/v1/*", shadowedMethods(app));
// Document uploads stream into R2 under their own signed per-file cap (modules/documents/storage.ts).
app.use("/v1/*", (c, next) => (c.req.path.startsWith("/v1/uploads/") ? next() : jsonBodyLimit(c, next)));
// After the limit (which buffers a chunked body): every JSON body is read as strict UTF-8, wherever it is read.
app.use("/v1/*", (c, next) => (c.req.path.startsWith("/v1/uploads/") ? next() : utf8Json(c, next)));

app.route("/v1", healthRoutes);
app.route("/v1/auth", authRoutes);
app.route("/v1/spaces", spaceRoutes);
app.route("/v1/spaces", ledgerRoutes);
app.route("/v1/accounts", accountSyncRoutes);
app.route("/v1/accounts", accountRoutes);
app.route("/v1/accounts", accountTransactionRoutes);
app.route("/v1/transactions", transactionRoutes);
app.route("/v1/trades", tradeRoutes);
app.route("/v1/categories", categoryRoutes);
app.route("/v1/budgets", budgetRoutes);
app.route("/v1/ml", mlRoutes);
app.route("/v1/webhooks", webhookRoutes);
app.route("/v1/esg", esgRoutes);
app.route("/v1/defi", defiRoutes);
app.route("/v1/gaming", gamingRoutes);
app.route("/v1/analytics", analyticsRoutes);
app.route("/v1/rates", rateRoutes);
app.route("/v1/spaces", spaceRateRoutes);
app.route("/v1/projections", projectionRoutes);
app.route("/v1/assets", assetRoutes);
app.route("/v1/assets", documentRoutes);
app.route("/v1/assets", collectibleAssetRoutes);
app.route("/v1", transferRoutes);
app.route("/v1/real-estate", realEstateRoutes);
app.route("/v1/collectibles", collectibleRoutes);
app.route("/v1/households", householdRoutes);
app.route("/v1/life-beat", lifeBeatRoutes);
app.route("/v1/providers", providerRoutes);
app.route("/v1/sync-jobs", syncJobRoutes);
app.route("/sandbox", sandboxRoutes);

app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
const DOCUMENT_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "Dhanam Ledger API",
    version: "1.0.0",
    description: "Personal and household finance ledger: spaces, accounts, a double-entry ledger, budgets and more.",
  },
  servers: [{ url: "/" }],
};
// Built once per isolate, on first request, when every router is registered.
let document: Record<string, unknown> | undefined;
app.get("/openapi.json", (c) => {
  document ??= completeDocument(app.getOpenAPI31Document(DOCUMENT_CONFIG) as unknown as Record<string, unknown>);
  return c.json(document);
});
app.get("/docs", docsPage);

app.notFound(notFoundHandler(app));
app.onError(onError);

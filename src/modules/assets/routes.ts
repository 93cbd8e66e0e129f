import { createRoute } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import {
  AssetIdParam, AssetListSchema, AssetSchema, CreateAssetBody, CreateValuationBody, ListAssetsQuery, MAX_ASSETS_PER_SPACE, PageQuery, UpdateAssetBody,
  ValuationListSchema, ValuationSchema,
} from "./schemas";
import * as assets from "./service";

export const assetRoutes = createRouter();
const tags = ["Assets"];
const user = { middleware: guards.user, security: bearer };

assetRoutes.openapi(
  createRoute({
    ...access("viewer"), ...user, method: "get", path: "/", tags, summary: "List a space's manual assets with their current values (disposed ones too, with `disposedOn`; `disposed` filters)",
    request: { query: ListAssetsQuery },
    responses: { 200: json(AssetListSchema, "Assets"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await assets.listAssets(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);

assetRoutes.openapi(
  createRoute({
    ...access("member"), ...user, method: "post", path: "/", tags, summary: "Create a manual asset with its first valuation",
    description: `A space may hold at most ${MAX_ASSETS_PER_SPACE} assets, disposed ones included (\`422 LIMIT_REACHED\`; deleting one makes room).`,
    request: { body: jsonBody(CreateAssetBody) },
    responses: { 201: json(AssetSchema, "Created"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await assets.createAsset(c.get("services"), c.get("auth"), c.req.valid("json")), 201),
);

assetRoutes.openapi(
  createRoute({
    ...access("viewer"), ...user, method: "get", path: "/{assetId}", tags, summary: "Get an asset",
    request: { params: AssetIdParam },
    responses: { 200: json(AssetSchema, "The asset"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await assets.getAsset(c.get("services"), c.get("auth"), c.req.valid("param").assetId), 200),
);

assetRoutes.openapi(
  createRoute({
    ...access("member"), ...user, method: "patch", path: "/{assetId}", tags, summary: "Update an asset (a `value` records a manual valuation; `disposedOn` records its sale or disposal, null undoes it)",
    request: { params: AssetIdParam, body: jsonBody(UpdateAssetBody) },
    responses: { 200: json(AssetSchema, "Updated"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await assets.updateAsset(c.get("services"), c.get("auth"), c.req.valid("param").assetId, c.req.valid("json")), 200),
);

assetRoutes.openapi(
  createRoute({
    ...access("member"), ...user, method: "delete", path: "/{assetId}", tags, summary: "Delete an asset, its valuations and its documents (R2 objects included); it leaves every past day of net worth too (a sold asset keeps its past with `disposedOn`)",
    request: { params: AssetIdParam },
    responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    await assets.deleteAsset(c.get("services"), c.get("auth"), c.req.valid("param").assetId);
    return c.body(null, 204);
  },
);

assetRoutes.openapi(
  createRoute({
    ...access("viewer"), ...user, method: "get", path: "/{assetId}/valuations", tags, summary: "Valuation history, newest first: by the day each is as of, then the last entered (the first is the asset's value)",
    request: { params: AssetIdParam, query: PageQuery },
    responses: { 200: json(ValuationListSchema, "Valuations"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await assets.listValuations(c.get("services"), c.get("auth"), c.req.valid("param").assetId, c.req.valid("query")), 200),
);

assetRoutes.openapi(
  createRoute({
    ...access("member"), ...user, method: "post", path: "/{assetId}/valuations", tags, summary: "Record a valuation",
    request: { params: AssetIdParam, body: jsonBody(CreateValuationBody) },
    responses: { 201: json(ValuationSchema, "Recorded"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await assets.addValuation(c.get("services"), c.get("auth"), c.req.valid("param").assetId, c.req.valid("json")), 201),
);

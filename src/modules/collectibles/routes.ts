import { queryInt } from "../../lib/query-int";
import { createRoute, z } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { AssetIdParam, ValuationSchema } from "../assets/schemas";
import { COLLECTIBLE_CATEGORIES } from "./providers";
import * as collectibles from "./service";

const tags = ["Collectibles"];
const user = { middleware: guards.user, security: bearer };

const CategorySchema = z.object({ category: z.string(), provider: z.string(), available: z.boolean() }).openapi("CollectibleCategory");
const ItemSchema = z
  .object({
    externalId: z.string(), provider: z.string(), category: z.string(), name: z.string(), brand: z.string().nullable(),
    referenceNumber: z.string(), imageUrl: z.string().nullable().openapi({ description: "The provider's thumbnail, an absolute https URL; null when it has none or sends anything else (javascript:, data:, http:)" }), currentMarketValue: z.number().nullable(),
    currentMarketValueDecimal: z.string().nullable(), currency: z.string(),
  })
  .openapi("CollectibleItem");
const LinkBody = z
  .object({
    externalId: z.string().trim().min(1).max(100).openapi({ example: "CW2288-111" }),
    provider: z.string().min(1).max(40).openapi({ example: "sneaks" }),
    category: z.enum(COLLECTIBLE_CATEGORIES).openapi({ example: "sneaker" }),
  })
  .strict()
  .openapi("CollectibleLinkRequest");
const LinkSchema = ItemSchema.extend({ success: z.boolean(), assetId: z.string() }).openapi("CollectibleLink");
const UnlinkSchema = z.object({ success: z.boolean(), assetId: z.string(), unlinked: z.boolean() }).openapi("CollectibleUnlink");
const RefreshSchema = z
  .object({
    success: z.boolean(), previousValue: z.number().nullable(), previousValueDecimal: z.string().nullable(), newValue: z.number(),
    newValueDecimal: z.string(), currency: z.string(), source: z.string(), valuation: ValuationSchema,
  })
  .openapi("CollectibleRefresh");

/** Catalog: mounted at /v1/collectibles. */
export const collectibleRoutes = createRouter();

collectibleRoutes.openapi(
  createRoute({
    ...user, method: "get", path: "/categories", tags, summary: "Collectible categories and whether each provider is available here",
    responses: { 200: json(z.array(CategorySchema), "Categories"), ...errors(401, 429) },
  }),
  (c) => c.json(collectibles.categories(c.env), 200),
);

collectibleRoutes.openapi(
  createRoute({
    ...user, method: "get", path: "/search", tags, summary: "Search a category's catalog (503 PROVIDER_UNAVAILABLE when no provider of it is available)",
    request: {
      query: z.object({
        category: z.string().min(1).max(40).openapi({ example: "sneaker" }),
        q: z.string().trim().min(1).max(100).openapi({ example: "Jordan 1 Chicago" }),
        limit: queryInt(1, 50).default(10),
      }),
    },
    responses: { 200: json(z.array(ItemSchema), "Catalog items"), ...errors(401, 422, 429, 502, 503) },
  }),
  async (c) => c.json(await collectibles.search(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);

/** Asset links: mounted at /v1/assets. */
export const collectibleAssetRoutes = createRouter();

collectibleAssetRoutes.openapi(
  createRoute({
    ...access("member"), ...user, method: "post", path: "/{assetId}/collectible-link", tags, summary: "Link an asset to a catalog item for automatic valuations",
    request: { params: AssetIdParam, body: jsonBody(LinkBody) },
    responses: { 200: json(LinkSchema, "Linked"), ...errors(401, 403, 404, 422, 429, 502, 503) },
  }),
  async (c) => c.json(await collectibles.link(c.get("services"), c.get("auth"), c.req.valid("param").assetId, c.req.valid("json")), 200),
);

collectibleAssetRoutes.openapi(
  createRoute({
    ...access("member"), ...user, method: "delete", path: "/{assetId}/collectible-link", tags, summary: "Remove an asset's catalog link",
    request: { params: AssetIdParam },
    responses: { 200: json(UnlinkSchema, "Unlinked (or was not linked)"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await collectibles.unlink(c.get("services"), c.get("auth"), c.req.valid("param").assetId), 200),
);

collectibleAssetRoutes.openapi(
  createRoute({
    ...access("member"), ...user, method: "post", path: "/{assetId}/collectible-refresh", tags, summary: "Refresh the valuation from the linked provider",
    request: { params: AssetIdParam },
    responses: { 200: json(RefreshSchema, "Refreshed"), ...errors(401, 403, 404, 422, 429, 502, 503) },
  }),
  async (c) => c.json(await collectibles.refresh(c.get("services"), c.get("auth"), c.req.valid("param").assetId), 200),
);

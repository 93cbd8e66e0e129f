import { createRoute, z } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { AddressInput, AssetIdParam, ValuationSchema } from "../assets/schemas";
import * as realEstate from "./service";

export const realEstateRoutes = createRouter();
const tags = ["Real estate"];
const user = { middleware: guards.user, security: bearer };

const ZestimateSchema = z
  .object({
    propertyId: z.string(),
    zestimate: z.number(),
    zestimateDecimal: z.string(),
    rentZestimate: z.number().nullable(),
    rentZestimateDecimal: z.string().nullable(),
    currency: z.string(),
    lastUpdated: z.string(),
    valuationRange: z.object({ low: z.number().nullable(), high: z.number().nullable(), lowDecimal: z.string().nullable(), highDecimal: z.string().nullable() }),
    propertyDetails: z.object({ bedrooms: z.number().nullable(), bathrooms: z.number().nullable(), sqft: z.number().nullable(), yearBuilt: z.number().nullable() }).nullable(),
    address: AddressInput.nullable(),
  })
  .openapi("Zestimate");

const SyncSchema = z
  .object({
    previousValue: z.number().nullable(),
    previousValueDecimal: z.string().nullable(),
    newValue: z.number(),
    newValueDecimal: z.string(),
    currency: z.string(),
    source: z.string(),
    valuationCreated: z.boolean().openapi({ description: "false when the latest valuation already recorded this Zestimate today (the answer's `valuation` is that one; no copy is stored)" }),
    valuation: ValuationSchema,
  })
  .openapi("ValuationSync");

realEstateRoutes.openapi(
  createRoute({
    ...access("viewer"), ...user, method: "get", path: "/{assetId}/zestimate", tags, summary: "The Zestimate of a real-estate asset's address",
    request: { params: AssetIdParam },
    responses: { 200: json(ZestimateSchema, "Zestimate"), ...errors(401, 404, 422, 429, 502, 503) },
  }),
  async (c) => c.json(await realEstate.getZestimate(c.get("services"), c.get("auth"), c.req.valid("param").assetId), 200),
);

realEstateRoutes.openapi(
  createRoute({
    ...user, method: "post", path: "/lookup", tags, summary: "Look a property up by address: Zestimate, range, rent estimate and details",
    request: { body: jsonBody(AddressInput) },
    responses: { 200: json(ZestimateSchema, "Property"), ...errors(401, 404, 422, 429, 502, 503) },
  }),
  async (c) => c.json(await realEstate.lookup(c.get("services"), c.req.valid("json")), 200),
);

realEstateRoutes.openapi(
  createRoute({
    ...access("member"), ...user, method: "post", path: "/{assetId}/sync", tags, summary: "Record the current Zestimate as a valuation",
    request: { params: AssetIdParam },
    responses: { 200: json(SyncSchema, "Synced"), ...errors(401, 403, 404, 422, 429, 502, 503) },
  }),
  async (c) => c.json(await realEstate.sync(c.get("services"), c.get("auth"), c.req.valid("param").assetId), 200),
);

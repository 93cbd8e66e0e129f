import { createRoute } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { requestLanguage } from "../../middleware/errors";
import { PutSpaceRatesBody, PutSpaceRatesResult, RateQuery, RateSchema, SpaceParam, SpaceRatesQuery, SpaceRatesSchema } from "./schemas";
import * as rates from "./service";

const tags = ["Rates"];
const user = { middleware: guards.user, security: bearer };

/** `GET /v1/rates`: mounted at /v1/rates. */
export const rateRoutes = createRouter();

rateRoutes.openapi(
  createRoute({
    ...user, method: "get", path: "/", tags, summary: "The provider's exchange rate of a pair on a day (stored per day with its source)",
    description: "A pair of a coin (BTC, ETH, SOL, ...) and a fiat currency is answered with the market feed's price that day, as analytics values holdings (source `market:<feed>`).",
    request: { query: RateQuery },
    responses: { 200: json(RateSchema, "The rate and the stored rates it comes from"), ...errors(401, 422, 429) },
  }),
  // Its notes in the language the request's errors would use.
  async (c) => c.json(await rates.getRate(c.get("services"), c.req.valid("query"), c.get("auth"), requestLanguage(c)), 200),
);

/** Manual rates of a space: mounted at /v1/spaces. */
export const spaceRateRoutes = createRouter();

spaceRateRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/{spaceId}/rates", tags, summary: "Manual exchange rates of a space (newest day first)",
    request: { params: SpaceParam, query: SpaceRatesQuery },
    responses: { 200: json(SpaceRatesSchema, "Manual rates"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await rates.listSpaceRates(c.get("services"), c.get("auth"), c.req.valid("param").spaceId, c.req.valid("query")), 200),
);

spaceRateRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "put", path: "/{spaceId}/rates", tags, summary: "Set or remove manual rates; they win over the provider's for this space and day",
    request: { params: SpaceParam, body: jsonBody(PutSpaceRatesBody) },
    responses: { 200: json(PutSpaceRatesResult, "Stored"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await rates.putSpaceRates(c.get("services"), c.get("auth"), c.req.valid("param").spaceId, c.req.valid("json")), 200),
);

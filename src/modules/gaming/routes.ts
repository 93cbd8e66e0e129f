import { createRoute } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { EarningsQuery, EarningsResponse, NftsResponse, PlatformParam, PlatformsResponse, PortfolioResponse, PositionsResponse, SpaceQuery } from "./schemas";
import { getEarnings, getPortfolio, listNfts, listPlatforms, platformPositions } from "./service";

export const gamingRoutes = createRouter();
const tags = ["Gaming"];
const user = { middleware: guards.user, security: bearer };

gamingRoutes.openapi(
  createRoute({
    ...access("viewer"), ...user, method: "get", path: "/portfolio", tags,
    summary: "Aggregated gaming portfolio: platforms, earnings, guilds, chains, land, NFTs, governance",
    request: { query: SpaceQuery },
    responses: { 200: json(PortfolioResponse, "Portfolio"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await getPortfolio(c.get("services"), c.get("auth"), c.req.valid("query").spaceId), 200),
);

gamingRoutes.openapi(
  createRoute({
    ...user, method: "get", path: "/platforms", tags,
    summary: "Supported gaming platforms; `available: false` where no working client exists",
    responses: { 200: json(PlatformsResponse, "Platforms"), ...errors(401, 429) },
  }),
  (c) => c.json(listPlatforms(), 200),
);

gamingRoutes.openapi(
  createRoute({
    ...access("viewer"), ...user, method: "get", path: "/earnings", tags,
    summary: "Gaming earnings by platform and source over a period",
    request: { query: EarningsQuery },
    responses: { 200: json(EarningsResponse, "Earnings"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    return c.json(await getEarnings(c.get("services"), c.get("auth"), q.spaceId, q.period), 200);
  },
);

gamingRoutes.openapi(
  createRoute({
    ...access("viewer"), ...user, method: "get", path: "/nfts", tags,
    summary: "Gaming NFTs with acquisition cost and current value",
    request: { query: SpaceQuery },
    responses: { 200: json(NftsResponse, "NFTs"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await listNfts(c.get("services"), c.get("auth"), c.req.valid("query").spaceId), 200),
);

gamingRoutes.openapi(
  createRoute({
    ...access("viewer"), ...user, method: "get", path: "/platforms/{platform}/positions", tags,
    summary: "A platform's positions per wallet (tokens, staking, land, NFTs, guilds, governance)",
    request: { params: PlatformParam, query: SpaceQuery },
    responses: { 200: json(PositionsResponse, "Positions"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await platformPositions(c.get("services"), c.get("auth"), c.req.valid("param").platform, c.req.valid("query").spaceId), 200),
);

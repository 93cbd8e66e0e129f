import { createRoute } from "@hono/zod-openapi";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { guards } from "../../middleware/auth";
import { requestLanguage } from "../../middleware/errors";
import { CompareBody, CompareResponse, MAX_SCENARIOS_PER_SPACE, ProjectionBody, ProjectionQuery, ProjectionResponse, ScenarioIdParam, ScenarioList, ScenarioListQuery } from "./schemas";
import * as projections from "./service";

export const projectionRoutes = createRouter();
const tags = ["Projections"];
const user = { middleware: guards.user, security: bearer };
/** Said by every route that runs the engine. */
const INEXACT =
  "Every figure is rounded once to the space currency's minor units and shown as a number with its exact `*Decimal`. " +
  "A run any of whose figures (a percentile, the mean, a year's income, expenses or savings, in any year) would pass 2^53 − 1 minor units " +
  "in magnitude (90071992547409.91 at two decimals) is refused, 422 OUT_OF_RANGE naming the figure and year: past that a double cannot hold " +
  "every minor unit, so the figure would not be exact. Returns are random draws without an upper bound, so it is the run that says; lower " +
  "the amounts, portfolioReturn, portfolioVolatility, incomeGrowthRate or years.";

projectionRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/", tags,
    summary: "Long-term Monte Carlo projection from the space's net worth and recent savings (default assumptions; not saved)",
    description: INEXACT,
    request: { query: ProjectionQuery },
    responses: { 200: json(ProjectionResponse, "Projection"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await projections.getProjection(c.get("services"), c.get("auth"), c.req.valid("query"), requestLanguage(c)), 200),
);

projectionRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "post", path: "/", tags,
    summary: "Custom projection (assumptions, life events, seed); saved as a scenario unless `save: false`",
    description: `${INEXACT} A space may hold at most ${MAX_SCENARIOS_PER_SPACE} saved scenarios: a save past them is a \`422 LIMIT_REACHED\`, refused before the run (\`save: false\` still runs).`,
    request: { body: jsonBody(ProjectionBody) },
    responses: { 201: json(ProjectionResponse, "Projection, saved"), 200: json(ProjectionResponse, "Projection (save: false)"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    const out = await projections.createProjection(c.get("services"), c.get("auth"), c.req.valid("json"), requestLanguage(c));
    return out.saved ? c.json(out.body, 201) : c.json(out.body, 200);
  },
);

projectionRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/scenarios", tags, summary: "Saved projection scenarios of a space, newest first",
    request: { query: ScenarioListQuery },
    responses: { 200: json(ScenarioList, "Saved scenarios"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await projections.listScenarios(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);

projectionRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "delete", path: "/scenarios/{scenarioId}", tags,
    summary: `Delete a saved scenario (beyond API.md: a space keeps at most ${MAX_SCENARIOS_PER_SPACE}, and this makes room)`,
    request: { params: ScenarioIdParam },
    responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    await projections.deleteScenario(c.get("services"), c.get("auth"), c.req.valid("param").scenarioId);
    return c.body(null, 204);
  },
);

projectionRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "post", path: "/compare", tags, summary: "Re-run saved scenarios side by side with one shared seed",
    description: `${INEXACT} A scenario saved with one seed can reach past it with another: the 422 names it (field scenarioIds).`,
    request: { body: jsonBody(CompareBody) },
    responses: { 200: json(CompareResponse, "Comparison"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await projections.compareScenarios(c.get("services"), c.get("auth"), c.req.valid("json"), requestLanguage(c)), 200),
);

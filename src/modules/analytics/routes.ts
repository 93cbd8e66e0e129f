import { createRoute } from "@hono/zod-openapi";
import type { AuthContext, Services } from "../../env";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import type { SqlGuard } from "../../lib/sql";
import { dateOfDay, localDayOf } from "./days";
import { guards } from "../../middleware/auth";
import { requestLanguage } from "../../middleware/errors";
import { type Membership, type Reads, readSpaceWith, requireSpaceRole, type Role } from "../spaces/access";
import { dashboard, dashboardReads } from "./dashboard";
import { getForecast } from "./forecast";
import { historyWindow, netWorthHistory, pastHistoryRange, type SpaceInfo } from "./net-worth";
import { valuationReads } from "./valuation-reads";
import { listRecurring, patchRecurring, recurringReads } from "./recurring-service";
import {
  DashboardQuery, DashboardSchema, ForecastQuery, ForecastSchema, NetWorthQuery, NetWorthSchema, PatchRecurringBody, PatchRecurringResult,
  RecurringListSchema, RecurringQuery, SeriesParam,
} from "./schemas";

export const analyticsRoutes = createRouter();
const tags = ["Analytics"];
const user = { middleware: guards.user, security: bearer };

const infoOf = (m: Membership): SpaceInfo => ({ id: m.space.id, currency: m.space.currency, timezone: m.space.timezone });

/** The space, after the caller's role is checked (before any of its data is read). */
async function spaceFor(svc: Services, auth: AuthContext, spaceId: string, min: Role): Promise<SpaceInfo> {
  return infoOf(await requireSpaceRole(svc, auth, spaceId, min));
}

/** readSpaceWith, with the space as analytics takes it. */
async function readSpaceInfo<T>(svc: Services, auth: AuthContext, spaceId: string, min: Role, plan: ((space: SqlGuard) => Reads<T>) | null) {
  const { membership, data } = await readSpaceWith(svc, auth, spaceId, min, plan);
  return { space: infoOf(membership), data };
}

analyticsRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/dashboard", tags, summary: "Net worth and its change, cash flow, accounts, budget compliance and top categories",
    request: { query: DashboardQuery },
    responses: { 200: json(DashboardSchema, "Dashboard"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const svc = c.get("services");
    const now = svc.clock.now();
    // The dashboard's reads ride with the role check, over spans that hold the period in any zone.
    const { space, data } = await readSpaceInfo(svc, c.get("auth"), q.spaceId, "viewer", (g) => dashboardReads(svc.env.DB, g, q.period, now));
    // Its own labels (an "Other" beside the category names) in the language the request's errors would use.
    return c.json(await dashboard(svc, space, q.period, data, requestLanguage(c)), 200);
  },
);

analyticsRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/net-worth", tags, summary: "Net worth history from the ledger's entries and valuations (at most 400 points)",
    request: { query: NetWorthQuery },
    responses: { 200: json(NetWorthSchema, "Net worth by day, week or month"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const svc = c.get("services");
    const now = svc.clock.now();
    // The history's reads ride with the role check, over a window that holds the range in any zone.
    const window = historyWindow(q, now);
    const { space, data } = await readSpaceInfo(svc, c.get("auth"), q.spaceId, "viewer", window && ((g) => valuationReads(svc.env.DB, g, window)));
    const range = pastHistoryRange(q, dateOfDay(localDayOf(now, space.timezone)));
    // Its notes in the language the request's errors would use.
    return c.json(await netWorthHistory(svc, space, range, data, requestLanguage(c)), 200);
  },
);

analyticsRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/recurring", tags, summary: "Recurring income and bills detected in the ledger (dismissed ones left out)",
    request: { query: RecurringQuery },
    responses: { 200: json(RecurringListSchema, "Recurring series"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const svc = c.get("services");
    const now = svc.clock.now();
    const { space, data } = await readSpaceInfo(svc, c.get("auth"), q.spaceId, "viewer", (g) => recurringReads(svc.env.DB, g, now));
    return c.json(await listRecurring(svc, space, q.includeDismissed === "true", now, data), 200);
  },
);

analyticsRoutes.openapi(
  createRoute({
    ...access("member"),
    ...user, method: "patch", path: "/recurring/{seriesId}", tags, summary: "Confirm, edit, dismiss or restore a recurring series",
    request: { params: SeriesParam, body: jsonBody(PatchRecurringBody) },
    responses: { 200: json(PatchRecurringResult, "The decision and the series"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const svc = c.get("services");
    const auth = c.get("auth");
    const space = await spaceFor(svc, auth, body.spaceId, "member");
    return c.json(await patchRecurring(svc, auth, space, c.req.valid("param").seriesId, body), 200);
  },
);

analyticsRoutes.openapi(
  createRoute({
    ...access("viewer"),
    ...user, method: "get", path: "/forecast", tags, summary: "60-day cash-flow forecast by week, projected balances and risk factors (cached)",
    request: { query: ForecastQuery },
    responses: { 200: json(ForecastSchema, "Forecast"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => {
    // The role check, the ledger's state and the cache in one batch (getForecast); its sentences in the request's language.
    return c.json(await getForecast(c.get("services"), c.get("auth"), c.req.valid("query").spaceId, requestLanguage(c)), 200);
  },
);

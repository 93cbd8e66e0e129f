/**
 * Deterministic, offline simulators of the third parties the API talks to.
 * Mounted at `/sandbox` and answered only when `PROVIDER_MODE` is "sandbox";
 * clients reach them through `lib/outbound.ts` exactly as they would reach the
 * real services. Each simulator is its own router, mounted below.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { plaidSandbox } from "./plaid";
import { belvoSandbox } from "./belvo";
import { bitsoSandbox } from "./bitso";
import { pricesSandbox } from "./prices";

export const sandboxRoutes = new Hono<AppEnv>();

sandboxRoutes.use("*", async (c, next) => {
  if (c.env.PROVIDER_MODE !== "sandbox") return c.json({ error: { code: "RESOURCE_NOT_FOUND", message: "Not found" } }, 404);
  await next();
});

// Simulators (one line each):
sandboxRoutes.all("/plaid/*", (c) => plaidSandbox.fetch(c.req.raw, c.env));
sandboxRoutes.all("/belvo/*", (c) => belvoSandbox.fetch(c.req.raw, c.env));
sandboxRoutes.all("/bitso/*", (c) => bitsoSandbox.fetch(c.req.raw, c.env));
sandboxRoutes.all("/prices/*", (c) => pricesSandbox.fetch(c.req.raw, c.env));

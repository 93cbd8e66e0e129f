import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, json } from "../../lib/openapi";

export const healthRoutes = createRouter();

const Health = z.object({ status: z.literal("ok"), version: z.string(), timestamp: z.string() }).openapi("Health");

healthRoutes.openapi(
  createRoute({
    method: "get", path: "/health", tags: ["Meta"], summary: "Liveness check",
    responses: { 200: json(Health, "The API is up") },
  }),
  (c) => c.json({ status: "ok" as const, version: "1.0.0", timestamp: new Date().toISOString() }, 200),
);

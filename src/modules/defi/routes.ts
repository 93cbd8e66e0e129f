import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { access, bearer, createRouter, errors, json, jsonBody } from "../../lib/openapi";
import { requireAuth } from "../../middleware/auth";
import { exactNumbers } from "../../middleware/exact-numbers";
import { rateLimit } from "../../middleware/rate-limit";
import { AddWalletBody, AddWalletResponse, PositionsQuery, PositionsResponse, SyncBody, SyncResponse, WalletIdParam } from "./schemas";
import { addWallet, deleteWallet, listPositions, syncSpace } from "./service";

export const defiRoutes = createRouter();
const tags = ["DeFi"];

/**
 * The `sync` policy (API.md) keyed by the space whose wallets (connections)
 * are read or synced, and the caller; the space id is taken from the raw body or query
 * before validation (Hono caches the text for the route's own parse).
 */
async function spaceSubject(c: Context<AppEnv>): Promise<string> {
  let spaceId: unknown = c.req.query("spaceId");
  if (c.req.method !== "GET") {
    try {
      spaceId = (JSON.parse(await c.req.text()) as { spaceId?: unknown })?.spaceId;
    } catch {
      spaceId = undefined;
    }
  }
  // The caller is part of the key: anyone could otherwise spend the buckets of a space they merely name.
  const user = c.get("auth").userId;
  return `defi${c.req.method === "GET" ? "-read" : ""}:${typeof spaceId === "string" ? `${spaceId.slice(0, 64)}:user:${user}` : `user:${user}`}`;
}
const guard = [requireAuth, rateLimit("sync", spaceSubject), exactNumbers];

defiRoutes.openapi(
  createRoute({
    ...access("viewer"),
    middleware: guard, security: bearer,
    method: "get", path: "/positions", tags,
    summary: "DeFi positions of a space's wallets, with a summary by protocol and network",
    request: { query: PositionsQuery },
    responses: { 200: json(PositionsResponse, "Positions"), ...errors(401, 404, 422, 429) },
  }),
  async (c) => c.json(await listPositions(c.get("services"), c.get("auth"), c.req.valid("query")), 200),
);

defiRoutes.openapi(
  createRoute({
    ...access("member"),
    middleware: guard, security: bearer,
    method: "post", path: "/wallets", tags,
    summary: "Connect an EVM wallet (EIP-55 checked) and sync its positions",
    request: { body: jsonBody(AddWalletBody) },
    responses: { 201: json(AddWalletResponse, "Connected"), ...errors(401, 403, 404, 409, 422, 429) },
  }),
  async (c) => c.json(await addWallet(c.get("services"), c.get("auth"), c.req.valid("json")), 201),
);

defiRoutes.openapi(
  createRoute({
    ...access("member"),
    middleware: guard, security: bearer,
    method: "post", path: "/sync", tags,
    summary: "Sync DeFi (and gaming) positions of the space's wallets now; idempotent",
    request: { body: jsonBody(SyncBody) },
    responses: { 200: json(SyncResponse, "Synced"), ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => c.json(await syncSpace(c.get("services"), c.get("auth"), c.req.valid("json")), 200),
);

defiRoutes.openapi(
  createRoute({
    ...access("member"),
    middleware: guard, security: bearer,
    method: "delete", path: "/wallets/{walletId}", tags,
    summary: "Disconnect a wallet: it and its DeFi and gaming positions are removed (a space connects at most 25)",
    request: { params: WalletIdParam },
    responses: { 204: { description: "Disconnected" }, ...errors(401, 403, 404, 422, 429) },
  }),
  async (c) => {
    await deleteWallet(c.get("services"), c.get("auth"), c.req.valid("param").walletId);
    return c.body(null, 204);
  },
);

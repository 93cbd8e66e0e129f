/**
 * Middleware of the provider routes: the `sync` policy is keyed by what is
 * being synced (the accounts or connection named in the body, else the space
 * and caller), and provider webhooks carry no bearer token: they prove
 * themselves by the provider's own signature, checked by the route.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { requireAuth } from "../../middleware/auth";
import { exactNumbers } from "../../middleware/exact-numbers";
import { rateLimit } from "../../middleware/rate-limit";

async function syncSubject(c: Context<AppEnv>): Promise<string> {
  const user = c.get("auth").userId;
  try {
    const body = JSON.parse(await c.req.text()) as Record<string, unknown>;
    if (Array.isArray(body.accountIds) && body.accountIds.length > 0) {
      return `accounts:${body.accountIds.map(String).sort().join(",").slice(0, 300)}`;
    }
    if (typeof body.connectionId === "string") return `connection:${body.connectionId.slice(0, 64)}`;
    // Nothing synced yet (linking, connecting): each operation has its own bucket per space and caller.
    if (typeof body.spaceId === "string") return `${new URL(c.req.url).pathname}:space:${body.spaceId.slice(0, 64)}:user:${user}`;
  } catch {
    // Not JSON: the route's validation answers it; the caller is counted by user.
  }
  return `user:${user}`;
}

export const syncGuards: MiddlewareHandler<AppEnv>[] = [requireAuth, rateLimit("sync", syncSubject), exactNumbers];
export const webhookGuards: MiddlewareHandler<AppEnv>[] = [exactNumbers];

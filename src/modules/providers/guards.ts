/**
 * Middleware of the provider routes. The `sync` policy is per connection (API.md). The sync routes take it
 * here, before their access check, so the key also holds the caller (anyone could otherwise spend the
 * buckets of a connection or space they merely name). `POST /v1/accounts/sync` takes it in its service, per
 * connection it queues, once it knows the caller may sync them (and the caller's `general` policy here).
 * Provider webhooks carry no bearer token: they prove themselves by the provider's own signature, checked
 * first, so that an unsigned caller learns nothing from the body's validation but a 401. (Only a body that is
 * not UTF-8, or declares another charset, is refused first, with 400 or 415: the signed text cannot be read.)
 */
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../../env";
import { requireAuth } from "../../middleware/auth";
import { exactNumbers, exactProviderNumbers } from "../../middleware/exact-numbers";
import { rateLimit } from "../../middleware/rate-limit";

async function syncSubject(c: Context<AppEnv>): Promise<string> {
  const user = c.get("auth").userId;
  try {
    const body = JSON.parse(await c.req.text()) as Record<string, unknown>;
    if (typeof body.connectionId === "string") return `connection:${body.connectionId.slice(0, 64)}:user:${user}`;
    // Nothing synced yet (linking, connecting): each operation has its own bucket per space and caller. The
    // operation is the route's registered path, not the URL's spelling of it: the router decodes escapes, so
    // `/plaid/link%2Dtoken` reaches the same route, and keyed by the raw path each spelling had a bucket of its own.
    if (typeof body.spaceId === "string") return `${routePath(c)}:space:${body.spaceId.slice(0, 64)}:user:${user}`;
  } catch {
    // Not JSON: the route's validation answers it; the caller is counted by user.
  }
  return `user:${user}`;
}

export const syncGuards: MiddlewareHandler<AppEnv>[] = [requireAuth, rateLimit("sync", syncSubject), exactNumbers];
/** Proves a webhook with `authenticate` (which throws 401 for a caller it cannot prove) before anything reads its body. */
export function webhookGuards(authenticate: (c: Context<AppEnv>, rawBody: string) => Promise<Record<string, unknown>> | Record<string, unknown>): MiddlewareHandler<AppEnv>[] {
  const proven: MiddlewareHandler<AppEnv> = async (c, next) => {
    c.set("webhookBody", await authenticate(c, await c.req.text()));
    await next();
  };
  return [proven, exactProviderNumbers];
}

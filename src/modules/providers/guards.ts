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
import { PROVIDER_LINK_LIMITS, takeInTurn } from "../../lib/rate-limits";

/** What a sync route's request counts against: its `sync` bucket's subject, and whether it is a link (see linkCap). */
async function syncTarget(c: Context<AppEnv>): Promise<{ subject: string; link: boolean }> {
  const user = c.get("auth").userId;
  try {
    const body = JSON.parse(await c.req.text()) as Record<string, unknown>;
    if (typeof body.connectionId === "string") return { subject: `connection:${body.connectionId.slice(0, 64)}:user:${user}`, link: false };
    // Nothing synced yet (linking, connecting): each operation has its own bucket per space and caller. The
    // operation is the route's registered path, not the URL's spelling of it: the router decodes escapes, so
    // `/plaid/link%2Dtoken` reaches the same route, and keyed by the raw path each spelling had a bucket of its own.
    if (typeof body.spaceId === "string") return { subject: `${routePath(c)}:space:${body.spaceId.slice(0, 64)}:user:${user}`, link: true };
  } catch {
    // Not JSON: the route's validation answers it; the caller is counted by user.
  }
  return { subject: `user:${user}`, link: false };
}

/**
 * A link (a request that names a space and no connection: nothing synced yet) also takes a token of the caller's own
 * across all their spaces (PROVIDER_LINK_LIMITS), after the space's bucket: the buckets per space would otherwise
 * multiply with the spaces a user opens or administers.
 */
const linkCap: MiddlewareHandler<AppEnv> = async (c, next) => {
  if ((await syncTarget(c)).link) {
    await takeInTurn(
      c.get("services"),
      [[`provider-link-user:${c.get("auth").userId}`, PROVIDER_LINK_LIMITS.perUser]],
      `At most ${PROVIDER_LINK_LIMITS.perUser.limit} institution links a minute across all your spaces; retry later`,
    );
  }
  await next();
};

export const syncGuards: MiddlewareHandler<AppEnv>[] = [requireAuth, rateLimit("sync", async (c) => (await syncTarget(c)).subject), linkCap, exactNumbers];
/** Proves a webhook with `authenticate` (which throws 401 for a caller it cannot prove) before anything reads its body. */
export function webhookGuards(authenticate: (c: Context<AppEnv>, rawBody: string) => Promise<Record<string, unknown>> | Record<string, unknown>): MiddlewareHandler<AppEnv>[] {
  const proven: MiddlewareHandler<AppEnv> = async (c, next) => {
    c.set("webhookBody", await authenticate(c, await c.req.text()));
    await next();
  };
  return [proven, exactProviderNumbers];
}

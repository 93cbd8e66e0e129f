/**
 * Every request reads D1 through a session: reads may be served by a replica,
 * and the response's `X-D1-Bookmark` names the state it saw or wrote (the
 * space ledger's commit for a write). A client that sends the bookmark back
 * reads at least that fresh, so it always sees its own writes. Without one, a
 * read may go to any replica and a write starts at the primary. The header is
 * signed (lib/bookmark.ts): only a bookmark this API issued reaches D1.
 */
import type { MiddlewareHandler } from "hono";
import { lazyDb } from "../db/client";
import type { AppEnv } from "../env";
import { BOOKMARK_HEADER, laterBookmark, openBookmark, sealBookmark } from "../lib/bookmark";

export const d1Session: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (typeof c.env.DB.withSession !== "function") return next(); // a stand-in database (fault-injection tests)
  const sent = await openBookmark(c.env.JWT_SECRET, c.req.header(BOOKMARK_HEADER));
  const session = c.env.DB.withSession(sent ?? (c.req.method === "GET" ? "first-unconstrained" : "first-primary"));
  // The session has the database's query methods (prepare, batch), which is all the services use.
  const db = session as unknown as D1Database;
  let written: string | null = null;
  const query = lazyDb(db);
  c.set("services", {
    clock: c.get("services").clock,
    env: { ...c.env, DB: db },
    get db() {
      return query();
    },
    noteBookmark: (b) => {
      written = laterBookmark(written, b ?? null);
    },
  });
  await next();
  const latest = laterBookmark(laterBookmark(session.getBookmark(), written), sent);
  if (latest) c.res.headers.set(BOOKMARK_HEADER, await sealBookmark(c.env.JWT_SECRET, latest));
};

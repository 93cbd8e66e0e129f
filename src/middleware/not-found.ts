/**
 * Unknown routes: a JSON 404, or a 405 with `Allow` when the path exists
 * under other methods. `Allow` lists the methods of the route the path really
 * names: a literal segment wins over a parameter (`/v1/accounts/summary` is
 * the summary, not an account called "summary"), as the router matches it.
 */
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { errorResponse } from "./errors";

/** `rank`: per segment, 0 for a literal, 1 for a parameter, 2 for a wildcard (lower is more specific). */
type Matcher = { method: string; pattern: RegExp; rank: number[] };

const segmentRank = (seg: string) => (seg.startsWith(":") ? 1 : seg === "*" ? 2 : 0);

/** Negative when `a` is the more specific route: the first segment where they differ decides, a literal before a parameter. */
function bySpecificity(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function compile(routes: Hono<AppEnv>["routes"]): Matcher[] {
  return routes
    .filter((r) => r.method !== "ALL")
    .map((r) => ({
      method: r.method,
      rank: r.path.split("/").map(segmentRank),
      pattern: new RegExp(
        "^" +
          r.path
            .split("/")
            .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg === "*" ? ".*" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
            .join("/") +
          "$",
      ),
    }));
}

export function notFoundHandler(app: Hono<AppEnv>) {
  let matchers: Matcher[] | null = null;
  return (c: Context<AppEnv>) => {
    matchers ??= compile(app.routes);
    const path = new URL(c.req.url).pathname;
    const matching = matchers.filter((m) => m.pattern.test(path));
    // Only the most specific routes among those the path fits: theirs are the methods it has.
    const best = matching.reduce<number[] | null>((acc, m) => (acc === null || bySpecificity(m.rank, acc) < 0 ? m.rank : acc), null);
    const allowed = [...new Set(matching.filter((m) => best !== null && bySpecificity(m.rank, best) === 0).map((m) => m.method))];
    if (allowed.length > 0) {
      if (allowed.includes("GET")) allowed.push("HEAD");
      return errorResponse(
        c,
        new ApiError(405, "METHOD_NOT_ALLOWED", `${c.req.method} is not allowed on this path`, [], { Allow: allowed.join(", ") }),
      );
    }
    // The router matches paths exactly: a trailing slash names no route, and the message says which one it missed.
    let end = path.length;
    while (end > 1 && path[end - 1] === "/") end--;
    const trimmed = end < path.length ? path.slice(0, end) : null;
    const meant = trimmed && matchers.some((m) => m.pattern.test(trimmed)) ? ` (did you mean ${trimmed}?)` : "";
    return errorResponse(c, new ApiError(404, "RESOURCE_NOT_FOUND", `No route for ${c.req.method} ${path}${meant}`));
  };
}

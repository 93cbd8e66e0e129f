/**
 * Unknown routes: a JSON 404, or a 405 with `Allow` when the path exists
 * under other methods.
 */
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { errorResponse } from "./errors";

type Matcher = { method: string; pattern: RegExp };

function compile(routes: Hono<AppEnv>["routes"]): Matcher[] {
  return routes
    .filter((r) => r.method !== "ALL")
    .map((r) => ({
      method: r.method,
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
    const allowed = [...new Set(matchers.filter((m) => m.pattern.test(path)).map((m) => m.method))];
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

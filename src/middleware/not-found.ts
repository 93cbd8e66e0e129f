/**
 * Unknown routes: a JSON 404, or a 405 with `Allow` when the path exists
 * under other methods. `Allow` lists the methods of the route the path really
 * names: a literal segment wins over a parameter (`/v1/accounts/summary` is
 * the summary, not an account called "summary"), as the router matches it.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
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

/** A route path's RegExp: the route table's text, never a client's, is what it is made of. */
const patternOf = (path: string) =>
  new RegExp(
    "^" +
      path
        .split("/")
        .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg === "*" ? ".*" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/") +
      "$",
  );

function compile(routes: Hono<AppEnv>["routes"]): Matcher[] {
  return routes
    .filter((r) => r.method !== "ALL")
    .map((r) => ({ method: r.method, rank: r.path.split("/").map(segmentRank), pattern: patternOf(r.path) }));
}

export function notFoundHandler(app: Hono<AppEnv>) {
  let matchers: Matcher[] | null = null;
  return (c: Context<AppEnv>) => {
    matchers ??= compile(app.routes);
    // The path as the router decoded it (`%73ummary` is `summary` to the router, so it is here).
    const path = c.req.path;
    const matching = matchers.filter((m) => m.pattern.test(path));
    // Only the most specific routes among those the path fits: theirs are the methods it has.
    const best = matching.reduce<number[] | null>((acc, m) => (acc === null || bySpecificity(m.rank, acc) < 0 ? m.rank : acc), null);
    const allowed = [...new Set(matching.filter((m) => best !== null && bySpecificity(m.rank, best) === 0).map((m) => m.method))];
    if (allowed.length > 0) {
      if (allowed.includes("GET")) allowed.push("HEAD");
      return errorResponse(
        c,
        // The message names the methods the path takes, as Allow does: a client reading only the body knows what to send.
        new ApiError(405, "METHOD_NOT_ALLOWED", `${c.req.method} is not allowed on this path; it takes ${allowed.join(", ")}`, [], { Allow: allowed.join(", ") }),
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

/**
 * A method a literal route lacks, sent to its path, is a 405 with that route's `Allow`, as notFoundHandler answers it,
 * not a call of a sibling parameter route that would take the literal for an id: `GET /v1/transactions/transfer` was
 * `404 Transaction not found` (the router ran `GET /v1/transactions/{id}` with id "transfer") and `DELETE
 * /v1/accounts/summary` was `404 Account not found`. Only the few literal routes a parameter route shadows are tested,
 * each by its own compiled path (the route table's text, never a client's, makes the RegExps).
 */
export function shadowedMethods(app: Hono<AppEnv>): MiddlewareHandler<AppEnv> {
  let shadowed: { pattern: RegExp; allow: string[]; methods: Set<string> }[] | null = null;
  const build = () => {
    const routes = app.routes.filter((r) => r.method !== "ALL");
    const byPath = new Map<string, Set<string>>();
    for (const r of routes) byPath.set(r.path, (byPath.get(r.path) ?? new Set()).add(r.method));
    const segs = (path: string) => path.split("/");
    const isParam = (seg: string) => seg.startsWith(":") || seg === "*";
    const out: NonNullable<typeof shadowed> = [];
    for (const [literal, own] of byPath) {
      const l = segs(literal);
      const methods = new Set<string>();
      for (const [other, theirs] of byPath) {
        const o = segs(other);
        if (other === literal || o.length !== l.length) continue;
        // `other` takes every path `literal` names, with a parameter where `literal` has a literal segment.
        const covers = l.every((seg, i) => o[i] === seg || isParam(o[i]!));
        if (covers && l.some((seg, i) => !isParam(seg) && isParam(o[i]!))) for (const m of theirs) if (!own.has(m)) methods.add(m);
      }
      if (methods.size === 0) continue;
      const allow = [...own];
      if (own.has("GET")) allow.push("HEAD");
      else if (methods.has("GET")) methods.add("HEAD");
      out.push({ pattern: patternOf(literal), allow, methods });
    }
    return out;
  };
  return async (c, next) => {
    shadowed ??= build();
    const method = c.req.method;
    if (shadowed.length > 0 && method !== "OPTIONS") {
      // As the router decoded it: `/v1/transactions/%74ransfer` reaches the `/{id}` route as "transfer" too.
      const path = c.req.path;
      const hit = shadowed.find((s) => s.methods.has(method) && s.pattern.test(path));
      if (hit) {
        const allow = hit.allow.join(", ");
        return errorResponse(c, new ApiError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on this path; it takes ${allow}`, [], { Allow: allow }));
      }
    }
    await next();
  };
}

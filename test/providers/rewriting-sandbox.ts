/**
 * The providers' simulators answered through the app, with chosen answers rewritten on the way back: a test sets
 * `list` to `{ path, who, alter }` entries (a request whose path ends with `path` and whose body or Authorization
 * names `who` has its JSON answer passed through `alter`); `list` empties after each test, and the plain simulator
 * is back after the file.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { app } from "../../src/app";
import { registerSandboxHandler } from "../../src/lib/outbound";

export interface Rewrite { path: string; who: string; alter: (body: any) => any }

export function rewritingSandbox(): { list: Rewrite[] } {
  const holder = { list: [] as Rewrite[] };
  beforeAll(() => {
    registerSandboxHandler(async (request, e) => {
      const path = new URL(request.url).pathname;
      const body = request.method === "GET" ? "" : await request.clone().text();
      const auth = request.headers.get("authorization") ?? "";
      const r = holder.list.find((w) => path.endsWith(w.path) && (body.includes(w.who) || auth.includes(w.who)));
      const res = await app.fetch(request, e);
      if (!r || !res.ok) return res;
      return Response.json(r.alter(await res.json()), { status: res.status });
    });
  });
  afterEach(() => {
    holder.list = [];
  });
  afterAll(() => registerSandboxHandler((request, e) => app.fetch(request, e)));
  return holder;
}

/**
 * The real app over a D1 whose request sessions and binding count their round
 * trips (a batch, or one statement run alone), to test how many a route makes. The
 * space's ledger object reaches D1 through its own binding: its batch is not
 * counted here.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { app } from "../src/app";
import type { TestUser } from "./helpers";

export function countingApp() {
  let trips = 0;
  // What D1 says the request's batches read (rows_read), to show that a stranger's batch reads none of a space's rows.
  let rowsRead = 0;
  const countStatement = (s: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(s, {
      get: (target, prop) => {
        const v = Reflect.get(target, prop);
        if (prop === "bind") return (...args: unknown[]) => countStatement((v as (...a: unknown[]) => D1PreparedStatement).apply(target, args));
        if (prop === "all" || prop === "first" || prop === "run" || prop === "raw") return (...args: unknown[]) => (trips++, (v as (...a: unknown[]) => unknown).apply(target, args));
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  const countSession = (session: D1DatabaseSession) => ({
    prepare: (sql: string) => countStatement(session.prepare(sql)),
    batch: (stmts: D1PreparedStatement[]) => (trips++, session.batch(stmts).then((rs) => {
      for (const r of rs) rowsRead += r.meta?.rows_read ?? 0;
      return rs;
    })),
    getBookmark: () => session.getBookmark(),
  });
  // The binding itself counts too: a read made outside the request's session is a round trip all the same.
  const db = {
    prepare: (sql: string) => countStatement(env.DB.prepare(sql)),
    batch: (stmts: D1PreparedStatement[]) => (trips++, env.DB.batch(stmts)),
    exec: (sql: string) => (trips++, env.DB.exec(sql)),
    withSession: (c?: string) => countSession(env.DB.withSession(c)),
  };
  const request = async (u: TestUser, method: string, path: string, body?: unknown) => {
    const ctx = createExecutionContext();
    const before = trips;
    const readBefore = rowsRead;
    const headers: Record<string, string> = { authorization: `Bearer ${u.accessToken}`, "cf-connecting-ip": u.ip };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await app.fetch(
      new Request(`http://api.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
      { ...env, DB: db as unknown as D1Database },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return { status: res.status, body: (await res.json()) as any, trips: trips - before, rowsRead: rowsRead - readBefore };
  };
  return {
    get: (u: TestUser, path: string) => request(u, "GET", path),
    post: (u: TestUser, path: string, body: unknown) => request(u, "POST", path, body),
  };
}

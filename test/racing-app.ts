/**
 * The real app over a D1 where another's write lands between a request's reads and its write, every time: `before`
 * runs once, just before the first statement (run alone or in a batch) whose SQL matches `when` goes to D1. A race
 * that concurrent requests hit now and then (QA's sweeps of concurrent admin actions), made deterministic. A write the
 * space's ledger makes is reached through its binding: with `ledger`, `before` runs before the first operation it
 * picks is sent to the ledger object.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { app } from "../src/app";
import type { TestUser } from "./helpers";

const sqlOf = (s: D1PreparedStatement) => String(Reflect.get(s, "statement") ?? "");

export function racingApp(when: RegExp | null, before: () => Promise<unknown>, opts: { ledger?: (op: any) => boolean } = {}) {
  let armed = true;
  let fired = false;
  const fire = async (sqls: string[]) => {
    if (!armed || !when || !sqls.some((q) => when.test(q))) return;
    armed = false;
    await before();
    fired = true;
  };
  const ns = env.SPACE_LEDGER;
  const ledger = opts.ledger
    ? ({
        idFromName: (name: string) => ns.idFromName(name),
        get: (id: DurableObjectId) => {
          const stub = ns.get(id);
          return {
            execute: async (op: any) => {
              if (armed && opts.ledger!(op)) {
                armed = false;
                await before();
                fired = true;
              }
              return stub.execute(op);
            },
          };
        },
      } as unknown as typeof env.SPACE_LEDGER)
    : ns;
  // A statement run alone: its SQL is known when it is prepared.
  const statement = (s: D1PreparedStatement, sql: string): D1PreparedStatement =>
    new Proxy(s, {
      get: (target, prop) => {
        const v = Reflect.get(target, prop);
        if (prop === "bind") return (...args: unknown[]) => statement((v as (...a: unknown[]) => D1PreparedStatement).apply(target, args), sql);
        if (prop === "all" || prop === "first" || prop === "run" || prop === "raw") {
          return async (...args: unknown[]) => (await fire([sql]), (v as (...a: unknown[]) => unknown).apply(target, args));
        }
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  const wrap = <T extends D1Database | D1DatabaseSession>(db: T): T =>
    new Proxy(db, {
      get: (target, prop) => {
        const v = Reflect.get(target, prop);
        if (prop === "withSession") return (...args: unknown[]) => wrap((v as (...a: unknown[]) => D1DatabaseSession).apply(target, args));
        if (prop === "prepare") return (sql: string) => statement((v as (q: string) => D1PreparedStatement).call(target, sql), sql);
        if (prop === "batch") {
          return async (stmts: D1PreparedStatement[]) => {
            await fire(stmts.map(sqlOf));
            return (v as (s: D1PreparedStatement[]) => Promise<unknown>).call(target, stmts);
          };
        }
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  const db = wrap(env.DB);
  const racingEnv = { ...env, DB: db, SPACE_LEDGER: ledger };
  const request = async (u: TestUser, method: string, path: string, body?: unknown) => {
    const ctx = createExecutionContext();
    const headers: Record<string, string> = { authorization: `Bearer ${u.accessToken}`, "cf-connecting-ip": u.ip };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await app.fetch(
      new Request(`http://api.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
      racingEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
  };
  return {
    /** The bindings the app is given, for a job (a queue's or a cron's) run directly over the same race. */
    env: racingEnv,
    /** Whether `before` ran (the write it was to precede was reached). */
    fired: () => fired,
    post: (u: TestUser, path: string, body: unknown) => request(u, "POST", path, body),
    put: (u: TestUser, path: string, body: unknown) => request(u, "PUT", path, body),
    patch: (u: TestUser, path: string, body: unknown) => request(u, "PATCH", path, body),
    del: (u: TestUser, path: string) => request(u, "DELETE", path),
  };
}

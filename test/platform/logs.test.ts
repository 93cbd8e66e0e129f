/**
 * The logs observability indexes: one JSON line per request with its request
 * id, and error lines with their cause; never a password, token, secret,
 * header or query string. The suite runs with LOG_LEVEL=error, so these
 * requests go to the real app with the production level.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { app } from "../../src/app";
import { nextIp, registerUser } from "../helpers";

let lines: string[];

beforeEach(() => {
  lines = [];
  const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  vi.spyOn(console, "log").mockImplementation(capture);
  vi.spyOn(console, "error").mockImplementation(capture);
});
afterEach(() => vi.restoreAllMocks());

async function send(path: string, init: RequestInit & { env?: Partial<Env> } = {}) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://api.test${path}`, init), { ...env, LOG_LEVEL: "info", ...init.env }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe("structured logs", () => {
  it("writes one JSON line per request with its id, path without query, status and user, and no secrets", async () => {
    const user = await registerUser();
    const ip = nextIp();
    lines.length = 0; // only this test's own requests

    const login = await send("/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": ip },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    expect(login.status).toBe(200);
    const { tokens } = (await login.json()) as { tokens: { accessToken: string; refreshToken: string } };

    const list = await send("/v1/spaces?secretQuery=do-not-log-me", {
      headers: { authorization: `Bearer ${tokens.accessToken}`, "cf-connecting-ip": ip, "x-request-id": "client-chosen-id-42" },
    });
    expect(list.status).toBe(422); // an undeclared parameter is refused; its value is logged nowhere all the same

    const entries = parsed();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ level: "info", event: "request", method: "POST", path: "/v1/auth/login", status: 200 });
    expect(entries[0]!.requestId).toBe(login.headers.get("x-request-id"));
    expect(entries[1]).toMatchObject({ event: "request", method: "GET", path: "/v1/spaces", status: 422, userId: user.id, requestId: "client-chosen-id-42" });
    expect(typeof entries[1]!.ms).toBe("number");

    const all = lines.join("\n");
    for (const secret of [user.password, user.email, tokens.accessToken, tokens.refreshToken, env.JWT_SECRET, env.ENCRYPTION_KEY, "do-not-log-me", "Bearer"]) {
      expect(all).not.toContain(secret);
    }
  });

  it("writes a signed link's or an invitation's token in a path as :token, so the logs do not hand out what it opens", async () => {
    const token = "eyJkb2MiOiJkb2NfMSJ9.c2lnbmF0dXJlLXNlY3JldA";
    for (const [method, path] of [["PUT", `/v1/uploads/${token}`], ["GET", `/v1/downloads/${token}`], ["POST", `/v1/households/invitations/${token}/accept`]] as const) {
      await send(path, { method, headers: { "cf-connecting-ip": nextIp() } });
    }
    expect(parsed().map((e) => e.path)).toEqual(["/v1/uploads/:token", "/v1/downloads/:token", "/v1/households/invitations/:token/accept"]);
    expect(lines.join("\n")).not.toContain(token);
  });

  it("keeps the token out when the route's name is percent-encoded or in another case (the router decodes the first)", async () => {
    const token = "eyJrIjoiZG93bmxvYWQifQ.encoded-route-probe";
    const paths = [
      `/v1/%64ownloads/${token}`, `/v1/%75ploads/${token}`, `/v1/Downloads/${token}`, `/v1/households/%69nvitations/${token}/accept`,
      // Near misses that reach no route are logged without the token too.
      `/v1/downloads//${token}`, `/v1/downloads;x/${token}`, `/v1/downloads%2F${token}`, `/v1/%2564ownloads/${token}`, `/v1/downloads%20/${token}`,
      `/v1/households/invitations//${token}/accept`, `/v1/downloads/${token}/${token}`,
      // A malformed escape elsewhere, escapes nested four deep, a NUL in the name.
      `/v1/%64ownloads/${token}%E0`, `/v1/%64ownloads/${token}/%`, `/v1/%25252564ownloads/${token}`, `/v1/downloads%00/${token}`,
    ];
    for (const path of paths) await send(path, { headers: { "cf-connecting-ip": nextIp() } });
    expect(parsed().map((e) => e.path)).toEqual([
      "/v1/downloads/:token", "/v1/uploads/:token", "/v1/Downloads/:token", "/v1/households/invitations/:token/accept",
      "/v1/downloads/:token", "/v1/downloads;x/:token", "/v1/downloads/:token", "/v1/downloads/:token", "/v1/downloads /:token",
      "/v1/households/invitations/:token/accept", "/v1/downloads/:token/:token",
      "/v1/downloads/:token", "/v1/downloads/:token/:token", "/v1/downloads/:token", "/v1/downloads\u0000/:token",
    ]);
    expect(lines.join("\n")).not.toContain(token);
  });

  it("refuses a request id that could inject into the logs and uses its own", async () => {
    const res = await send("/v1/health", { headers: { "x-request-id": 'abcdefgh","forged":true,"x":"' } });
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    expect(lines).toHaveLength(1);
    expect(parsed()[0]).toMatchObject({ requestId: res.headers.get("x-request-id") });
    expect(parsed()[0]).not.toHaveProperty("forged");
  });

  it("logs an unexpected failure with its cause and request id, and answers the envelope without the cause", async () => {
    const failingDb = {
      prepare() {
        throw new Error("D1_ERROR: simulated outage");
      },
    } as unknown as D1Database;
    const res = await send("/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": nextIp() },
      body: JSON.stringify({ email: "someone@example.com", password: "hunter2-very-secret" }),
      env: { DB: failingDb },
    });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("INTERNAL_ERROR");
    expect(JSON.stringify(body)).not.toContain("simulated outage");

    const errorLine = parsed().find((e) => e.level === "error");
    expect(errorLine).toMatchObject({ requestId: res.headers.get("x-request-id"), message: "D1_ERROR: simulated outage" });
    expect(parsed().find((e) => e.event === "request")).toMatchObject({ status: 500 });
    expect(lines.join("\n")).not.toContain("hunter2-very-secret");
    expect(lines.join("\n")).not.toContain("someone@example.com");
  });
});

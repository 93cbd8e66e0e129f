/**
 * Sessions as a client holds them (one per sign-in), and what "ended" means
 * for one: its access token refused on a read and on a write, its refresh
 * token refused. Shared by the password, session and 2FA revocation tests.
 */
import { expect } from "vitest";
import { call, callJson, nextIp, type TestUser } from "../helpers";

export interface Session {
  sid: string;
  accessToken: string;
  refreshToken: string;
  ip: string;
}

/** The session id an access token names (its `sid` claim). */
export const sidOf = (accessToken: string): string =>
  JSON.parse(atob(accessToken.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid;

/** The session registerUser opened. */
export const firstSession = (u: TestUser): Session => ({ sid: sidOf(u.accessToken), accessToken: u.accessToken, refreshToken: u.refreshToken, ip: u.ip });

/** Another sign-in of the user (another device), from an IP of its own. */
export async function signIn(u: TestUser, password = u.password, totpCode?: string): Promise<Session> {
  const ip = nextIp();
  const res = await callJson("/v1/auth/login", { ip, body: { email: u.email, password, ...(totpCode ? { totpCode } : {}) } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { sid: sidOf(res.body.tokens.accessToken), accessToken: res.body.tokens.accessToken, refreshToken: res.body.tokens.refreshToken, ip };
}

const newSpace = { name: "Probe", type: "personal", currency: "USD" };

/** The session has ended: its access token gets 401 on a read and on a write, its refresh token 401. */
export async function expectEnded(s: Session, label = s.sid): Promise<void> {
  const read = await callJson("/v1/spaces", { token: s.accessToken, ip: s.ip });
  expect(read.status, `${label}: GET`).toBe(401);
  expect(read.body.error.code, label).toBe("UNAUTHORIZED");
  expect((await call("/v1/spaces", { token: s.accessToken, ip: s.ip, body: newSpace })).status, `${label}: POST`).toBe(401);
  expect((await call("/v1/auth/refresh", { ip: s.ip, body: { refreshToken: s.refreshToken } })).status, `${label}: refresh`).toBe(401);
}

/** The session still works, on a read and on a write (its refresh token is left unspent). */
export async function expectLive(s: Session, label = s.sid): Promise<void> {
  expect((await call("/v1/spaces", { token: s.accessToken, ip: s.ip })).status, `${label}: GET`).toBe(200);
  expect((await call("/v1/spaces", { token: s.accessToken, ip: s.ip, body: newSpace })).status, `${label}: POST`).toBe(201);
}

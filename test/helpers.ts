/**
 * Drives the real Worker (its default export's fetch) the way a client would.
 * Each helper-made user gets its own client IP so the per-IP auth limit of one
 * test never spills into another.
 */
import { exports } from "cloudflare:workers";
import { hotp, totpStep } from "../src/lib/totp";
import { addDays, zonedDate, zonedMidnight } from "../src/lib/zoned-time";

let ipCounter = 0;
export const nextIp = () => {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

export interface CallOptions {
  method?: string;
  body?: unknown;
  rawBody?: BodyInit;
  token?: string;
  ip?: string;
  headers?: Record<string, string>;
}

export async function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  headers.set("cf-connecting-ip", opts.ip ?? "192.0.2.1");
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return exports.default.fetch(new Request(`http://api.test${path}`, { method: opts.method ?? (body ? "POST" : "GET"), headers, body }));
}

export async function callJson<T = any>(path: string, opts: CallOptions = {}): Promise<{ status: number; body: T; res: Response }> {
  const res = await call(path, opts);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, res };
}

let userCounter = 0;
export interface TestUser {
  id: string;
  email: string;
  password: string;
  ip: string;
  accessToken: string;
  refreshToken: string;
}

/** A user's calls to the API: the verbs with their token and address. */
export const userApi = (u: TestUser) => ({
  get: (path: string) => callJson(path, { token: u.accessToken, ip: u.ip }),
  post: (path: string, body: unknown) => callJson(path, { token: u.accessToken, ip: u.ip, body }),
  put: (path: string, body: unknown) => callJson(path, { method: "PUT", token: u.accessToken, ip: u.ip, body }),
  patch: (path: string, body: unknown) => callJson(path, { method: "PATCH", token: u.accessToken, ip: u.ip, body }),
  del: (path: string) => callJson(path, { method: "DELETE", token: u.accessToken, ip: u.ip }),
});

export async function registerUser(overrides: { name?: string; locale?: string } = {}): Promise<TestUser> {
  userCounter++;
  const email = `user${userCounter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = "correct horse battery";
  const ip = nextIp();
  const { status, body } = await callJson("/v1/auth/register", {
    ip,
    body: { name: overrides.name ?? `User ${userCounter}`, email, password, locale: overrides.locale ?? "en" },
  });
  if (status !== 201) throw new Error(`register failed: ${status} ${JSON.stringify(body)}`);
  return { id: body.user.id, email, password, ip, accessToken: body.tokens.accessToken, refreshToken: body.tokens.refreshToken };
}

export async function createSpace(user: TestUser, input: { name?: string; type?: string; currency?: string } = {}) {
  const { status, body } = await callJson("/v1/spaces", {
    token: user.accessToken,
    ip: user.ip,
    body: { name: input.name ?? "Personal", type: input.type ?? "personal", currency: input.currency ?? "USD" },
  });
  if (status !== 201) throw new Error(`create space failed: ${status} ${JSON.stringify(body)}`);
  return body as { id: string; name: string };
}

/** The TOTP code for a secret at `offsetSteps` from now. */
export const totpCode = (secret: string, offsetSteps = 0) => hotp(secret, totpStep(Date.now()) + offsetSteps);

/** Enables 2FA for the user; returns the secret and backup codes. */
export async function enableTwoFactor(user: TestUser): Promise<{ secret: string; backupCodes: string[]; usedCode: string }> {
  const setup = await callJson("/v1/auth/2fa/setup", { method: "POST", token: user.accessToken, ip: user.ip });
  const secret = setup.body.secret as string;
  const usedCode = await totpCode(secret);
  const enable = await callJson("/v1/auth/2fa/enable", { token: user.accessToken, ip: user.ip, body: { code: usedCode, password: user.password } });
  if (enable.status !== 200) throw new Error(`2fa enable failed: ${enable.status} ${JSON.stringify(enable.body)}`);
  return { secret, backupCodes: enable.body.backupCodes, usedCode };
}

export async function addMember(owner: TestUser, spaceId: string, member: TestUser, role: string) {
  const { status, body } = await callJson(`/v1/spaces/${spaceId}/members`, {
    token: owner.accessToken,
    ip: owner.ip,
    body: { email: member.email, role },
  });
  if (status !== 201) throw new Error(`add member failed: ${status} ${JSON.stringify(body)}`);
}
/** Polls until `check` returns a value (or throws after `ms`). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, ms = 25_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits out the last three minutes of the day in each of `zones`, as test/setup.ts does for UTC's, in a file that
 * takes a zone's today (localDays) while the app takes its own: a file running across that zone's midnight would see
 * two todays (Mexico City's begins at 06:00 UTC, Tokyo's at 15:00, Kiritimati's at 10:00, Pago Pago's at 11:00).
 * A file calls it when it loads; at any other time it returns at once.
 */
export async function awayFromMidnight(...zones: string[]): Promise<void> {
  const NEAR_MIDNIGHT_MS = 3 * 60_000;
  for (;;) {
    const now = Date.now();
    const untilMidnight = zones.map((tz) => zonedMidnight(addDays(zonedDate(now, tz), 1), tz) - now);
    const wait = Math.max(0, ...untilMidnight.filter((ms) => ms < NEAR_MIDNIGHT_MS));
    if (wait === 0) return;
    await new Promise((resolve) => setTimeout(resolve, wait + 2_000));
  }
}

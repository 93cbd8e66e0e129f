/**
 * Life Beat test helpers: a simulated clock shared by the HTTP app (the
 * system time, through vi.setSystemTime) and the cron entry (an injected
 * Clock), users that log in again after a time jump, and a household with an
 * owner, spaces and an executor who joined through the emailed invitation.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { handleScheduled } from "../../src/jobs/scheduled";
import type { Clock } from "../../src/lib/clock";
import { callJson, createSpace, nextIp, registerUser, type TestUser } from "../helpers";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MIN = 60_000;

/** The simulated "now": the app sees it as the system time, the cron as its clock. */
export const sim = {
  now: 0,
  set(t: number) {
    this.now = t;
    vi.setSystemTime(t);
  },
};
export const simClock: Clock = { now: () => sim.now };

/** Runs the hourly cron as the Worker would, at the simulated now. */
export async function cron(at = sim.now): Promise<void> {
  await handleScheduled(createScheduledController({ cron: "0 * * * *", scheduledTime: at }), env, { now: () => at });
}

/** Logs the user in again (after a jump longer than the 15-minute token life). */
export async function relogin(u: TestUser): Promise<TestUser> {
  const r = await callJson("/v1/auth/login", { ip: u.ip, body: { email: u.email, password: u.password } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
  u.accessToken = r.body.tokens.accessToken;
  u.refreshToken = r.body.tokens.refreshToken;
  return u;
}

/** Registers a user with a chosen email (an invited executor signing up). */
export async function registerWithEmail(email: string, locale = "en"): Promise<TestUser> {
  const password = "correct horse battery";
  const ip = nextIp();
  const r = await callJson("/v1/auth/register", { ip, body: { name: "Executor", email, password, locale } });
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.user.id, email, password, ip, accessToken: r.body.tokens.accessToken, refreshToken: r.body.tokens.refreshToken };
}

export const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });

/** What the sandbox email API received for `to`, oldest first. */
export async function emailsTo(to: string): Promise<{ subject: string; body: string }[]> {
  const r = await env.DB.prepare("SELECT subject, body FROM sandbox_messages WHERE channel = 'email' AND lower(recipient) = lower(?) ORDER BY received_at, id")
    .bind(to)
    .all<{ subject: string; body: string }>();
  return r.results;
}

export async function smsTo(to: string): Promise<{ body: string }[]> {
  const r = await env.DB.prepare("SELECT body FROM sandbox_messages WHERE channel = 'sms' AND recipient = ? ORDER BY received_at, id").bind(to).all<{ body: string }>();
  return r.results;
}

/** The invitation token from the last invitation email to `to`. */
export async function invitationToken(to: string): Promise<string> {
  const mails = await emailsTo(to);
  const m = /invitations\/(hhi_[A-Za-z0-9_-]+)\/accept/.exec(mails[mails.length - 1]?.body ?? "");
  if (!m) throw new Error(`no invitation email to ${to}`);
  return m[1]!;
}

export interface HouseholdWorld {
  owner: TestUser;
  executor: TestUser;
  householdId: string;
  executorId: string;
  spaceIds: string[];
  /** A space of the owner's that is not in the household. */
  privateSpaceId: string;
}

/** Owner with two spaces in a household and a private one; an executor invited by email who signs up and accepts. */
export async function householdWorld(opts: { locale?: string } = {}): Promise<HouseholdWorld> {
  const owner = await registerUser({ locale: opts.locale ?? "en" });
  const a = await createSpace(owner, { name: "Casa" });
  const b = await createSpace(owner, { name: "Negocio", type: "business", currency: "MXN" });
  const priv = await createSpace(owner, { name: "Private" });
  const hh = await callJson("/v1/households", { ...as(owner), body: { name: "García", spaceIds: [a.id, b.id] } });
  if (hh.status !== 201) throw new Error(`household: ${hh.status} ${JSON.stringify(hh.body)}`);
  const executorEmail = `executor-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const inv = await callJson(`/v1/households/${hh.body.id}/members`, {
    ...as(owner),
    body: { email: executorEmail, relationship: "sibling", role: "executor", name: "Tía Rosa" },
  });
  if (inv.status !== 201) throw new Error(`invite: ${inv.status} ${JSON.stringify(inv.body)}`);
  const executor = await registerWithEmail(executorEmail);
  const acc = await callJson(`/v1/households/invitations/${await invitationToken(executorEmail)}/accept`, { ...as(executor), method: "POST" });
  if (acc.status !== 200) throw new Error(`accept: ${acc.status} ${JSON.stringify(acc.body)}`);
  return { owner, executor, householdId: hh.body.id, executorId: inv.body.id, spaceIds: [a.id, b.id], privateSpaceId: priv.id };
}

export async function configure(w: HouseholdWorld, body: Record<string, unknown>) {
  const r = await callJson("/v1/life-beat", { ...as(w.owner), method: "PUT", body: { householdId: w.householdId, ...body } });
  if (r.status !== 200) throw new Error(`configure: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function levelOf(householdId: string): Promise<number> {
  const r = await env.DB.prepare("SELECT current_level FROM life_beat WHERE household_id = ?").bind(householdId).first<{ current_level: number }>();
  return r!.current_level;
}

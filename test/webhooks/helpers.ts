/**
 * Shared pieces of the webhook tests: a space with its admin, subscriptions
 * pointed at the sandbox receiver, direct access to the services with a
 * controllable clock, and the receiver's inbox.
 */
import { env } from "cloudflare:workers";
import "../../src/index"; // registers the in-process sandbox handler for outbound calls made from tests
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import type { Clock } from "../../src/lib/clock";
import { newId } from "../../src/lib/ids";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";

export const receiverUrl = (inbox: string) => `${env.SANDBOX_ORIGIN}/sandbox/webhook-receiver/${inbox}`;
export const newInbox = () => `t${crypto.randomUUID().replace(/-/g, "")}`;

/** A clock the test moves by hand. */
export function manualClock(start = Date.now()): Clock & { set(ms: number): void; advance(ms: number): void } {
  let t = start;
  return { now: () => t, set: (ms) => void (t = ms), advance: (ms) => void (t += ms) };
}

export const servicesAt = (clock: Clock, overrides: Partial<Env> = {}): Services => {
  const e = { ...env, ...overrides } as Env;
  return { env: e, db: createDb(e.DB), clock };
};

export const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });

export async function adminSpace() {
  const owner = await registerUser();
  const space = await createSpace(owner);
  return { owner, spaceId: space.id };
}

export async function createWebhook(user: TestUser, spaceId: string, body: Record<string, unknown> = {}) {
  const inbox = newInbox();
  const res = await callJson("/v1/webhooks", {
    ...as(user),
    body: { spaceId, url: receiverUrl(inbox), events: ["transaction.created", "budget.alert.threshold_exceeded"], ...body },
  });
  if (res.status !== 201) throw new Error(`create webhook failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, inbox } as { id: string; secret: string; inbox: string; url: string; [k: string]: unknown };
}

export interface Received {
  headers: Record<string, string>;
  body: string;
  answeredWith: number;
}

/** What the sandbox receiver's inbox holds, read the way a person would (GET on the receiver). */
export async function inbox(name: string): Promise<Received[]> {
  const res = await callJson(`/sandbox/webhook-receiver/${name}`);
  return res.body.received;
}

export async function failNext(name: string, failTimes: number, status = 503) {
  const res = await callJson(`/sandbox/webhook-receiver/${name}/configure`, { body: { failTimes, status } });
  if (res.status !== 200) throw new Error(`configure failed: ${res.status}`);
}

/** An outbox row written the way budget alerts write theirs (directly, not through publishEvent). */
export async function outboxRow(spaceId: string, type: string, payload: Record<string, unknown>, createdAt = Date.now()): Promise<string> {
  const id = newId("evt", createdAt);
  await env.DB.prepare("INSERT INTO event_outbox (id, space_id, type, payload, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(id, spaceId, type, JSON.stringify(payload), `test:${id}`, createdAt)
    .run();
  return id;
}

export async function deliveryRow(id: string) {
  return env.DB.prepare("SELECT * FROM webhook_deliveries WHERE id = ?").bind(id).first<Record<string, any>>();
}

export async function subscriptionRow(id: string) {
  return env.DB.prepare("SELECT * FROM webhook_subscriptions WHERE id = ?").bind(id).first<Record<string, any>>();
}

/** A queue that only records what it is sent (nothing reaches the test worker's real consumer behind the test's back). */
export function recordingQueue() {
  const sent: any[] = [];
  const queue = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (msgs: { body: unknown }[]) => void sent.push(...msgs.map((m) => m.body)),
  } as unknown as Queue;
  return { queue, sent };
}

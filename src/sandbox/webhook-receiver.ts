/**
 * A webhook receiver for sandbox mode: subscriptions pointed at
 * `${SANDBOX_ORIGIN}/sandbox/webhook-receiver/<inbox>` are answered here,
 * in-process (lib/outbound.ts), so tests and `npm run dev` can watch real,
 * signed deliveries without a network.
 *
 *   POST   /<inbox>            a delivery: recorded with its headers and raw body; answered 200,
 *                              or with the configured failure status while failures remain
 *   GET    /<inbox>            what the inbox received, oldest first, and the failures still to give
 *   POST   /<inbox>/configure  `{ "failTimes": n, "status": 503, "delayMs": 0 }`: fail the next n deliveries;
 *                              answer each delivery only after delayMs (at most 60 s: a slow or hanging receiver)
 *   DELETE /<inbox>            forget the inbox
 *
 * A delayed answer ends early when the sender gives up (the request's signal: the delivery's timeout), with a 504:
 * an in-process call cannot be cut off as a network one is, so that is what the sender reads at its timeout.
 * State lives in the isolate's memory (bounded); it is a simulator, not a store.
 * Routes answer any method themselves (`all`): they are not API routes and
 * stay out of the OpenAPI document.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";

interface Received {
  method: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: string;
  answeredWith: number;
}

interface Inbox {
  received: Received[];
  failTimes: number;
  failStatus: number;
  delayMs: number;
}

const MAX_DELAY_MS = 60_000;

/** Resolves after `ms`, or false at once when `signal` aborts first. */
function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (answered: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(answered);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener("abort", onAbort);
  });
}

const MAX_INBOXES = 1000;
const MAX_RECEIVED = 500;
const inboxes = new Map<string, Inbox>();

function inbox(name: string): Inbox {
  let box = inboxes.get(name);
  if (!box) {
    if (inboxes.size >= MAX_INBOXES) inboxes.delete(inboxes.keys().next().value!);
    box = { received: [], failTimes: 0, failStatus: 500, delayMs: 0 };
    inboxes.set(name, box);
  }
  return box;
}

const validName = (name: string) => name.length >= 1 && name.length <= 100 && [...name].every((ch) => /[A-Za-z0-9_-]/.test(ch));

export const webhookReceiver = new Hono<AppEnv>();

webhookReceiver.all("/:inbox/configure", async (c) => {
  const name = c.req.param("inbox");
  if (c.req.method !== "POST") return c.json({ error: "Method not allowed" }, 405);
  if (!validName(name)) return c.json({ error: "Bad inbox name" }, 400);
  const body = (await c.req.json().catch(() => null)) as { failTimes?: unknown; status?: unknown; delayMs?: unknown } | null;
  const failTimes = Number(body?.failTimes ?? 0);
  const status = Number(body?.status ?? 500);
  const delayMs = Number(body?.delayMs ?? 0);
  if (!Number.isInteger(failTimes) || failTimes < 0 || !Number.isInteger(status) || status < 300 || status > 599) {
    return c.json({ error: "failTimes must be a non-negative integer and status an HTTP status" }, 400);
  }
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
    return c.json({ error: `delayMs must be an integer from 0 to ${MAX_DELAY_MS}` }, 400);
  }
  const box = inbox(name);
  box.failTimes = failTimes;
  box.failStatus = status;
  box.delayMs = delayMs;
  return c.json({ inbox: name, failTimes, status, delayMs });
});

webhookReceiver.all("/:inbox", async (c) => {
  const name = c.req.param("inbox");
  if (!validName(name)) return c.json({ error: "Bad inbox name" }, 400);
  switch (c.req.method) {
    case "GET": {
      const box = inboxes.get(name);
      return c.json({ inbox: name, received: box?.received ?? [], failuresRemaining: box?.failTimes ?? 0, delayMs: box?.delayMs ?? 0 });
    }
    case "DELETE":
      inboxes.delete(name);
      return c.body(null, 204);
    case "POST": {
      const box = inbox(name);
      if (box.delayMs > 0 && !(await wait(box.delayMs, c.req.raw.signal))) {
        await c.req.raw.body?.cancel();
        return c.json({ error: "The sender gave up before the answer" }, 504);
      }
      const failing = box.failTimes > 0;
      if (failing) box.failTimes--;
      const answeredWith = failing ? box.failStatus : 200;
      box.received.push({
        method: "POST",
        headers: Object.fromEntries([...c.req.raw.headers].map(([k, v]) => [k.toLowerCase(), v])),
        body: await c.req.text(),
        receivedAt: new Date().toISOString(),
        answeredWith,
      });
      if (box.received.length > MAX_RECEIVED) box.received.shift();
      return failing ? c.json({ error: "Simulated failure" }, answeredWith as 500) : c.json({ received: true });
    }
    default:
      return c.json({ error: "Method not allowed" }, 405);
  }
});

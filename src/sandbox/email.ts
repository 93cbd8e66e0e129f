/**
 * Sandbox email API (Resend-style): `POST /emails` with `Authorization:
 * Bearer <EMAIL_API_KEY>` and `{ from, to: [..], subject, text }` answers
 * `{ id }` and records the message; the same `Idempotency-Key` answers the
 * first id again and records nothing new. `GET /messages?to=` lists what was
 * received. Recipients whose local part is `bounce` are refused (422) and
 * `unavailable` gets a 503, so failures and retries can be exercised.
 * Routes are registered with `all` and check the method themselves: they are
 * not part of the public API document.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { newId } from "../lib/ids";

export const emailSandbox = new Hono<AppEnv>();

const err = (message: string) => ({ name: "validation_error", message });

emailSandbox.all("/emails", async (c) => {
  if (c.req.method !== "POST") return c.json(err("Method not allowed"), 405);
  const auth = c.req.header("authorization") ?? "";
  if (!auth.startsWith("Bearer ") || !timingSafeEqual(auth.slice(7), c.env.EMAIL_API_KEY)) return c.json(err("API key is invalid"), 401);
  const body = (await c.req.json().catch(() => null)) as { from?: unknown; to?: unknown; subject?: unknown; text?: unknown } | null;
  const to = Array.isArray(body?.to) ? body.to : [];
  if (typeof body?.from !== "string" || to.length !== 1 || typeof to[0] !== "string" || !to[0].includes("@")) {
    return c.json(err("`from` and one `to` address are required"), 422);
  }
  if (typeof body.subject !== "string" || !body.subject || typeof body.text !== "string" || !body.text) {
    return c.json(err("`subject` and `text` are required"), 422);
  }
  const recipient = to[0] as string;
  const local = recipient.split("@")[0]!.toLowerCase();
  if (local === "bounce") return c.json(err("Recipient address rejected"), 422);
  if (local === "unavailable") return c.json({ name: "internal_server_error", message: "Temporarily unavailable" }, 503);
  const key = c.req.header("idempotency-key") ?? null;
  const now = Date.now();
  const id = newId("msg", now);
  await c.env.DB.prepare(
    `INSERT INTO sandbox_messages (id, channel, recipient, sender, subject, body, idempotency_key, received_at)
     VALUES (?, 'email', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  )
    .bind(id, recipient, body.from, body.subject, body.text, key, now)
    .run();
  const stored = key
    ? await c.env.DB.prepare("SELECT id FROM sandbox_messages WHERE channel = 'email' AND idempotency_key = ?").bind(key).first<{ id: string }>()
    : { id };
  return c.json({ id: stored?.id ?? id }, 200);
});

emailSandbox.all("/messages", async (c) => {
  if (c.req.method !== "GET") return c.json(err("Method not allowed"), 405);
  const to = c.req.query("to");
  const rows = await c.env.DB.prepare(
    `SELECT id, recipient AS "to", sender AS "from", subject, body AS text, received_at AS receivedAt FROM sandbox_messages
      WHERE channel = 'email' AND (?1 IS NULL OR lower(recipient) = lower(?1)) ORDER BY received_at DESC, id DESC LIMIT 100`,
  )
    .bind(to ?? null)
    .all();
  return c.json({ messages: rows.results }, 200);
});

/**
 * The language a registration's body names (`"locale": "es-MX"`), for the answers to that request: its own 422
 * (a short password, a taken email) reads in the language the person chose, not English for want of an
 * Accept-Language header. Read before the body's other checks, so those speak it too. A body that does not parse,
 * or names no supported language, changes nothing: its own errors come from the checks after this one.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { supported } from "../lib/i18n";

export const bodyLanguage: MiddlewareHandler<AppEnv> = async (c, next) => {
  try {
    // Hono caches the text, so the checks and the route after this read the same bytes without reading them again.
    const body: unknown = JSON.parse(await c.req.text());
    const tag = body !== null && typeof body === "object" ? (body as { locale?: unknown }).locale : undefined;
    const locale = typeof tag === "string" && tag.length <= 35 ? supported(tag) : undefined;
    if (locale) c.set("bodyLocale", locale);
  } catch {
    // Not JSON, or not text: the body's own checks answer it.
  }
  await next();
};

/**
 * The language a registration's body names (`"locale": "es-MX"`), for the answers to that request: its own 422
 * (a short password, a taken email) reads in the language the person chose, not English for want of an
 * Accept-Language header. Read before the body's other checks, so those speak it too. A body that does not parse,
 * or names no supported language, changes nothing: its own errors come from the checks after this one.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { supported } from "../lib/i18n";
import { isJsonMediaType } from "./utf8-json";

/** Far above a registration's body (well under 2 KB): a larger one is not parsed a second time for its language. */
const MAX_READ = 8192;

export const bodyLanguage: MiddlewareHandler<AppEnv> = async (c, next) => {
  const locale = isJsonMediaType(c.req.header("content-type")) ? await namedLanguage(() => c.req.text()) : undefined;
  if (locale) c.set("bodyLocale", locale);
  await next();
};

/** The supported language a small JSON body's `locale` names, if any. */
async function namedLanguage(text: () => Promise<string>) {
  try {
    // Hono caches the text, so the checks and the route after this read the same bytes without reading them again.
    const raw = await text();
    const body: unknown = raw.length <= MAX_READ ? JSON.parse(raw) : undefined;
    const tag = body !== null && typeof body === "object" ? (body as { locale?: unknown }).locale : undefined;
    return typeof tag === "string" && tag.length <= 35 ? supported(tag) : undefined;
  } catch {
    return undefined; // Not JSON, or not text: the body's own checks answer it.
  }
}

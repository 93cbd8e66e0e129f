/// <reference types="vite/client" />
/**
 * Spanish and Portuguese translations of specific messages (`phrases` in messages/es.ts and pt.ts) are keyed by the
 * English text the code throws. If someone rewords an English message, its translation silently falls back to the code's
 * generic wording; this test catches that by finding every key in the source as a whole string literal, or as the output
 * of a template literal.
 */
import { expect, it } from "vitest";
import { es } from "../../src/lib/messages/es";
import { pt } from "../../src/lib/messages/pt";

// Vite reads the source tree at build time, so the test needs no file system inside workerd.
// The space ledger's Durable Object writes messages too (a reused reference, a batch's refusal).
const sources = import.meta.glob(["../../src/**/*.ts", "../../durable-objects/**/*.ts", "!../../src/lib/messages/**"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const allSource = Object.values(sources).join("\n");

/** The fixed parts of every template literal that interpolates something, in order. */
const templates: string[][] = [...allSource.matchAll(/`([^`]*\$\{[^`]*)`/g)].map((m) => (m[1] ?? "").split(/\$\{[^}]*\}/));

/** Whether `text` is what a template with these fixed parts can produce (each part in order, anchored at both ends). */
function fromTemplate(text: string, parts: string[]): boolean {
  const first = parts[0] ?? "";
  const last = parts[parts.length - 1] ?? "";
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return at <= text.length - last.length;
}

it("reads the source tree", () => {
  expect(Object.keys(sources).length).toBeGreaterThan(100);
  expect(templates.length).toBeGreaterThan(50);
});

it.each([["Spanish", es], ["Portuguese", pt]])("keys every %s phrase by an English message the code still writes", (_, catalogue) => {
  // The whole string literal: a reworded message that still contains the old words ("Amount is too large to
  // store") is another key, which the lookup (by exact text) would not find.
  const literal = (english: string) => ['"', "'", "`"].some((q) => allSource.includes(`${q}${english}${q}`));
  const stale = Object.keys(catalogue.phrases ?? {}).filter(
    (english) => !literal(english) && !templates.some((parts) => parts.join("").length >= 10 && fromTemplate(english, parts)),
  );
  expect(stale).toEqual([]);
});

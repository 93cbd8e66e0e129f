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
import { fromTemplate } from "./message-sites";

// Vite reads the source tree at build time, so the test needs no file system inside workerd.
// The space ledger's Durable Object writes messages too (a reused reference, a batch's refusal).
const sources = import.meta.glob(["../../src/**/*.ts", "../../durable-objects/**/*.ts", "!../../src/lib/messages/**"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const allSource = Object.values(sources).join("\n");

/** The fixed parts of every template literal that interpolates something, in order. */
const templates: string[][] = [...allSource.matchAll(/`([^`]*\$\{[^`]*)`/g)].map((m) => (m[1] ?? "").split(/\$\{[^}]*\}/));

it("reads the source tree", () => {
  expect(Object.keys(sources).length).toBeGreaterThan(100);
  expect(templates.length).toBeGreaterThan(50);
});

it.each([["Spanish", es], ["Portuguese", pt]])("keys every %s phrase by an English message the code still writes", (_, catalogue) => {
  // The whole string literal: a reworded message that still contains the old words ("Amount is too large to
  // store") is another key, which the lookup (by exact text) would not find.
  // A backslash in the message is written escaped in the source ("(\\uD800-\\uDFFF alone)").
  const literal = (english: string) => ['"', "'", "`"].some((q) => [english, english.replaceAll("\\", "\\\\")].some((text) => allSource.includes(`${q}${text}${q}`)));
  const stale = Object.keys(catalogue.phrases ?? {}).filter(
    (english) => !literal(english) && !templates.some((parts) => parts.join("").length >= 10 && fromTemplate(english, parts)),
  );
  expect(stale).toEqual([]);
});

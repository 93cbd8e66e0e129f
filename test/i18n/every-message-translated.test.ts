/// <reference types="vite/client" />
/**
 * No error answers a Spanish or Portuguese reader with less than it tells an English one. Every message the code can
 * send a client (found in the source by message-sites.ts) has a translation in es and pt, a phrase or a template that
 * keeps its values; the few that carry someone else's words (a provider's) or a bug's (a 500) are named below and
 * read as the standard wording with the English after it. Through the API: a reused ledger reference and 2FA enabled
 * before its setup, which both answered only "the request conflicts with the resource's current state".
 */
import { describe, expect, it } from "vitest";
import { localizedMessage, translation } from "../../src/lib/i18n";
import type { Catalogue } from "../../src/lib/messages/catalogue";
import { en } from "../../src/lib/messages/en";
import { es } from "../../src/lib/messages/es";
import { pt } from "../../src/lib/messages/pt";
import { callJson, createSpace, registerUser } from "../helpers";
import { fromTemplate, messageSites, type Message } from "./message-sites";

// Vite reads the source tree at build time, so the test needs no file system inside workerd. The sandbox is left out:
// it stands in for third-party APIs and answers in their formats, not the API's error envelope.
const sources = import.meta.glob(["../../src/**/*.ts", "../../durable-objects/**/*.ts", "!../../src/lib/messages/**", "!../../src/sandbox/**"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

const key = (m: Message) => ("text" in m ? m.text : m.parts.join("{}"));

/** Messages left to the fallback on purpose (the standard wording, then the English), by their source form. */
const UNTRANSLATED: Record<string, string> = {
  "{}: {}": "a provider's own words after its name",
  "{} not found": "notFound's own definition; the resource names it is given are checked one by one",
  "Operation routed to the wrong space ledger": "a bug (500)",
  "A guard is an INSERT INTO write_guards of a write that commits": "a bug (500)",
  "readAfter takes SELECT statements of fewer than {} parameters only": "a bug (500)",
  "The ledger answered an unguarded write as unverified": "a bug (500)",
  "Configuration {} must be a positive integer": "a deployment's misconfiguration (500)",
  "The write's access could not be verified in its batch; check access and ask again": "UNVERIFIED never leaves the ledger client",
};

/**
 * Messages whose values are words the catalogue reads as part of the sentence (a provider's noun, a sentence of
 * advice, an optional parenthesis): the forms the code writes, by their source form. Others are tried with a
 * stand-in for each value.
 */
const SAMPLES: Record<string, string[]> = {
  "Too many wrong attempts at the {} for this account; retry later": [
    "Too many wrong attempts at the password for this account; retry later",
    "Too many wrong attempts at the two-factor code for this account; retry later",
  ],
  "{} {} holds at most {} metadata keys; this would leave {}": [
    "A transaction holds at most 64 metadata keys; this would leave 65",
    "An account holds at most 64 metadata keys; this would leave 70",
  ],
  "This {} {} is already connected in this space{}.{}": [
    "This Belvo login is already connected in this space.",
    "This Bitso account is already connected in this space.",
    "This Bitso account is already connected in this space (connection con_1).",
    "This Plaid login is already connected in this space (connection con_2). It needs attention (login_required): repair it in Link's update mode (POST /v1/providers/plaid/link-token with its connectionId).",
    "This Belvo login is already connected in this space (connection con_3). It needs attention (error): disconnect it (DELETE /v1/providers/connections/con_3) before connecting again.",
  ],
  "No route for {} {}{}": ["No route for GET /v1/nowhere", "No route for GET /v1/spaces/ (did you mean /v1/spaces?)"],
  "This executor already has a live manual grant{}; check in to end it before granting again": [
    "This executor already has a live manual grant; check in to end it before granting again",
    "This executor already has a live manual grant (egr_1, until 2026-03-01T00:00:00.000Z); check in to end it before granting again",
  ],
};

/** The messages a source message stands for, each with the values that must survive its translation. */
function samplesOf(m: Message): { text: string; values: string[] }[] {
  if ("text" in m) return [{ text: m.text, values: [] }];
  const listed = SAMPLES[key(m)];
  if (listed) return listed.map((text) => ({ text, values: [] }));
  const values = m.parts.slice(1).map((_, i) => `v${i + 1}x`);
  return [{ text: m.parts.reduce((text, part, i) => text + (i > 0 ? values[i - 1] : "") + part, ""), values }];
}

const bare = (text: string) => (text.endsWith(".") ? text.slice(0, -1) : text);
/** A message that says no more than its code's standard wording (which every catalogue has), such as "This link is not valid". */
const standard = (text: string) => Object.values(en.errors).some((e) => bare(e) === text);
/** Messages in other words than their code's standard wording that say no more than it: their translation may be it. */
const SAYS_NO_MORE = new Set(["Malformed request", "Request body is too large"]);

const sites = messageSites(sources);
const catalogues: [string, Catalogue][] = [["Spanish", es], ["Portuguese", pt]];

describe("every message the code sends a client", () => {
  it("is found in the source", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(100);
    // The two the brief of this test named, and one of each kind of site.
    const keys = new Set(sites.map(key));
    for (const k of ["Reference {} is already used in this space", "Call POST /v1/auth/2fa/setup first", "Space not found", "Sync job not found", "Two transactions in this request share a reference"]) {
      expect(keys, k).toContain(k);
    }
    expect(keys.size).toBeGreaterThan(120);
  });

  it("lists samples that are what their source writes, and exemptions the source still has", () => {
    const keys = new Set(sites.map(key));
    for (const [form, texts] of Object.entries(SAMPLES)) {
      expect(keys, form).toContain(form);
      for (const text of texts) expect(fromTemplate(text, form.split("{}")), text).toBe(true);
    }
    expect(Object.keys(UNTRANSLATED).filter((form) => !keys.has(form))).toEqual([]);
  });

  it.each(catalogues)("reads whole in %s, keeping its values", (_, catalogue) => {
    const generic = new Set(Object.values(catalogue.errors));
    const missing: string[] = [];
    for (const site of sites) {
      if (Object.hasOwn(UNTRANSLATED, key(site))) continue;
      for (const { text, values } of samplesOf(site)) {
        const read = translation(catalogue, text) ?? (standard(text) ? "standard" : undefined);
        if (read === undefined || (generic.has(read) && !SAYS_NO_MORE.has(text)) || values.some((v) => !read.includes(v))) missing.push(`${site.file}: ${text} -> ${read}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(catalogues)("has no %s template that nothing writes, and each keeps its values' names", (_, catalogue) => {
    const written = sites.flatMap((s) => samplesOf(s).map((x) => x.text));
    // A batch's refusal names its transaction after any of the ledger's messages (ledger-core.ts, refusal).
    written.push("Account users:a has insufficient USD/2 funds (transaction 1 of the batch)");
    const other = catalogue === es ? pt : es;
    expect(Object.keys(catalogue.templates ?? {}).sort()).toEqual(Object.keys(other.templates ?? {}).sort());
    for (const [english, translated] of Object.entries(catalogue.templates ?? {})) {
      const names = (t: string) => [...new Set([...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
      expect(names(translated), english).toEqual(names(english));
      // Two values side by side could split either way.
      expect(english, english).not.toMatch(/\}\{/);
      expect(written.some((text) => fromTemplate(text, english.split(/\{\w+\}/))), `${english} is written by no message`).toBe(true);
    }
  });
});

describe("a message without a translation", () => {
  it("reads as the standard wording with the English after it, never the standard wording alone", () => {
    expect(localizedMessage("es", "CONFLICT", "Something new the catalogue has not met")).toBe(`${es.errors.CONFLICT} (Something new the catalogue has not met)`);
    expect(localizedMessage("pt", "PROVIDER_ERROR", "plaid: ITEM_LOGIN_REQUIRED")).toBe(`${pt.errors.PROVIDER_ERROR} (plaid: ITEM_LOGIN_REQUIRED)`);
    // English that is only the standard wording adds nothing to repeat.
    expect(localizedMessage("es", "VALIDATION_FAILED", "Validation failed for the provided data")).toBe(es.errors.VALIDATION_FAILED);
    expect(localizedMessage("pt", "TOKEN_INVALID", "This link is not valid")).toBe(pt.errors.TOKEN_INVALID);
  });

  it("puts a value back as its text, whatever it holds", () => {
    expect(localizedMessage("es", "CONFLICT", "Reference $&-$1 is already used in this space")).toBe("La referencia $&-$1 ya se usa en este espacio.");
    expect(localizedMessage("pt", "CONFLICT", "Reference constructor is already used in this space")).toBe("A referência constructor já está em uso neste espaço.");
    // A message inside another one with no translation leaves the whole to the fallback.
    expect(localizedMessage("es", "CONFLICT", "Unknown words (transaction 2 of the batch)")).toBe(`${es.errors.CONFLICT} (Unknown words (transaction 2 of the batch))`);
  });
});

describe("through the API", () => {
  it("a reused ledger reference says which, in Spanish and Portuguese", async () => {
    for (const [locale, expected] of [
      ["es", "La referencia qa-dup ya se usa en este espacio."],
      ["pt", "A referência qa-dup já está em uso neste espaço."],
    ] as const) {
      const u = await registerUser({ locale });
      const space = await createSpace(u);
      const body = { postings: [{ source: "world", destination: "users:a", amount: 1, asset: "USD/2" }], reference: "qa-dup" };
      const first = await callJson(`/v1/spaces/${space.id}/ledger/transactions`, { token: u.accessToken, ip: u.ip, body });
      expect(first.status).toBe(201);
      const again = await callJson(`/v1/spaces/${space.id}/ledger/transactions`, { token: u.accessToken, ip: u.ip, body });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: "CONFLICT", message: expected });

      // A batch's refusal names the transaction, its own message translated inside.
      const batch = await callJson(`/v1/spaces/${space.id}/ledger/transactions/batch`, {
        token: u.accessToken, ip: u.ip,
        body: { transactions: [{ postings: [{ source: "world", destination: "users:b", amount: 1, asset: "USD/2" }] }, { postings: [{ source: "users:c", destination: "users:b", amount: 5, asset: "USD/2" }] }] },
      });
      expect(batch.status).toBe(422);
      expect(batch.body.error.message).toBe(
        locale === "es"
          ? "La cuenta users:c no tiene fondos suficientes de USD/2 (transacción 1 del lote)."
          : "A conta users:c não tem saldo suficiente de USD/2 (transação 1 do lote).",
      );
    }
  });

  it("2FA enabled before its setup says to call setup first, in Spanish and Portuguese", async () => {
    for (const [locale, expected] of [
      ["es", "Primero llama a POST /v1/auth/2fa/setup."],
      ["pt", "Primeiro chame POST /v1/auth/2fa/setup."],
    ] as const) {
      const u = await registerUser({ locale });
      const res = await callJson("/v1/auth/2fa/enable", { token: u.accessToken, ip: u.ip, body: { code: "123456", password: u.password } });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: "CONFLICT", message: expected });
      // English keeps its own words.
      const english = await registerUser({ locale: "en" });
      const en = await callJson("/v1/auth/2fa/enable", { token: english.accessToken, ip: english.ip, body: { code: "123456", password: english.password } });
      expect(en.body.error.message).toBe("Call POST /v1/auth/2fa/setup first");
    }
  });
});

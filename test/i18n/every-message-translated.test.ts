/// <reference types="vite/client" />
/**
 * No error answers a Spanish or Portuguese reader with less than it tells an English one. Every message the code can
 * send a client (found in the source by message-sites.ts) has a translation in es and pt, a phrase or a template that
 * keeps its values; the few that carry someone else's words (a provider's) or a bug's (a 500) are named below and
 * read as the standard wording with the English after it. That holds for each field's detail message too (a transfer
 * to its own account, a rule of a zod schema), which the finder once missed: 56 of them answered a Spanish user
 * "Este valor no es válido. (Must differ from fromAccountId)". Through the API: a reused ledger reference and 2FA
 * enabled before its setup, which both answered only "the request conflicts with the resource's current state".
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { localizedMessage, translation, zodWording } from "../../src/lib/i18n";
import type { Catalogue } from "../../src/lib/messages/catalogue";
import { en } from "../../src/lib/messages/en";
import { es } from "../../src/lib/messages/es";
import { pt } from "../../src/lib/messages/pt";
import { callJson, createSpace, registerUser } from "../helpers";
import { detailMessageSites, fromTemplate, messageSites, type Message } from "./message-sites";

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
 * Where a detail message that is not a literal gets its text, by file and expression (a call's arguments written
 * `(…)`): each is found in turn by another of the finder's rules, or carries no message of ours.
 */
const TRACED: Record<string, string> = {
  "durable-objects/ledger-core.ts: d.message": "the ledger engine's details (ledger/engine.ts), found where they are written",
  "src/lib/dates.ts: dateProblem(…)": "what dateProblem returns (DETAIL_FUNCTIONS)",
  "src/lib/amount-schema.ts: notDecimalText(…)": "what notDecimalText returns (DETAIL_FUNCTIONS)",
  "src/lib/explained.ts: problem(…)": "the problem function of each explained(...) call",
  "src/lib/openapi-complete.ts: { type: \"string\" }": "the error envelope's schema, no message",
  "src/lib/openapi.ts: z.string(…)": "the error envelope's schema, no message",
  "src/middleware/errors.ts: issue.message":
    "zod's issues: a schema's own messages are found where they are written; zod's generic wording reads in each catalogue's `zod` words (tested below)",
  "src/modules/accounts/service.ts: parsed.reason": "a failed parse's reason, { ok: false, reason } (lib/money.ts)",
  "src/modules/projections/service.ts: parsed.reason": "a failed parse's reason, { ok: false, reason } (lib/money.ts)",
  "src/modules/transactions/postings.ts: parsed.reason": "a failed parse's reason, { ok: false, reason } (lib/money.ts)",
  "src/modules/transactions/postings.ts: qty.reason": "a failed parse's reason, { ok: false, reason } (lib/money.ts)",
  "src/modules/transactions/postings.ts: price.reason": "a failed parse's reason, { ok: false, reason } (lib/money.ts)",
  "src/modules/transactions/postings.ts: fees.reason": "a failed parse's reason, { ok: false, reason } (lib/money.ts)",
  "src/modules/defi/service.ts: checked.reason": "a failed address check's reason, { ok: false, reason } (defi/address.ts)",
  "src/modules/budgets/rules.ts: message": "refuse's own parameter: its call sites are read (DETAIL_CALLS)",
  "src/modules/categories/service.ts: e.message": "a RegexSyntaxError's message (DETAIL_CALLS)",
  "src/modules/ledger/schemas.ts: e.message": "an AddressFilterError's message (DETAIL_CALLS)",
  "src/modules/ledger/service.ts: e.message": "an AddressFilterError's message (DETAIL_CALLS)",
  "src/modules/webhooks/service.ts: webhookUrlProblem(…)": "what webhookUrlProblem returns (DETAIL_FUNCTIONS)",
  "src/modules/webhooks/url-policy.ts: blockedHost(…)": "what blockedHost returns (DETAIL_FUNCTIONS)",
  "src/modules/webhooks/url-policy.ts: blockedIpv4(…)": "what blockedIpv4 returns (DETAIL_FUNCTIONS)",
  "src/modules/webhooks/url-policy.ts: blockedIpv6(…)": "what blockedIpv6 returns (DETAIL_FUNCTIONS)",
  "src/modules/webhooks/url-policy.ts: carried(…)": "blockedIpv6's own helper, whose return its body holds",
  "src/providers/errors.ts: e.message": "a provider's own words, as the top-level `{}: {}` is",
};

/** An indirect detail message as TRACED names it. */
const tracedKey = (x: { file: string; expr: string }) => `${x.file.replace(/^(\.\.\/)+/, "")}: ${x.expr.replace(/\(.*\)$/s, "(…)")}`;

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
    "This Belvo login is already connected in this space (connection con_3). It needs attention (error): repair it with the new password (POST /v1/providers/belvo/repair with its connectionId).",
    "This Bitso login is already connected in this space (connection con_4). It needs attention (error): disconnect it (DELETE /v1/providers/connections/con_4) before connecting again.",
  ],
  "No route for {} {}{}": ["No route for GET /v1/nowhere", "No route for GET /v1/spaces/ (did you mean /v1/spaces?)"],
  "This executor already has a live manual grant{}; check in to end it before granting again": [
    "This executor already has a live manual grant; check in to end it before granting again",
    "This executor already has a live manual grant (egr_1, until 2026-03-01T00:00:00.000Z); check in to end it before granting again",
  ],
  // Detail messages.
  "Must be in the years {} to {}{}": ["Must be in the years 1800 to 2999", "Must be in the years 1800 to 2999 in every time zone"],
  "At most {} decimal places are allowed for this currency": [0, 1, 2, 3, 8].map((n) => `At most ${n} decimal places are allowed for this currency`),
  "amount_between: {}": [
    "amount_between: Must be a decimal number such as 12.34",
    "amount_between: At most 8 decimal places are allowed for this currency",
    "amount_between: Amount is too large",
    "amount_between: Must be a finite number",
  ],
  "Must be {}": ["Must be positive (income)", "Must be negative (an expense)"],
  "A {} must be negative": ["A expense must be negative", "A fee must be negative"],
  "Must be one of: {}": [
    "Must be one of: salary, bonus",
    "Must be one of: (none for this type)",
    "Must be one of: merchant_contains, description_contains, merchant_equals, amount_between, account_is, regex",
  ],
  'This space already has {} "{}" there ({})': [
    'This space already has an expense category "Food" there (cat_1)',
    'This space already has an income category "Salary (net)" there (cat_2)',
    'This space already has a transfer category "Moves" there (cat_3)',
  ],
  "Parent is {}": ["Parent is an income category", "Parent is an expense category", "Parent is a transfer category"],
  'Must be {}, as the one deleted is: "{}" is {}': [
    'Must be an expense category, as the one deleted is: "Salary" is an income category',
    'Must be a transfer category, as the one deleted is: "Rent" is an expense category',
    'Must be an income category, as the one deleted is: "Moves" is a transfer category',
  ],
  'Budgets track spending: "{}" is {}, not an expense category': [
    'Budgets track spending: "Salary" is an income category, not an expense category',
    'Budgets track spending: "Moves" is a transfer category, not an expense category',
  ],
  "This range has {} {} points; the limit is {}": [
    "This range has 401 day points; the limit is 400",
    "This range has 402 week points; the limit is 400",
    "This range has 433 month points; the limit is 400",
  ],
  "A {} of these terms moves {} {} of cash; omit amount or send \"{}\"": [
    'A buy of these terms moves -1500.00 USD of cash; omit amount or send "-1500.00"',
    'A sell of these terms moves 1500.00 USD of cash; omit amount or send "1500.00"',
  ],
  "The life events' {} {} come to {}, beyond {} in magnitude": [
    "The life events' amounts in year 3 come to 20000000000000.00, beyond 10000000000000.00 in magnitude",
    "The life events' income changes up to year 4 come to -20000000000000.00, beyond 10000000000000.00 in magnitude",
  ],
  "The space's {} ({}) is beyond what a projection takes (at most {} in magnitude): give {} (POST /v1/projections)": [
    "The space's net worth (20000000000000.00) is beyond what a projection takes (at most 10000000000000.00 in magnitude): give startingNetWorth (POST /v1/projections)",
    "The space's income over the last 12 months (20000000000000.00) is beyond what a projection takes (at most 10000000000000.00 in magnitude): give annualIncome (POST /v1/projections)",
    "The space's expenses over the last 12 months (20000000000000.00) is beyond what a projection takes (at most 10000000000000.00 in magnitude): give annualExpenses (POST /v1/projections)",
  ],
  "{}'s {} in year {} reaches about {}, beyond {} in magnitude, past which figures cannot be exact to the minor unit: lower the amounts, portfolioReturn, portfolioVolatility, incomeGrowthRate or years": [
    "median", "10th percentile", "90th percentile", "mean", "income", "expenses", "savings",
  ].flatMap((what) => [
    `The projection's ${what} in year 40 reaches about 90100000000000, beyond 90071992547409.91 in magnitude, past which figures cannot be exact to the minor unit: lower the amounts, portfolioReturn, portfolioVolatility, incomeGrowthRate or years`,
    `Scenario "Early (retirement)" (prj_1) with seed 42's ${what} in year 12 reaches about -120000000000000, beyond 90071992547409.91 in magnitude, past which figures cannot be exact to the minor unit: lower the amounts, portfolioReturn, portfolioVolatility, incomeGrowthRate or years`,
  ]),
  "{} is in {}.{}.{}.{}/{}, which is not a public address": ["10.1.2.3 is in 10.0.0.0/8, which is not a public address"],
  "the IPv4 address it carries: {}": ["the IPv4 address it carries: 127.0.0.1 is in 127.0.0.0/8, which is not a public address"],
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
const SAYS_NO_MORE = new Set(["Malformed request", "Request body is too large", "Required", "Unknown field: this request does not accept it"]);

const details = detailMessageSites(sources);
const sites = [...messageSites(sources), ...details.messages];
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

  it("is found in the source when it is a field's detail, in each of the ways one is written", () => {
    const keys = new Set(details.messages.map(key));
    for (const k of [
      // A detail object given to validationFailed: the three the QA sweep quoted.
      "Must differ from fromAccountId",
      "Give scenarioIds, or a spaceId to compare its latest saved scenarios",
      "Must be in the future and within 365 days",
      "No executor is configured; name one",
      // A detail object with values, one of a ledger Durable Object's refusal, one built with a spread.
      "The accounts hold {} and {}: send toAmount, the {} that arrived",
      "An earlier transaction of this request has this reference",
      "Would take the account below zero, which it may not go",
      // A helper's argument, an error class's message, a failed parse's reason, a function's return.
      "Category listed twice with different allocations",
      "Pattern is empty",
      "Segments must not be empty",
      "Must be a decimal number such as 12.34",
      "EIP-55 checksum does not match (check the letter case)",
      "URL must use https",
      "Must be a date YYYY-MM-DD, such as 2024-01-31",
      // zod: a check's options, its message alone, an issue added by hand, explained's problem.
      "Digits, spaces or dashes",
      "An E.164 phone number, e.g. +14155550123",
      "Must not be before {}",
      "Must be 1 (yearly steps) or 12 (monthly steps)",
    ]) {
      expect(keys, k).toContain(k);
    }
    expect(keys.size).toBeGreaterThan(190);
    // zod 4's `error` function (a rule's condition that none of the forms fit).
    expect(details.messages.filter((m) => m.file.endsWith("categories/schemas.ts")).map(key)).toContain("Must be one of: {}");
  });

  it("is traced to where its text is written when a detail's message is not a literal", () => {
    const found = new Set(details.indirect.map(tracedKey));
    expect([...found].filter((k) => !Object.hasOwn(TRACED, k))).toEqual([]);
    expect(Object.keys(TRACED).filter((k) => !found.has(k))).toEqual([]);
  });

  it("is found when it is one of the sentences of a message joined in the reader's language", () => {
    // A refused body's faults (middleware/exact-numbers.ts), each a sentence of its own.
    const keys = new Set(sites.map(key));
    for (const k of ["A number in the request cannot be represented exactly", "The request repeats a key in one object"]) expect(keys, k).toContain(k);
    // Each element of the list, whatever decides whether it is there; nothing inside a call or another bracket.
    const found = messageSites({
      "n.ts": 'throw validationFailedBecause(details,\n  // joined in the reader\'s language\n  [a.length > 0 && "Brand new sentence one", b ? `Brand new sentence ${n}` : false, f("not a sentence")]);',
    });
    expect(found.map(key).sort()).toEqual(["Brand new sentence one", "Brand new sentence {}"]);
    for (const [, catalogue] of catalogues) expect(translation(catalogue, "Brand new sentence one")).toBeUndefined();
  });

  it("is found by a finder that misses no new detail", () => {
    // Each way a detail is written, in a file of its own, with English no catalogue has met.
    const found = detailMessageSites({
      "a.ts": 'throw validationFailed([{ field: "x", message: "Brand new rule one", code: "X" }]);',
      "b.ts": "details.push({ field, message: `Brand new rule two: ${n} left`, code: \"X\" });",
      "c.ts": 'z.string().regex(/^a$/, { message: "Brand new rule three" }).refine((s) => s, "Brand new rule four");',
      "d.ts": 'const refuse = (field: string, message: string, code: string) => validationFailed([{ field, message, code }]);\nthrow refuse("x", "Brand new rule five", "X");',
      "e.ts": 'if (bad) return { ok: false, reason: ok ? "Brand new rule six" : other.reason };',
      "f.ts": 'throw new ApiError(422, "VALIDATION_FAILED", "Top", [{ field: "y", message: problemOf(y), code: "Y" }]);',
    });
    expect(found.messages.map(key).sort()).toEqual(["Brand new rule five", "Brand new rule four", "Brand new rule one", "Brand new rule six", "Brand new rule three", "Brand new rule two: {} left"]);
    expect(found.indirect.map(tracedKey).sort()).toEqual(["d.ts: message", "e.ts: other.reason", "f.ts: problemOf(…)"]);
    for (const [, catalogue] of catalogues) expect(translation(catalogue, "Brand new rule one")).toBeUndefined();
  });

  it("is found by a finder that misses no new detail given to zod 4's checks alone or pushed as an issue", () => {
    const found = detailMessageSites({
      // Checks given their message alone.
      "k.ts": [
        'z.number().int("Zod rule seven").positive("Zod rule eight").nonnegative("Zod rule nine");',
        'z.number().negative("Zod rule ten").gt(0, "Zod rule eleven").gte(1, "Zod rule twelve");',
        'z.number().lt(9, "Zod rule thirteen").lte(8, "Zod rule fourteen").multipleOf(5, "Zod rule fifteen");',
        'z.array(z.string()).nonempty("Zod rule sixteen");',
        'z.string().startsWith("0x", "Zod rule seventeen").endsWith("!", "Zod rule eighteen").includes("@", "Zod rule nineteen");',
      ].join("\n"),
      // An issue added by hand, with zod 4's `input` and with the fields of a built-in issue.
      "l.ts": 'ctx.issues.push({ code: "custom", message: "Zod rule twenty", input: ctx.value });\nctx.issues.push({ code: "too_small", origin: "number", minimum: 1, inclusive: true, message: `Zod rule ${k} of twenty-one`, input });',
      // None of these is a message: string methods of the same names.
      "m.ts": 'if (s.startsWith("-") || s.includes("#", 2) || s.endsWith("]")) return;',
    });
    expect(found.messages.map(key).sort()).toEqual([
      "Zod rule eight", "Zod rule eighteen", "Zod rule eleven", "Zod rule fifteen", "Zod rule fourteen", "Zod rule nine", "Zod rule nineteen",
      "Zod rule seven", "Zod rule seventeen", "Zod rule sixteen", "Zod rule ten", "Zod rule thirteen", "Zod rule twelve", "Zod rule twenty",
      "Zod rule {} of twenty-one",
    ]);
    expect(found.indirect).toEqual([]);
    for (const [, catalogue] of catalogues) expect(translation(catalogue, "Zod rule seven")).toBeUndefined();
  });

  it("is found by a finder that misses no new detail given as zod 4's error, a string or a function", () => {
    const found = detailMessageSites({
      // `error`, zod 4's name for a check's message: a string, a function's returns, a function named.
      "g.ts": 'z.string().min(1, { error: "Zod rule one" }).max(9, { error: `Zod rule two: at most ${n}` });',
      "h.ts": 'z.union([A, B], { error: (issue) => (issue.code === "invalid_union" ? "Zod rule three" : undefined) });',
      "i.ts": 'z.number({ error: (iss) => { if (iss.input === undefined) return "Zod rule four"; const big = iss.code === "too_big" ? "Zod rule twenty-two" : undefined; return big ?? { message: "Zod rule five" }; } });',
      "j.ts": 'function amountError(issue) {\n  return issue.code === "too_big" ? "Zod rule six" : undefined;\n}\nconst Amount = z.number().refine((n) => n > 0, { error: amountError, abort: true });',
      "l.ts": 'ctx.issues.push({ code: "custom", error: "Zod rule twenty-three", input });',
      // None of these is a message: a row's error, a response's envelope, a shape's field.
      "m.ts": [
        "const row = { status: \"failed\", error: String(err) };",
        "const logged = err instanceof Error ? { error: err.name } : { error: String(err) };",
        "return { ok: false, error: row.error };",
        'return c.json({ error: { code: err.code, message, details } }, 400);',
        "const Job = z.object({ error: z.string().nullable() });",
      ].join("\n"),
    });
    expect(found.messages.map(key).sort()).toEqual([
      "Zod rule five", "Zod rule four", "Zod rule one", "Zod rule six", "Zod rule three", "Zod rule twenty-three", "Zod rule twenty-two", "Zod rule two: at most {}",
    ]);
    expect(found.indirect).toEqual([]);
    for (const [, catalogue] of catalogues) expect(translation(catalogue, "Zod rule one")).toBeUndefined();
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
    // A translation that is only an error's or a detail's standard wording says less than the English.
    const generic = new Set([...Object.values(catalogue.errors), ...Object.values(catalogue.details)]);
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

describe("zod's generic wording (a rule whose schema gives no message of its own)", () => {
  // What zod itself writes for each kind of rule, from real schemas: a reworded zod shows here first.
  const issue = (schema: z.ZodType, input: unknown) => schema.safeParse(input).error!.issues[0]!.message;
  const written: [string, string[]][] = [
    [issue(z.object({ name: z.string() }), {}), []],
    [issue(z.string(), 5), ["string", "number"]],
    [issue(z.literal("day"), "week"), ['"day"']],
    [issue(z.enum(["day", "week", "month"]), "year"), ['"day"|"week"|"month"']],
    [issue(z.discriminatedUnion("kind", [z.object({ kind: z.literal("a") }), z.object({ kind: z.literal("b") })]), { kind: "c" }), ["'a' | 'b'"]],
    [issue(z.union([z.string(), z.number()]), true), []],
    [issue(z.string().max(500), "x".repeat(501)), ["500"]],
    [issue(z.string().length(24), "x"), ["24"]],
    [issue(z.string().length(24), "x".repeat(30)), ["24"]],
    [issue(z.string().min(1), ""), []],
    [issue(z.string().min(8), "x"), ["8"]],
    [issue(z.array(z.string()).max(50), Array(51).fill("x")), ["50"]],
    [issue(z.array(z.string()).min(1), []), []],
    [issue(z.array(z.string()).min(2), ["x"]), ["2"]],
    [issue(z.array(z.string()).length(3), ["x"]), ["3"]],
    [issue(z.array(z.string()).length(3), ["x", "x", "x", "x"]), ["3"]],
    [issue(z.number().max(100), 101), ["100"]],
    [issue(z.number().lt(100), 100), ["100"]],
    [issue(z.number().min(0), -1), ["0"]],
    [issue(z.number().positive(), 0), ["0"]],
    [issue(z.number().multipleOf(5), 7), ["5"]],
    [issue(z.string().regex(/^rec_[0-9a-f]{24}$/), "rec_1"), ["/^rec_[0-9a-f]{24}$/"]],
    [issue(z.string().startsWith("0x"), "ab"), ['"0x"']],
    [issue(z.string().endsWith("!"), "ab"), ['"!"']],
    [issue(z.string().includes("@"), "ab"), ['"@"']],
    [issue(z.email(), "nope"), []],
    [issue(z.url(), "nope"), []],
    [issue(z.uuid(), "nope"), []],
    [issue(z.iso.datetime(), "nope"), []],
    [issue(z.iso.date(), "nope"), []],
    [issue(z.iso.time(), "nope"), []],
    [issue(z.iso.duration(), "nope"), []],
    [issue(z.ipv4(), "nope"), []],
    [issue(z.ipv6(), "nope"), []],
  ];

  it("is what zod writes for the QA sweep's four", () => {
    const texts = written.map(([text]) => text);
    for (const text of [
      'Invalid option: expected one of "day"|"week"|"month"',
      "Too big: expected string to have <=500 characters",
      "Invalid input: expected string, received undefined",
      "Invalid string: must match pattern /^rec_[0-9a-f]{24}$/",
    ]) expect(texts).toContain(text);
  });

  it.each(catalogues)("reads in %s with no English word of zod's, keeping its values", (_, catalogue) => {
    for (const [text, values] of written) {
      const read = zodWording(catalogue, text);
      expect(read, text).toBeDefined();
      expect(read!, text).not.toMatch(/\b(Invalid|Too|expected|received|must|characters|items|one of)\b/);
      for (const v of values) expect(read!, text).toContain(v);
    }
    // A required field says only that, the QA sweep's "Este campo es obligatorio. (Invalid input: ...)" without its bracket.
    expect(zodWording(catalogue, "Invalid input: expected string, received undefined")).toBe(catalogue.details.REQUIRED);
  });

  it.each(catalogues)("has no %s wording zod does not write, and each keeps its values' names", (_, catalogue) => {
    const other = catalogue === es ? pt : es;
    expect(Object.keys(catalogue.zod ?? {}).sort()).toEqual(Object.keys(other.zod ?? {}).sort());
    for (const english of Object.keys(catalogue.zod ?? {})) {
      expect(written.some(([text]) => text === english || fromTemplate(text, english.split(/\{\w+\}/))), `${english} is written by no rule`).toBe(true);
    }
  });
});

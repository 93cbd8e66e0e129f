/**
 * Brazilian Portuguese: a user whose locale is `pt` or `pt-BR` (or, before sign-in, a request with
 * `Accept-Language: pt-BR`) reads error messages, system category names and Life Beat and household
 * emails in Portuguese, with dates written the Brazilian way; codes and field names stay the same.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { languageFromHeader, localeOf } from "../../src/lib/i18n";
import { en } from "../../src/lib/messages/en";
import { es } from "../../src/lib/messages/es";
import { pt } from "../../src/lib/messages/pt";
import { callJson, createSpace, nextIp, registerUser } from "../helpers";
import { as, configure, cron, DAY, emailsTo, householdWorld, sim } from "../lifebeat/helpers";

afterEach(() => vi.useRealTimers());

const MESES = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"];
/** A UTC day as a Brazilian reader writes it: "17 de março de 2031". */
const dia = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCDate()} de ${MESES[d.getUTCMonth()]} de ${d.getUTCFullYear()}`;
};
/** Its UTC time of day as a deadline is written, to the minute: "às 13:05", "à 01:05" (one o'clock is singular). */
const hora = (ms: number) => {
  const t = new Date(ms).toISOString().slice(11, 16);
  return `${t.startsWith("01:") ? "à" : "às"} ${t}`;
};

describe("the Portuguese catalogue", () => {
  it("gives every error code and detail code its own message, and translates every phrase Spanish does", () => {
    expect(Object.keys(pt.errors).sort()).toEqual(Object.keys(en.errors).sort());
    expect(Object.keys(pt.details).sort()).toEqual(Object.keys(en.details).sort());
    for (const [code, message] of Object.entries(pt.errors)) {
      expect(message.length, code).toBeGreaterThan(5);
      expect(message, code).not.toBe(en.errors[code as keyof typeof en.errors]);
      expect(message, code).not.toBe(es.errors[code as keyof typeof es.errors]);
    }
    expect(Object.keys(pt.phrases ?? {}).sort()).toEqual(Object.keys(es.phrases ?? {}).sort());
    expect(pt.phrases!["At most 1 decimal places are allowed for this currency"]).toBe("Esta moeda admite no máximo 1 casa decimal.");
    expect(pt.phrases!["At most 2 decimal places are allowed for this currency"]).toBe("Esta moeda admite no máximo 2 casas decimais.");
  });

  it("is chosen by pt and pt-BR (any pt-*), as es-* chooses Spanish; anything else is English", () => {
    expect(languageFromHeader("pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7")).toBe("pt");
    expect(languageFromHeader("en;q=0.5, pt;q=0.9")).toBe("pt");
    expect(languageFromHeader("pt-PT")).toBe("pt");
    expect(languageFromHeader("es-MX,es;q=0.9,pt;q=0.8")).toBe("es");
    expect(languageFromHeader("pt-BR;q=0, fr")).toBeUndefined();
    expect(localeOf("pt")).toBe("pt");
    expect(localeOf("pt-BR")).toBe("pt");
    expect(localeOf("es-AR")).toBe("es");
    expect(localeOf("fr")).toBe("en");
    expect(localeOf(undefined)).toBe("en");
  });
});

describe("errors in Portuguese", () => {
  it("follow the user's locale (pt-BR, stored as pt), keeping codes and field names", async () => {
    const u = await registerUser({ locale: "pt-BR" });
    const me = await callJson("/v1/auth/me", { token: u.accessToken, ip: u.ip });
    expect(me.body.locale).toBe("pt");

    const bad = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "", type: "nope", currency: "BRL" } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "VALIDATION_FAILED", message: "Os dados enviados não são válidos." });
    const byField = Object.fromEntries(bad.body.error.details.map((d: any) => [d.field, d]));
    expect(byField.name).toMatchObject({ code: "TOO_SMALL", message: "Não pode estar vazio." });
    expect(byField.type).toMatchObject({ code: "INVALID_VALUE", message: 'Deve ser um destes valores: "personal"|"business".' });
    const zone = await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip, body: { name: "Casa", type: "personal", currency: "BRL", timezone: "-03:00" } });
    expect(zone.body.error.details).toEqual([expect.objectContaining({ field: "timezone", message: "Deve ser um fuso horário IANA, como America/Sao_Paulo." })]);

    const missing = await callJson("/v1/budgets/bud_missing", { token: u.accessToken, ip: u.ip });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "RESOURCE_NOT_FOUND", message: "Orçamento não encontrado." });
    const problem = await callJson("/v1/budgets/bud_missing", { token: u.accessToken, ip: u.ip, headers: { accept: "application/problem+json" } });
    expect(problem.body).toMatchObject({ code: "RESOURCE_NOT_FOUND", detail: "Orçamento não encontrado." });

    // A refreshed token keeps the language; the user's locale wins over the request's Accept-Language.
    const refreshed = await callJson("/v1/auth/refresh", { ip: u.ip, body: { refreshToken: u.refreshToken } });
    expect(refreshed.status).toBe(200);
    const again = await callJson("/v1/budgets/bud_missing", { token: refreshed.body.tokens.accessToken, ip: u.ip, headers: { "accept-language": "es-MX" } });
    expect(again.body.error.message).toBe("Orçamento não encontrado.");

    // `pt` alone is accepted too.
    const short = await registerUser({ locale: "pt" });
    const shortMissing = await callJson("/v1/budgets/bud_missing", { token: short.accessToken, ip: short.ip });
    expect(shortMissing.body.error.message).toBe("Orçamento não encontrado.");
  });

  it("follow Accept-Language: pt-BR before sign-in", async () => {
    const ip = nextIp();
    const login = await callJson("/v1/auth/login", { ip, body: { email: "ninguem@example.com", password: "x".repeat(12) }, headers: { "accept-language": "pt-BR,pt;q=0.9,en;q=0.8" } });
    expect(login.status).toBe(401);
    expect(login.body.error).toMatchObject({ code: "UNAUTHORIZED", message: "E-mail ou senha incorretos." });
    const tokenless = await callJson("/v1/budgets/bud_missing", { ip, headers: { "accept-language": "pt-BR" } });
    expect(tokenless.body.error).toMatchObject({ code: "UNAUTHORIZED", message: "Falta o token de autenticação: envie Authorization: Bearer <accessToken>, o que POST /v1/auth/login devolve." });
    const register = await callJson("/v1/auth/register", { ip: nextIp(), body: { name: "Ana", email: "nao-e-email", password: "correct horse battery", locale: "pt-BR" }, headers: { "accept-language": "pt-BR" } });
    expect(register.status).toBe(422);
    expect(register.body.error.details).toEqual([expect.objectContaining({ field: "email", code: "INVALID_EMAIL", message: "Deve ser um endereço de e-mail válido." })]);
  });
});

describe("Portuguese beyond errors", () => {
  it("names a new space's system categories in Portuguese", async () => {
    const u = await registerUser({ locale: "pt-BR" });
    const space = await createSpace(u, { currency: "BRL" });
    const { status, body } = await callJson(`/v1/categories?spaceId=${space.id}`, { token: u.accessToken, ip: u.ip });
    expect(status).toBe(200);
    const names: string[] = (body.categories ?? body).map((c: any) => c.name);
    expect(names).toEqual(expect.arrayContaining(["Alimentação", "Supermercado", "Moradia", "Salário", "Transferências"]));
  });

  it("writes a household invitation in Portuguese, with its expiry as a Brazilian date", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const owner = await registerUser({ name: "João", locale: "pt-BR" });
    const space = await createSpace(owner, { currency: "BRL" });
    const hh = await callJson("/v1/households", { ...as(owner), body: { name: "Família Silva", spaceIds: [space.id] } });
    expect(hh.status).toBe(201);
    const email = `convidada-${crypto.randomUUID().slice(0, 6)}@example.org`;
    const inv = await callJson(`/v1/households/${hh.body.id}/members`, { ...as(owner), body: { email, relationship: "spouse", role: "member", name: "Maria" } });
    expect(inv.status).toBe(201);
    const [mail] = await emailsTo(email);
    expect(mail!.subject).toBe("Você recebeu um convite para um grupo familiar no Dhanam");
    expect(mail!.body).toContain("“João”, que se cadastrou no Dhanam como");
    expect(mail!.body).toContain("convidou você para participar do grupo familiar “Família Silva” como membro.");
    expect(mail!.body).toContain(`O convite vence em ${dia(t0 + 7 * DAY)} ${hora(t0 + 7 * DAY)} (UTC) e só pode ser usado uma vez.`);
  });

  it("sends a Life Beat notice in Portuguese, dated the Brazilian way", async () => {
    const t0 = Date.now();
    sim.set(t0);
    const w = await householdWorld({ locale: "pt-BR" });
    await configure(w, { enabled: true, checkInInterval: "weekly", escalationDays: [30, 60], executorId: w.executorId, notificationChannels: ["email"] });
    const t1 = t0 + 37 * DAY;
    sim.set(t1);
    await cron(t1);
    const mails = await emailsTo(w.owner.email);
    expect(mails.map((m) => m.subject)).toEqual(["Life Beat: confirme que está tudo bem (aviso 1 de 2)"]);
    expect(mails[0]!.body).toContain(`Você não faz check-in no Dhanam desde ${dia(t0)} (UTC). Abra o app ou faça check-in para reiniciar o Life Beat.`);
    expect(mails[0]!.body).toContain(`Se não tivermos notícias suas, seu testamenteiro receberá acesso somente leitura em ${dia(t0 + 67 * DAY)} ${hora(t0 + 67 * DAY)} (UTC).`);
  });
});

describe("the locale a user registers with", () => {
  it("is any tag of a supported language, as Accept-Language takes it, stored as the language's code", async () => {
    const stored: Record<string, unknown> = {};
    for (const locale of ["es-MX", "es-419", "pt_BR", "pt-br", "PT-PT", "en-GB", "fr", "x".repeat(40)]) {
      const email = `tag-${crypto.randomUUID()}@example.com`;
      const r = await callJson("/v1/auth/register", { ip: nextIp(), body: { name: "Ana", email, password: "correct horse battery", locale } });
      stored[locale.slice(0, 8)] = r.status === 201 ? (await callJson("/v1/auth/me", { token: r.body.tokens.accessToken, ip: nextIp() })).body.locale : [r.status, r.body.error.details[0].field];
    }
    expect(stored).toEqual({ "es-MX": "es", "es-419": "es", pt_BR: "pt", "pt-br": "pt", "PT-PT": "pt", "en-GB": "en", fr: [422, "locale"], xxxxxxxx: [422, "locale"] });
  });
});

/**
 * The notes of analytics answers (and of a rate, and of a projection's defaults) are in the reader's language, as the
 * rest of those answers are: they were English whatever the request's (QA 13-6 left them so). One space, read by an
 * owner in Spanish, a member in Portuguese and a viewer in English (each also sending Accept-Language for it: the
 * account's language is the one that counts), holds every kind of note:
 *
 *   USD Checking 20,000.00, MXN Banamex 1,725.00 and EUR Sparkasse 2,345.67, all from day −60; manual USD/MXN rates
 *   on days −32 and −3 only (a day between takes the earlier one: a fallback note); no EUR rate at all (missing-rate
 *   notes, and the change leaves EUR out); a brokerage's 2 PRIVCO units bought yesterday (no market price); a house
 *   entered today (first valued in the period); a USD budget "Comida" whose category has a 45.67 EUR expense today
 *   (the budget's own missing rate, which the dashboard repeats); 24 groceries and a 12,000.00 car (a one-off the
 *   forecast sets aside), and an MXN expense (the forecast converts future amounts at today's rate).
 *
 * Figures in Spanish and Portuguese prose take es-MX's and pt-BR's decimal marks, ungrouped (12000.00 and 12000,00: a
 * group mark is another reader's decimal mark);
 * English keeps the answers' plain decimals.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, awayFromMidnight, callJson, registerUser, type TestUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { createAsset } from "../assets/helpers";
import { api, localDays, ok } from "../analytics/fixture";

// The days this file takes are the zone's: not across its midnight (helpers.ts).
await awayFromMidnight("UTC");

const { today, day } = localDays("UTC");
const SHOPS = ["Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett", "Kilo", "Lima", "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo", "Sierra", "Tango", "Uniform", "Victor", "Whiskey", "Xray"];

let es: TestUser;
let pt: TestUser;
let en: TestUser;
let spaceId: string;

/** A GET as `u`, asking for its language in Accept-Language too. */
const read = (u: TestUser, lang: string, path: string) => callJson(path, { token: u.accessToken, ip: u.ip, headers: { "accept-language": lang } });
const readOk = async (u: TestUser, lang: string, path: string) => {
  const r = await read(u, lang, path);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const asEs = (path: string) => readOk(es, "es-MX", path);
const asPt = (path: string) => readOk(pt, "pt-BR", path);
const asEn = (path: string) => readOk(en, "en-US", path);

/** The same notes, none of them the English one: each said in the other language (the figures and names are the same). */
function translated(notes: string[], english: string[]) {
  expect(notes).toHaveLength(english.length);
  for (const n of notes) expect(english, n).not.toContain(n);
}

beforeAll(async () => {
  // Provider rates another file may have stored must not stand in for the missing ones here.
  await env.DB.prepare("DELETE FROM exchange_rates").run();
  [es, pt, en] = await Promise.all([registerUser({ locale: "es" }), registerUser({ locale: "pt" }), registerUser({ locale: "en" })]);
  const a = api(es);
  spaceId = (await ok(a.post("/v1/spaces", { name: "Casa", type: "personal", currency: "USD", timezone: "UTC" }))).id;
  await addMember(es, spaceId, pt, "member");
  await addMember(es, spaceId, en, "viewer");
  const checking = await createAccount(es, spaceId, { name: "Checking", openingBalance: "20000.00", openingBalanceDate: day(-60) });
  const card = await createAccount(es, spaceId, { name: "Card", type: "credit_card" });
  const banamex = await createAccount(es, spaceId, { name: "Banamex", currency: "MXN", openingBalance: "1725.00", openingBalanceDate: day(-60) });
  const sparkasse = await createAccount(es, spaceId, { name: "Sparkasse", currency: "EUR", openingBalance: "2345.67", openingBalanceDate: day(-60) });
  const brokerage = await createAccount(es, spaceId, { name: "Brokerage", type: "brokerage", openingBalance: "1000.00", openingBalanceDate: day(-60) });
  await ok(a.put(`/v1/spaces/${spaceId}/rates`, { rates: [
    { base: "USD", quote: "MXN", date: day(-32), rate: "17.00" },
    { base: "USD", quote: "MXN", date: day(-3), rate: "17.50" },
  ] }));
  const food = (await ok(a.post("/v1/categories", { spaceId, name: "Comida", type: "expense" }))).id;
  await ok(a.post("/v1/budgets", { spaceId, name: "Comida", amount: "500.00", period: "monthly", categoryIds: [food] }));
  await ok(a.post("/v1/transactions", { spaceId, accountId: sparkasse.id, amount: "-45.67", date: today, description: "Supermarkt", categoryId: food }));
  await ok(a.post("/v1/transactions", { spaceId, accountId: banamex.id, amount: "-345.50", date: day(-5), description: "Mercado" }));
  for (const [i, name] of SHOPS.entries()) {
    await ok(a.post("/v1/transactions", { spaceId, accountId: card.id, amount: `-${60 + ((i * 13) % 50)}.00`, date: day(-2 - ((i * 37) % 85)), description: `Tienda ${name}` }));
  }
  await ok(a.post("/v1/transactions", { spaceId, accountId: checking.id, amount: "-12000.00", date: day(-30), description: "Toyota Dealer" }));
  await ok(a.post("/v1/transactions", { spaceId, accountId: brokerage.id, description: "A private company", date: day(-1), trade: { symbol: "PRIVCO", side: "buy", quantity: "2", unitPrice: "100", fees: "0" } }));
  await createAsset(es, spaceId, { name: "Casa", value: "500000.00" });
}, 120_000);

describe("the dashboard's notes", () => {
  it("are in the reader's language: the change's, the conversion's, the market prices' and a budget's missing rate", { timeout: 60_000 }, async () => {
    const path = `/v1/analytics/dashboard?spaceId=${spaceId}&period=30d`;
    const [dEs, dPt, dEn] = [await asEs(path), await asPt(path), await asEn(path)];
    // English as it was.
    expect(dEn.notes).toEqual(expect.arrayContaining([
      `The change leaves out EUR, PRIVCO on both days: no rate or price for EUR on ${day(-30)} and ${today}; for PRIVCO on ${today}`,
      `The change leaves out Casa: first valued in the period (from ${day(-29)}); a value before it is not known`,
      "No market price for PRIVCO: these holdings are listed as unconverted, not counted as 0",
      `No MXN/USD rate on ${day(-30)}: used the rate of ${day(-32)}, the nearest earlier day`,
      `Missing rate EUR/USD on ${day(-30)} (none within 31 days before): 2345.67 EUR of net worth on ${day(-30)} is not included in the USD total`,
      `Missing rate EUR/USD on ${today} (none within 31 days before): 45.67 EUR of spending of budget "Comida" is not included in the USD total`,
    ]));
    expect(dEs.notes).toEqual(expect.arrayContaining([
      `La variación deja fuera EUR, PRIVCO en ambos días: no hay tipo de cambio ni precio para EUR el ${day(-30)} y el ${today}; para PRIVCO el ${today}`,
      `La variación deja fuera Casa: valuados por primera vez en el periodo (desde el ${day(-29)}); no se conoce un valor anterior`,
      "No hay precio de mercado para PRIVCO: estas tenencias se listan como no convertidas, no se cuentan como 0",
      `No hay tipo de cambio MXN/USD el ${day(-30)}: se usó el del ${day(-32)}, el día anterior más cercano`,
      `Falta el tipo de cambio EUR/USD el ${day(-30)} (ninguno en los 31 días anteriores): 2345.67 EUR del patrimonio neto del ${day(-30)} no se incluyen en el total en USD`,
      `Falta el tipo de cambio EUR/USD el ${today} (ninguno en los 31 días anteriores): 45.67 EUR del gasto del presupuesto "Comida" no se incluyen en el total en USD`,
    ]));
    expect(dPt.notes).toEqual(expect.arrayContaining([
      `A variação deixa de fora EUR, PRIVCO nos dois dias: sem cotação nem preço para EUR em ${day(-30)} e ${today}; para PRIVCO em ${today}`,
      `A variação deixa de fora Casa: avaliados pela primeira vez no período (desde ${day(-29)}); não se conhece um valor anterior`,
      "Sem preço de mercado para PRIVCO: esses ativos aparecem como não convertidos, não contados como 0",
      `Sem cotação MXN/USD em ${day(-30)}: foi usada a de ${day(-32)}, o dia anterior mais próximo`,
      `Falta a cotação EUR/USD em ${day(-30)} (nenhuma nos 31 dias anteriores): 2345,67 EUR do patrimônio líquido em ${day(-30)} não estão incluídos no total em USD`,
      `Falta a cotação EUR/USD em ${today} (nenhuma nos 31 dias anteriores): 45,67 EUR dos gastos do orçamento "Comida" não estão incluídos no total em USD`,
    ]));
    for (const d of [dEs, dPt]) {
      translated(d.notes, dEn.notes);
      // The conversion report's notes are the same sentences, in the same language; its fields are not words to translate.
      translated(d.conversion.notes, dEn.conversion.notes);
      for (const n of d.conversion.notes) expect(d.notes).toContain(n);
      expect(d.conversion.unconverted).toEqual(dEn.conversion.unconverted);
    }
  });

  it("a budget's own are too, and its missing amount's context stays as it was", { timeout: 60_000 }, async () => {
    const path = `/v1/budgets?spaceId=${spaceId}`;
    const [[bEs], [bPt], [bEn]] = [await asEs(path), await asPt(path), await asEn(path)];
    expect(bEn.conversion.notes).toEqual([`Missing rate EUR/USD on ${today} (none within 31 days before): 45.67 EUR of spending of budget "Comida" is not included in the USD total`]);
    expect(bEs.conversion.notes).toEqual([`Falta el tipo de cambio EUR/USD el ${today} (ninguno en los 31 días anteriores): 45.67 EUR del gasto del presupuesto "Comida" no se incluyen en el total en USD`]);
    expect(bPt.conversion.notes).toEqual([`Falta a cotação EUR/USD em ${today} (nenhuma nos 31 dias anteriores): 45,67 EUR dos gastos do orçamento "Comida" não estão incluídos no total em USD`]);
    for (const b of [bEs, bPt]) expect(b.conversion.unconverted).toEqual(bEn.conversion.unconverted);
    expect(bEn.conversion.unconverted).toEqual([expect.objectContaining({ context: 'spending of budget "Comida"', currency: "EUR", amountDecimal: "45.67" })]);
  });

  it("the net-worth history's are too", { timeout: 60_000 }, async () => {
    const path = `/v1/analytics/net-worth?spaceId=${spaceId}&from=${day(-28)}&to=${today}&interval=week`;
    const [hPt, hEn] = [await asPt(path), await asEn(path)];
    translated(hPt.notes, hEn.notes);
    expect(hPt.notes).toEqual(expect.arrayContaining([
      "Sem preço de mercado para PRIVCO: esses ativos aparecem como não convertidos, não contados como 0",
      `Sem cotação MXN/USD em ${day(-28)}: foi usada a de ${day(-32)}, o dia anterior mais próximo`,
      `Falta a cotação EUR/USD em ${day(-28)} (nenhuma nos 31 dias anteriores): 2345,67 EUR do patrimônio líquido em ${day(-28)} não estão incluídos no total em USD`,
    ]));
  });
});

describe("the forecast's notes", () => {
  it("are said in each reader's language, from the one plan cached for all: asked in Spanish, then Portuguese and English", { timeout: 60_000 }, async () => {
    const path = `/v1/analytics/forecast?spaceId=${spaceId}`;
    const fEs = await asEs(path);
    const fPt = await asPt(path);
    const fEn = await asEn(path);
    expect([fEs.cache.hit, fPt.cache.hit, fEn.cache.hit]).toEqual([false, true, true]);
    expect(fEn.notes).toEqual(expect.arrayContaining([
      "Future amounts in other currencies convert at today's rate (or the nearest earlier day's)",
      `Left out of the estimate as one-off purchases, each far above the last 90 days' other spending: Toyota Dealer -12000.00 USD on ${day(-30)}`,
    ]));
    expect(fEs.notes).toEqual(expect.arrayContaining([
      "Los importes futuros en otras monedas se convierten al tipo de cambio de hoy (o al del día anterior más cercano)",
      `Fuera de la estimación, como compras únicas, cada una muy por encima del resto del gasto de los últimos 90 días: Toyota Dealer -12000.00 USD el ${day(-30)}`,
      `No hay tipo de cambio MXN/USD el ${today}: se usó el del ${day(-3)}, el día anterior más cercano`,
    ]));
    expect(fPt.notes).toEqual(expect.arrayContaining([
      "Valores futuros em outras moedas são convertidos pela cotação de hoje (ou pela do dia anterior mais próximo)",
      `Fora da estimativa, como compras avulsas, cada uma muito acima dos demais gastos dos últimos 90 dias: Toyota Dealer -12000,00 USD em ${day(-30)}`,
      `Sem cotação MXN/USD em ${today}: foi usada a de ${day(-3)}, o dia anterior mais próximo`,
    ]));
    // What the amounts without a rate were part of is said in the reader's words too.
    expect(fEs.notes.filter((n: string) => n.startsWith("Falta el tipo de cambio EUR/USD") && n.includes(" EUR del pronóstico no se incluyen en el total en USD"))).toHaveLength(1);
    expect(fPt.notes.filter((n: string) => n.startsWith("Falta a cotação EUR/USD") && n.includes(" EUR da previsão não estão incluídos no total em USD"))).toHaveLength(1);
    expect(fPt.notes).toContain(`Falta a cotação EUR/USD em ${today} (nenhuma nos 31 dias anteriores): 45,67 EUR das despesas passadas não estão incluídos no total em USD`);
    expect(fEn.notes.filter((n: string) => n.startsWith("Missing rate EUR/USD") && n.includes(" EUR of forecast is not included in the USD total"))).toHaveLength(1);
    for (const f of [fEs, fPt]) {
      translated(f.notes, fEn.notes);
      translated(f.conversion.notes, fEn.conversion.notes);
      expect(f.conversion.unconverted).toEqual(fEn.conversion.unconverted);
    }
    // And the Spanish reader, served from the cache after the others, reads Spanish again.
    const again = await asEs(path);
    expect(again.cache.hit).toBe(true);
    expect(again.notes).toEqual(fEs.notes);
    expect(again.conversion.notes).toEqual(fEs.conversion.notes);
  });
});

describe("a projection's notes from the ledger's defaults", () => {
  it("are in the reader's language, after the field they concern", { timeout: 60_000 }, async () => {
    const path = `/v1/projections?spaceId=${spaceId}&years=10&scenarios=100`;
    const [pEs, pPt, pEn] = [await asEs(path), await asPt(path), await asEn(path)];
    expect(pEn.notes).toEqual(expect.arrayContaining([
      "startingNetWorth: No market price for PRIVCO: these holdings are listed as unconverted, not counted as 0",
      `startingNetWorth: Missing rate EUR/USD on ${today} (none within 31 days before): 2300.00 EUR of net worth on ${today} is not included in the USD total`,
    ]));
    expect(pEs.notes).toEqual(expect.arrayContaining([
      "startingNetWorth: No hay precio de mercado para PRIVCO: estas tenencias se listan como no convertidas, no se cuentan como 0",
      `startingNetWorth: Falta el tipo de cambio EUR/USD el ${today} (ninguno en los 31 días anteriores): 2300.00 EUR del patrimonio neto del ${today} no se incluyen en el total en USD`,
    ]));
    expect(pPt.notes).toEqual(expect.arrayContaining([
      `startingNetWorth: Falta a cotação EUR/USD em ${today} (nenhuma nos 31 dias anteriores): 2300,00 EUR do patrimônio líquido em ${today} não estão incluídos no total em USD`,
    ]));
    expect(pEs.notes.some((n: string) => n.startsWith("annualContribution: Falta el tipo de cambio EUR/USD") && n.includes("de los gastos anuales"))).toBe(true);
    expect(pPt.notes.some((n: string) => n.startsWith("annualContribution: Falta a cotação EUR/USD") && n.includes("das despesas anuais"))).toBe(true);
    translated(pEs.notes, pEn.notes);
    translated(pPt.notes, pEn.notes);
  });
});

describe("GET /v1/rates notes", () => {
  it("are in the reader's language, the stored answer of a day asked in Spanish read again in Portuguese", async () => {
    const none = "/v1/rates?base=USD&quote=MXN&date=1990-06-15";
    expect((await asEs(none)).notes).toEqual(["No hay tipo de cambio USD/MXN el 1990-06-15 ni en los días anteriores"]);
    expect((await asPt(none)).notes).toEqual(["Sem cotação USD/MXN em 1990-06-15 nem nos dias anteriores"]);
    expect((await asEn(none)).notes).toEqual(["No USD/MXN rate on 1990-06-15 or within the days before it"]);
    // A rate of an earlier day: the day asked has none, two days before has one.
    await env.DB.prepare("INSERT INTO exchange_rates (base, quote, date, rate, source, fetched_at) VALUES ('USD', 'EUR', '1990-08-01', '0.8', 'test', 0)").run();
    const earlier = "/v1/rates?base=USD&quote=EUR&date=1990-08-03";
    expect(await asPt(earlier)).toMatchObject({ rateDate: "1990-08-01", notes: ["Sem cotação em 1990-08-03: esta é a cotação de 1990-08-01, o dia anterior mais próximo"] });
    expect(await asEs(earlier)).toMatchObject({ rateDate: "1990-08-01", notes: ["No hay tipo de cambio el 1990-08-03: este es el del 1990-08-01, el día anterior más cercano"] });
    expect(await asEn(earlier)).toMatchObject({ rateDate: "1990-08-01", notes: ["No rate on 1990-08-03: this is the rate of 1990-08-01, the nearest earlier day"] });
  });
});

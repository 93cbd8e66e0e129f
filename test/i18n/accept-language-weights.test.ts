/**
 * Accept-Language weights as RFC 9110 (12.4.2) writes them: the `q` is case-insensitive (`pt;Q=0` refuses
 * Portuguese as `pt;q=0` does), a weight above 1 is not one, and a part the 256-character cut ends in, which may
 * have lost its weight, is not read.
 */
import { expect, it } from "vitest";
import { callJson, nextIp } from "../helpers";

/** The message of a request without a token (401), in the language the header chose. */
const said = async (acceptLanguage: string) =>
  (await callJson("/v1/budgets/bud_missing", { ip: nextIp(), headers: { "accept-language": acceptLanguage } })).body.error.message as string;

const EN = "Missing bearer token: send Authorization: Bearer <accessToken>, as POST /v1/auth/login returns it";
const ES = "Falta el token de autenticación: envía Authorization: Bearer <accessToken>, el que devuelve POST /v1/auth/login.";
const PT = "Falta o token de autenticação: envie Authorization: Bearer <accessToken>, o que POST /v1/auth/login devolve.";

it("reads an upper-case Q as the weight", async () => {
  expect(await said("pt;Q=0, es")).toBe(ES);
  expect(await said("pt-BR;Q=0.2, es-MX;Q=0.9")).toBe(ES);
  expect(await said("pt;q=0, es")).toBe(ES);
});

it("does not take a weight above 1 as the strongest preference", async () => {
  expect(await said("es;q=0.9, pt;q=5")).toBe(ES);
  expect(await said("es;q=1, pt;q=1")).toBe(ES);
});

it("does not read the part the 256-character cut ends in", async () => {
  // 250 characters of languages it does not speak, then Portuguese at 0.1: cut after "pt;q", which read as weight 1.
  const filler = Array.from({ length: 50 }, () => "fr-x").join(",");
  const header = `es;q=0.5,${filler.slice(0, 256 - "es;q=0.5,".length - ",pt;q".length)},pt;q=0.1`;
  expect(header.slice(0, 256).endsWith(",pt;q")).toBe(true);
  expect(await said(header)).toBe(ES);
  expect(await said("pt-BR,pt;q=0.9,en;q=0.8")).toBe(PT);
  expect(await said("x".repeat(300))).toBe(EN);
});

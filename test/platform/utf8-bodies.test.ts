/**
 * A JSON body is UTF-8 (RFC 8259): its bytes are read strictly, never with U+FFFD put in place of what is not
 * UTF-8. A Latin-1 "García" was answered 201 and stored as "Garc\uFFFDa", with or without a declared
 * charset=iso-8859-1. Now bytes that are not UTF-8 are a 400 and another declared charset a 415, on every
 * route and method that takes a JSON body, however the body comes (chunked too), and wherever it is first read.
 */
import { describe, expect, it } from "vitest";
import { call, callJson, createSpace, nextIp, registerUser, type TestUser } from "../helpers";
import { chunked } from "../documents/helpers";
import { operations } from "../security/openapi-requests";

const utf8 = (s: string) => new TextEncoder().encode(s);
/** `{"name":"García",...}` with the í as Latin-1 writes it (one byte, 0xED), which is not UTF-8. */
const latin1Space = new Uint8Array([...utf8('{"name":"Garc'), 0xed, ...utf8('a","type":"personal","currency":"USD"}')]);

const post = (u: TestUser, path: string, body: BodyInit, contentType: string, extra: Record<string, string> = {}) =>
  callJson(path, { method: "POST", token: u.accessToken, ip: u.ip, rawBody: body, headers: { "content-type": contentType, ...extra } });

const spaceNames = async (u: TestUser) => (await callJson("/v1/spaces", { token: u.accessToken, ip: u.ip })).body.map((s: { name: string }) => s.name);

describe("JSON bodies are UTF-8", () => {
  it("refuses bytes that are not UTF-8 with 400 and stores nothing, where U+FFFD used to be stored", async () => {
    const u = await registerUser();
    for (const type of ["application/json", "application/json; charset=utf-8"]) {
      const r = await post(u, "/v1/spaces", latin1Space, type);
      expect([r.status, r.body.error.code, r.body.error.message, r.body.error.details], type).toEqual([
        400, "BAD_REQUEST", "The request body is not valid UTF-8: send JSON encoded as UTF-8 (RFC 8259)", [],
      ]);
    }
    // A truncated sequence, an overlong encoding and a UTF-16 body are refused the same way.
    for (const bytes of [[0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d], [0x7b, 0xc0, 0xaf, 0x7d], [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]]) {
      expect((await post(u, "/v1/spaces", new Uint8Array(bytes), "application/json")).status).toBe(400);
    }
    expect(await spaceNames(u)).toEqual([]);
    // The same name in UTF-8 is kept exactly.
    const ok = await post(u, "/v1/spaces", utf8('{"name":"García","type":"personal","currency":"USD"}'), "application/json");
    expect([ok.status, ok.body.name]).toEqual([201, "García"]);
  });

  it("refuses a declared charset other than UTF-8 with 415, in any case and quoted or not", async () => {
    const u = await registerUser();
    const ascii = utf8('{"name":"Plain","type":"personal","currency":"USD"}');
    for (const type of ["application/json; charset=iso-8859-1", "application/json;charset=ISO-8859-1", 'application/json; charset="windows-1252"', "application/json; Charset=latin1", "application/json; charset=utf-16", "application/json; charset=utf-8; charset=latin1"]) {
      const r = await post(u, "/v1/spaces", ascii, type);
      expect([r.status, r.body.error.code, r.body.error.message], type).toEqual([
        415, "UNSUPPORTED_MEDIA_TYPE", "Send the request body as UTF-8 JSON: application/json with no charset, or charset=utf-8",
      ]);
    }
    // Bytes that are not UTF-8 under a Latin-1 label: the label is what is refused.
    expect((await post(u, "/v1/spaces", latin1Space, "application/json; charset=iso-8859-1")).status).toBe(415);
    expect(await spaceNames(u)).toEqual([]);
    for (const type of ["application/json; charset=UTF-8", 'application/json; charset="utf-8"', "application/json;charset=utf8", "application/json; foo=bar"]) {
      expect((await post(u, "/v1/spaces", ascii, type)).status, type).toBe(201);
    }
  });

  it("judges no charset of an empty body: a bodiless DELETE or logout with a client's default Content-Type is taken", async () => {
    // Some HTTP stacks label every request `application/json; charset=ISO-8859-1`; with no bytes there is nothing to refuse.
    const u = await registerUser();
    const space = await createSpace(u);
    const latin1 = { "content-type": "application/json; charset=ISO-8859-1" };
    const cat = await callJson("/v1/categories", { token: u.accessToken, ip: u.ip, body: { spaceId: space.id, name: "Temp", type: "expense" } });
    expect(cat.status).toBe(201);
    expect((await callJson(`/v1/categories/${cat.body.id}`, { method: "DELETE", token: u.accessToken, ip: u.ip, headers: latin1 })).status).toBe(200);
    expect((await callJson("/v1/auth/logout", { method: "POST", token: u.accessToken, ip: u.ip, headers: latin1 })).status).toBe(204);
  });

  it("takes a UTF-8 byte-order mark, which says only that the body is UTF-8, and drops it", async () => {
    const u = await registerUser();
    const r = await post(u, "/v1/spaces", new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"name":"Bom","type":"personal","currency":"USD"}')]), "application/json");
    expect([r.status, r.body.name]).toEqual([201, "Bom"]);
  });

  it("reads a chunked body strictly too, and still refuses one past 1 MiB with 413", async () => {
    const u = await registerUser();
    const bad = await post(u, "/v1/spaces", chunked(latin1Space, 5) as unknown as BodyInit, "application/json");
    expect([bad.status, bad.body.error.code]).toEqual([400, "BAD_REQUEST"]);
    const good = await post(u, "/v1/spaces", chunked(utf8('{"name":"Señal","type":"personal","currency":"USD"}'), 7) as unknown as BodyInit, "application/json");
    expect([good.status, good.body.name]).toEqual([201, "Señal"]);
    const big = new Uint8Array(1024 * 1024 + 10).fill(0x20);
    big.set(latin1Space);
    const large = await post(u, "/v1/spaces", chunked(big) as unknown as BodyInit, "application/json");
    expect([large.status, large.body.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
  });

  it("refuses it on PATCH, PUT and DELETE, and where a rate-limit key is read from the body before the route", async () => {
    const u = await registerUser();
    const space = await createSpace(u, { name: "Kept" });
    const as = { token: u.accessToken, ip: u.ip, headers: { "content-type": "application/json" } };
    const latin1Name = new Uint8Array([...utf8('{"name":"Garc'), 0xed, ...utf8('a"}')]);
    const patch = await callJson(`/v1/spaces/${space.id}`, { ...as, method: "PATCH", rawBody: latin1Name });
    expect([patch.status, patch.body.error.code]).toEqual([400, "BAD_REQUEST"]);
    expect(await spaceNames(u)).toEqual(["Kept"]);
    const put = await callJson(`/v1/spaces/${space.id}/rates`, { ...as, method: "PUT", rawBody: new Uint8Array([...utf8('{"rates":[{"base":"EU'), 0xd2, ...utf8('"}]}')]) });
    expect([put.status, put.body.error.code]).toEqual([400, "BAD_REQUEST"]);
    const del = await callJson(`/v1/spaces/${space.id}`, { ...as, method: "DELETE", rawBody: new Uint8Array([0x7b, 0xe9, 0x7d]) });
    expect([del.status, del.body.error.code]).toEqual([400, "BAD_REQUEST"]);
    expect(await spaceNames(u)).toEqual(["Kept"]);
    // The sync and DeFi routes read the body for their rate-limit key before the route does: not leniently.
    const idOf = (id: string) => new Uint8Array([...utf8(`{"spaceId":"${id}","address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","label":"W`), 0xe9, ...utf8('"}')]);
    for (const path of ["/v1/defi/wallets", "/v1/providers/bitso/connect"]) {
      const r = await callJson(path, { ...as, method: "POST", rawBody: idOf(space.id) });
      expect([r.status, r.body.error.code], path).toEqual([400, "BAD_REQUEST"]);
    }
  });

  it("speaks the caller's language", async () => {
    const es = await callJson("/v1/auth/login", { ip: nextIp(), rawBody: new Uint8Array([...utf8('{"email":"jos'), 0xe9, ...utf8('@example.com","password":"x"}')]), headers: { "content-type": "application/json", "accept-language": "es-MX" } });
    expect([es.status, es.body.error.code, es.body.error.message]).toEqual([400, "BAD_REQUEST", "El cuerpo de la solicitud no es UTF-8 válido: envía el JSON codificado en UTF-8 (RFC 8259)."]);
    const pt = await callJson("/v1/auth/login", { ip: nextIp(), rawBody: '{"email":"a@b.co","password":"x"}', headers: { "content-type": "application/json; charset=iso-8859-1", "accept-language": "pt-BR" } });
    expect([pt.status, pt.body.error.code, pt.body.error.message]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE", "Envie o corpo da requisição como JSON em UTF-8: application/json sem charset, ou com charset=utf-8."]);
    // Hono's own words for JSON that does not parse, the most common 400, are translated too.
    const broken = await callJson("/v1/auth/login", { ip: nextIp(), rawBody: '{"email":', headers: { "content-type": "application/json", "accept-language": "es" } });
    expect([broken.status, broken.body.error.message]).toEqual([400, "El cuerpo de la solicitud no es JSON válido."]);
  });

  it("is refused on every route that takes a JSON body, provider webhooks included", { timeout: 120_000 }, async () => {
    const doc = (await callJson("/openapi.json")).body;
    // The sync policy allows 5 a minute per caller: the body cannot name a connection or a space, so callers take turns.
    const users = await Promise.all(Array.from({ length: 4 }, () => registerUser()));
    const failures: string[] = [];
    let routes = 0;
    for (const o of operations(doc)) {
      if (!o.op.requestBody?.content?.["application/json"]) continue;
      routes++;
      const url = o.path.replace(/\{[^}]+\}/g, "x");
      let res: Response | undefined;
      for (const u of users) {
        res = await call(url, { method: o.method.toUpperCase(), token: u.accessToken, ip: nextIp(), rawBody: new Uint8Array([...utf8('{"probe":"'), 0xe9, ...utf8('"}')]), headers: { "content-type": "application/json" } });
        if (res.status !== 429) break;
      }
      const out = (await res!.json()) as any;
      if (res!.status !== 400 || out.error?.message !== "The request body is not valid UTF-8: send JSON encoded as UTF-8 (RFC 8259)") {
        failures.push(`${o.method.toUpperCase()} ${o.path}: ${res!.status} ${JSON.stringify(out.error ?? out)}`);
      }
    }
    expect(routes).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  });
});

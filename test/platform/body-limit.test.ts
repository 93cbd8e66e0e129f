/**
 * The 1 MiB limit of JSON bodies holds whatever the request says of its length: a Content-Length that is not one
 * plain number is not trusted, and the body is counted as it is read (review of stop 44). A plain length frames the
 * body on the wire (the runtime refuses a body longer than it says), so it is judged as declared.
 */
import { describe, expect, it } from "vitest";
import { call, nextIp } from "../helpers";

const big = JSON.stringify({ email: "a@b.co", password: "x".repeat(1_100_000) });
const small = JSON.stringify({ email: "nobody@example.com", password: "wrong password" });

describe("the JSON body limit", () => {
  for (const declared of ["abc", "-1", "2e6", "1, 2000000"]) {
    it(`counts a body whose Content-Length is ${JSON.stringify(declared)}: 1.1 MB is a 413, a small one goes through`, async () => {
      const res = await call("/v1/auth/login", { ip: nextIp(), rawBody: big, headers: { "content-type": "application/json", "content-length": declared } });
      expect(res.status).toBe(413);
      expect(((await res.json()) as any).error.code).toBe("PAYLOAD_TOO_LARGE");
      const ok = await call("/v1/auth/login", { ip: nextIp(), rawBody: small, headers: { "content-type": "application/json", "content-length": declared } });
      expect(ok.status).toBe(401); // read and judged by the route: wrong credentials
    });
  }

  it("refuses a declared oversized body, and a chunked one that also declares a small length", async () => {
    const declared = await call("/v1/auth/login", { ip: nextIp(), rawBody: big, headers: { "content-type": "application/json", "content-length": String(big.length) } });
    expect(declared.status).toBe(413);
    const both = await call("/v1/auth/login", {
      ip: nextIp(), rawBody: new Blob([big]).stream(), headers: { "content-type": "application/json", "transfer-encoding": "chunked", "content-length": "10" },
    });
    expect(both.status).toBe(413);
  });
});

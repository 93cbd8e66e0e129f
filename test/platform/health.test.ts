import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, callJson } from "../helpers";

describe("meta routes", () => {
  it("reports health with a request id", async () => {
    const { status, body, res } = await callJson("/v1/health");
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("serves the OpenAPI document generated from the schemas", async () => {
    const { status, body } = await callJson("/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(["/v1/health", "/v1/auth/login", "/v1/spaces/{spaceId}"]));
    expect(body.components.securitySchemes.bearerAuth.scheme).toBe("bearer");
  });

  it("serves the interactive reference at /docs", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("/openapi.json");
    // Every script and style is this Worker's own: nothing to fetch from a CDN.
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) {
      expect(ref.startsWith("/")).toBe(true);
      // Static assets are served before the Worker in production and `wrangler dev`; under
      // vitest-pool-workers only the binding reaches them.
      const asset = await env.ASSETS.fetch(`http://api.test${ref}`);
      expect(asset.status, ref).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(100);
    }
  });
});

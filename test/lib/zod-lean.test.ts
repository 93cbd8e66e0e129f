import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";

describe("the lean zod build", () => {
  it("is what the app's zod resolves to, without locales, with English messages", () => {
    expect((z as unknown as Record<string, unknown>).locales).toBeUndefined();
    const r = z.object({ name: z.string() }).safeParse({});
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe("Invalid input: expected string, received undefined");
    expect(typeof z.email).toBe("function");
    expect(typeof z.iso.datetime).toBe("function");
    expect(typeof z.coerce.number).toBe("function");
  });
});

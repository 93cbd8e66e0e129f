/**
 * A Belvo account whose balance is neither a number nor a decimal string (an object, a boolean: not Belvo's schema)
 * is an amount Belvo did not give usably: the sync fails with Belvo's INVALID_AMOUNT, as for a word, and says so,
 * not with an internal error (a TypeError reading it) that tells the person nothing.
 */
import { describe, expect, it } from "vitest";
import { rewritingSandbox } from "./rewriting-sandbox";
import { callJson } from "../helpers";
import { as, belvoLinked, syncNow } from "./helpers";

const sandbox = rewritingSandbox();

describe("Belvo: a balance of the wrong type", () => {
  for (const [what, current] of [["an object", { amount: 1 }], ["a boolean", true]] as const) {
    it(`a balance that is ${what} fails the sync as Belvo's INVALID_AMOUNT`, { timeout: 90_000 }, async () => {
      const { owner, connectionId, who } = await belvoLinked();
      sandbox.list = [{ path: "/api/accounts/", who, alter: (list: any[]) => list.map((a, i) => (i === 0 ? { ...a, balance: { ...a.balance, current } } : a)) }];
      const jobId = await syncNow(connectionId);
      const job = await callJson(`/v1/sync-jobs/${jobId}`, as(owner));
      expect(job.status).toBe(200);
      expect(job.body.status).toBe("failed");
      expect(job.body.error).toContain("belvo INVALID_AMOUNT");
    });
  }
});

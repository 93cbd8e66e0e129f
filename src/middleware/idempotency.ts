/**
 * Reads the `Idempotency-Key` header of a money-moving request and pairs it
 * with a fingerprint of the request, which the space's ledger records in the
 * same batch as the write itself.
 *
 * A key belongs to the user who sent it (as Stripe scopes keys per account and
 * the IETF draft per client): two members of a space who both send
 * `coffee-2024-01-01` make two transactions, and neither is ever answered with
 * the other's result.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { canonicalJson } from "../lib/canonical-json";
import { sha256Hex } from "../lib/crypto";
import { validationFailed } from "../lib/errors";
import type { Idempotency } from "../modules/ledger/operations";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export async function idempotencyOf(c: Context<AppEnv>, body: unknown): Promise<Idempotency | undefined> {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw validationFailed([{ field: "Idempotency-Key", message: "Must be 1-255 visible ASCII characters", code: "INVALID_FORMAT" }]);
  }
  // The path as the router read it (escapes decoded): `/v1/%74ransactions` is the same request as `/v1/transactions`,
  // and its retry is a replay, not another request's reuse of the key.
  const fingerprint = await sha256Hex(`${c.req.method} ${c.req.path}\n${canonicalJson(body)}`);
  // The stored key is the user's id and their key: the record's primary key is (space, user + key).
  return { key: `${c.get("auth").userId}/${key}`, fingerprint };
}

/** Marks a response as the replay of an earlier one. */
export function markReplayed(c: Context<AppEnv>, replayed: boolean): void {
  if (replayed) c.header("Idempotency-Replayed", "true");
}

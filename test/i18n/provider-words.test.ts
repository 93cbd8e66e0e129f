/**
 * A successful answer's words are in the reader's language too: a connection made ("Successfully connected Bitso
 * account"), a sync job's outcome ("Synced 285 transactions", worded when the job is read, so in the reader's
 * language, never stored; with what it left out, the simulator's USDT balance, which no account here holds) and why
 * an account was not synced (`skipped[].reason`), which the QA sweep found in English for Spanish and Portuguese users.
 */
import { expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";
import { createAccount } from "../accounts/helpers";
import { as, waitForJob } from "../providers/helpers";

it.each([
  ["es", "Cuenta de Bitso conectada correctamente", /^Se sincronizaron? \d+ transacci(ón|ones)\. Se omitió 1 elemento en una moneda que no se puede importar \(USDT\)$/, "cuenta manual: no hay nada que sincronizar", "Cuenta de Belvo conectada correctamente"],
  ["pt", "Conta Bitso conectada com sucesso", /^\d+ (transação sincronizada|transações sincronizadas)\. 1 item em uma moeda que não pode ser importada foi deixado de fora \(USDT\)$/, "conta manual: não há nada para sincronizar", "Conta Belvo conectada com sucesso"],
  ["en", "Successfully connected Bitso account", /^Synced \d+ transactions?\. 1 item in a currency that cannot be imported was left out \(USDT\)$/, "manual account: nothing to sync", "Successfully connected Belvo account"],
] as const)("a %s user's connection, sync job and skipped account are told in their language", { timeout: 60_000 }, async (locale, connected, synced, manual, belvo) => {
  const owner = await registerUser({ locale });
  const space = await createSpace(owner, { currency: "MXN" });
  const res = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId: space.id, apiKey: `key-${crypto.randomUUID()}`, apiSecret: "secret" } });
  expect(res.status).toBe(201);
  expect(res.body.message).toBe(connected);
  expect((await waitForJob(res.body.jobId)).status).toBe("completed");
  const job = await callJson(`/v1/sync-jobs/${res.body.jobId}`, as(owner));
  expect(job.status).toBe(200);
  expect(job.body.message).toMatch(synced);

  const cash = await createAccount(owner, space.id, { name: "efectivo", currency: "MXN", openingBalance: "10.00" });
  const sync = await callJson("/v1/accounts/sync", { ...as(owner), body: { spaceId: space.id, accountIds: [cash.id] } });
  expect(sync.status).toBe(200);
  expect(sync.body.skipped).toEqual([{ accountId: cash.id, code: "manual", reason: manual }]);

  const other = await createSpace(owner, { currency: "MXN" });
  const bank = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId: other.id, institution: "banamex", username: `u${crypto.randomUUID().slice(0, 6)}`, password: "pw" } });
  expect(bank.status).toBe(201);
  expect(bank.body.message).toBe(belvo);
});

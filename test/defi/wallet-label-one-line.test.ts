/**
 * A wallet's label is its name in every list of wallets and positions: like every other name (lib/visible-text.ts),
 * one line and visible. "Main\nWallet" and a label of zero-width characters were stored and listed as given.
 */
import { expect, it } from "vitest";
import { callJson, createSpace, registerUser } from "../helpers";

it("refuses a wallet label across lines or of nothing visible, and keeps a one-line one", async () => {
  const owner = await registerUser();
  const space = await createSpace(owner);
  const add = (label: string) =>
    callJson("/v1/defi/wallets", { token: owner.accessToken, ip: owner.ip, body: { spaceId: space.id, address: "0x" + "ab".repeat(20), label } });
  for (const label of ["Main\nWallet", "Main\u2028Wallet", "\u200B\u200C"]) {
    const r = await add(label);
    expect([r.status, r.body.error?.details?.map((d: { field: string; code: string }) => [d.field, d.code])], JSON.stringify(label)).toEqual([422, [["label", "INVALID_VALUE"]]]);
  }
  const ok = await add("  Carteira principal\n");
  expect([ok.status, ok.body.wallet.label]).toEqual([201, "Carteira principal"]);
});

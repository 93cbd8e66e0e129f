/** Keccak-256 and EIP-55 against published vectors. */
import { describe, expect, it } from "vitest";
import { checkAddress, toChecksumAddress } from "../../src/modules/defi/address";
import { keccak256, toHex } from "../../src/modules/defi/keccak";

// The test vectors of EIP-55 itself (eips.ethereum.org/EIPS/eip-55).
const EIP55 = [
  "0x52908400098527886E0F7030069857D2E4169EE7",
  "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
  "0xde709f2102306220921060314715629080e2fb77",
  "0x27b1fdb04752bbc536007a920d24acb045561c26",
  "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
  "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
  "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
  "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
];

describe("keccak-256", () => {
  it("matches known digests", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(toHex(keccak256(enc("")))).toBe("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    expect(toHex(keccak256(enc("abc")))).toBe("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    // Longer than one 136-byte block.
    expect(toHex(keccak256(enc("a".repeat(200))))).toHaveLength(64);
  });
});

describe("EIP-55", () => {
  it("computes the checksum of every EIP-55 vector", () => {
    for (const v of EIP55) expect(toChecksumAddress(v.toLowerCase())).toBe(v);
  });

  it("accepts lowercase (returned checksummed) and valid mixed case; refuses a wrong checksum", () => {
    expect(checkAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")).toEqual({ ok: true, address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" });
    expect(checkAddress("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")).toEqual({ ok: true, address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" });
    for (const v of EIP55) expect(checkAddress(v)).toEqual({ ok: true, address: v });
    expect(checkAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").ok).toBe(false); // last letter's case flipped
    expect(checkAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe").ok).toBe(false); // 39 hex characters
    expect(checkAddress("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").ok).toBe(false);
  });
});

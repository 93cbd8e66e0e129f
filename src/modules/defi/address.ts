/**
 * EVM addresses with their EIP-55 mixed-case checksum. An all-lower or
 * all-upper address carries no checksum and is accepted (and returned
 * checksummed); a mixed-case address must match its checksum exactly.
 */
import { keccak256, toHex } from "./keccak";

const HEX40 = /^0x[0-9a-fA-F]{40}$/;

export function toChecksumAddress(address: string): string {
  const lower = address.slice(2).toLowerCase();
  const hash = toHex(keccak256(new TextEncoder().encode(lower)));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const ch = lower[i]!;
    out += ch >= "a" && ch <= "f" && parseInt(hash[i]!, 16) >= 8 ? ch.toUpperCase() : ch;
  }
  return out;
}

export type AddressCheck = { ok: true; address: string } | { ok: false; reason: string };

export function checkAddress(input: string): AddressCheck {
  if (!HEX40.test(input)) return { ok: false, reason: "Must be 0x followed by 40 hexadecimal characters" };
  const body = input.slice(2);
  const checksummed = toChecksumAddress(input);
  if (body === body.toLowerCase() || body === body.toUpperCase()) return { ok: true, address: checksummed };
  if (checksummed !== input) return { ok: false, reason: "EIP-55 checksum does not match (check the letter case)" };
  return { ok: true, address: checksummed };
}

/** num/den rounded half away from zero, rendered with two decimals (BigInt: exact): the projections tests' reference. */
export function cents(num: bigint, den: bigint): string {
  const neg = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = (2n * n + d) / (2n * d);
  const s = q.toString().padStart(3, "0");
  return `${neg && q !== 0n ? "-" : ""}${s.slice(0, -2)}.${s.slice(-2)}`;
}

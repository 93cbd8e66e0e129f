/** Exact money arithmetic for price tests, independent of the app's: decimal strings multiplied as BigInts. */

/** Σ (product of each term's decimal factors), plus `plusCents`, rounded once half-even to cents ("1234.57"). */
export function exactCents(terms: string[][], plusCents = 0n): string {
  const dec = (s: string): [bigint, bigint] => {
    const [w, f = ""] = s.split(".");
    return [BigInt(w! + f), 10n ** BigInt(f.length)];
  };
  // Each term as num/den, summed over a common denominator.
  let num = 0n;
  let den = 1n;
  for (const factors of terms) {
    const parts = factors.map(dec);
    const tNum = parts.reduce((n, [x]) => n * x, 1n);
    const tDen = parts.reduce((d, [, x]) => d * x, 1n);
    num = num * tDen + tNum * den;
    den *= tDen;
  }
  num = num * 100n + plusCents * den;
  let q = num / den;
  const rem = num % den;
  if (rem * 2n > den || (rem * 2n === den && q % 2n === 1n)) q += 1n;
  return `${q / 100n}.${String(q % 100n).padStart(2, "0")}`;
}

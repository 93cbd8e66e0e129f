/**
 * Fills a ledger space through the real batch route: one transaction per
 * posting, at most 100 per batch (the route's limit).
 */
import { callJson } from "../helpers";
import { type LedgerCtx, posting } from "./helpers";

export const pad = (i: number) => String(i).padStart(3, "0");

/** Commits `postings` as single-posting transactions, in order, so txids follow the array. */
export async function commitEach(ctx: LedgerCtx, postings: ReturnType<typeof posting>[]): Promise<void> {
  for (let i = 0; i < postings.length; i += 100) {
    const transactions = postings.slice(i, i + 100).map((p) => ({ postings: [p] }));
    const res = await callJson(`${ctx.base}/transactions/batch`, { token: ctx.user.accessToken, ip: ctx.user.ip, body: { transactions } });
    if (res.status !== 201) throw new Error(`batch failed: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  }
}

/** `users:u000` … `users:u<n-1>`, each funded from `world` with `amount`. */
export async function fundUsers(ctx: LedgerCtx, n: number, amount = 100): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `users:u${pad(i)}`);
  await commitEach(ctx, names.map((a) => posting("world", a, amount)));
  return names;
}

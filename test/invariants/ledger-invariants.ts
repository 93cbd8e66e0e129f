/**
 * Reads everything D1 holds for a space and checks the ledger invariants of
 * DESIGN.md. Returns the list of violations (empty when the ledger is sound),
 * so a failing test shows every broken rule at once.
 */
import { env } from "cloudflare:workers";
import { isUnbounded } from "../../src/modules/ledger/addresses";
import { verifyChain, type LogRow } from "../../src/modules/ledger/chain";
import { counterpartyOf, ledgerCounterparty } from "../../src/modules/ledger/reclassification";
import { MAX_MINOR } from "../../src/lib/money";

const MAX = BigInt(MAX_MINOR);

interface EntryRow { address: string; asset: string; seq: number; posting_index: number; amount: number; balance_after: number; timestamp: number }
interface TxRow { seq: number; postings: string; reverts_seq: number | null; reverted_by_seq: number | null }

export async function ledgerViolations(spaceId: string): Promise<string[]> {
  const db = env.DB;
  const v: string[] = [];
  const all = async <T>(sql: string) => (await db.prepare(sql).bind(spaceId).all<T>()).results;
  const txs = await all<TxRow>("SELECT seq, postings, reverts_seq, reverted_by_seq FROM ledger_transactions WHERE space_id = ? ORDER BY seq");
  const entries = await all<EntryRow>("SELECT address, asset, seq, posting_index, amount, balance_after, timestamp FROM ledger_entries WHERE space_id = ? ORDER BY address, asset, seq, posting_index");
  const volumes = await all<{ address: string; asset: string; input: number; output: number; rebased: string }>("SELECT address, asset, input, output, rebased FROM ledger_volumes WHERE space_id = ?");
  const logs = await all<LogRow>("SELECT id, type, data, date, hash FROM ledger_logs WHERE space_id = ? ORDER BY id");
  const overdraft = new Map(
    (await all<{ id: string; allow_overdraft: number }>("SELECT id, allow_overdraft FROM accounts WHERE space_id = ?")).map((a) => [`accounts:${a.id}`, a.allow_overdraft === 1]),
  );
  // The no-overdraft rule binds an account from the sequence at which it was last switched on (0 if always).
  const ruleFrom = new Map<string, number>();
  for (const l of logs) {
    if (l.type !== "SET_ACCOUNT_RULES") continue;
    const d = JSON.parse(l.data) as { accountId: string; allowOverdraft?: boolean; fromSeq: number };
    if (d.allowOverdraft === false) ruleFrom.set(`accounts:${d.accountId}`, d.fromSeq);
  }
  const mayNotOverdraw = (address: string) => !isUnbounded(address) && !overdraft.get(address);

  // Gapless sequence.
  txs.forEach((t, i) => t.seq !== i && v.push(`transaction sequence gap at ${i} (found ${t.seq})`));

  // Each transaction balances per asset.
  // Sums in bigints: each amount is exact, but a sum of several can pass 2^53.
  const bySeq = new Map<number, Map<string, bigint>>();
  for (const e of entries) {
    const m = bySeq.get(e.seq) ?? new Map<string, bigint>();
    m.set(e.asset, (m.get(e.asset) ?? 0n) + BigInt(e.amount));
    bySeq.set(e.seq, m);
  }
  for (const t of txs) {
    const postings = JSON.parse(t.postings) as { amount: number }[];
    const m = bySeq.get(t.seq);
    if (!m && postings.length > 0) v.push(`transaction ${t.seq} has no entries`);
    for (const [asset, sum] of m ?? []) if (sum !== 0n) v.push(`transaction ${t.seq} does not balance in ${asset} (${sum})`);
  }

  // Each asset sums to zero across the space (world included).
  const perAsset = new Map<string, bigint>();
  for (const vol of volumes) perAsset.set(vol.asset, (perAsset.get(vol.asset) ?? 0n) + BigInt(vol.input) - BigInt(vol.output));
  for (const [asset, sum] of perAsset) if (sum !== 0n) v.push(`asset ${asset} sums to ${sum} across the space`);

  // Stored volumes, with what was taken off both sides (rebased), equal the sums of their entries, which
  // may pass 2^53 (bigints); each stored side stays within it. Running balances are continuous.
  const sums = new Map<string, { input: bigint; output: bigint }>();
  let prevKey = "";
  let running = 0;
  for (const e of entries) {
    const key = `${e.address}|${e.asset}`;
    if (key !== prevKey) (prevKey = key), (running = 0);
    running += e.amount;
    if (running !== e.balance_after) v.push(`running balance of ${key} breaks at tx ${e.seq}: expected ${running}, stored ${e.balance_after}`);
    if (e.balance_after < 0 && mayNotOverdraw(e.address) && e.seq >= (ruleFrom.get(e.address) ?? 0)) v.push(`${key} went negative (${e.balance_after}) at tx ${e.seq}`);
    const s = sums.get(key) ?? { input: 0n, output: 0n };
    if (e.amount >= 0) s.input += BigInt(e.amount);
    else s.output -= BigInt(e.amount);
    sums.set(key, s);
  }
  for (const vol of volumes) {
    const s = sums.get(`${vol.address}|${vol.asset}`) ?? { input: 0n, output: 0n };
    const rebased = BigInt(vol.rebased);
    if (s.input !== BigInt(vol.input) + rebased || s.output !== BigInt(vol.output) + rebased) {
      v.push(`volumes of ${vol.address} ${vol.asset} are ${vol.input}/${vol.output} (rebased ${rebased}), entries sum to ${s.input}/${s.output}`);
    }
    if (!Number.isSafeInteger(vol.input) || !Number.isSafeInteger(vol.output) || vol.input < 0 || vol.output < 0 || rebased < 0n) {
      v.push(`volumes of ${vol.address} ${vol.asset} are out of range: ${vol.input}/${vol.output} (rebased ${rebased})`);
    }
  }
  if (sums.size !== volumes.length) v.push(`${sums.size} address/asset pairs have entries but ${volumes.length} have volumes`);

  // Every address with entries has its ledger account, which names the first transaction that touched it.
  const firstSeqs = new Map((await all<{ address: string; first_seq: number | null }>("SELECT address, first_seq FROM ledger_accounts WHERE space_id = ?")).map((a) => [a.address, a.first_seq]));
  const firstTouch = new Map<string, number>();
  for (const e of entries) firstTouch.set(e.address, Math.min(firstTouch.get(e.address) ?? e.seq, e.seq));
  for (const [address, seq] of firstTouch) {
    if (!firstSeqs.has(address)) v.push(`${address} has entries but no ledger account`);
    else if (firstSeqs.get(address) !== seq) v.push(`the ledger account ${address} names transaction ${firstSeqs.get(address)} as its first, but its first entry is in ${seq}`);
  }

  // In value-date order (what statements show), an account that may not overdraw is never below zero
  // at the end of an instant (within one, entries are in sequence order, which means nothing: an expense
  // and its void cancel there, whichever came first): forbidding overdraft is refused over a history that
  // ever was. And every bounded address's balance at the end of every instant is within 2^53 - 1 either way
  // (exact in bigints: rebased volumes let sums pass it; world and the income/expense/equity counterparties
  // are not bounded by date, nothing reads them so).
  const byVolume = new Map<string, EntryRow[]>();
  for (const e of entries) byVolume.set(`${e.address}|${e.asset}`, [...(byVolume.get(`${e.address}|${e.asset}`) ?? []), e]);
  for (const [key, list] of byVolume) {
    list.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq || a.posting_index - b.posting_index);
    let balance = 0n;
    for (const [i, e] of list.entries()) {
      balance += BigInt(e.amount);
      if (list[i + 1]?.timestamp === e.timestamp) continue;
      if (balance < 0n && mayNotOverdraw(e.address)) {
        v.push(`${key} is negative (${balance}) at the end of ${new Date(e.timestamp).toISOString()} in value-date order (tx ${e.seq})`);
        break;
      }
      if (!isUnbounded(e.address) && (balance > MAX || balance < -MAX)) {
        v.push(`${key} is out of range (${balance}) at the end of ${new Date(e.timestamp).toISOString()} in value-date order (tx ${e.seq})`);
        break;
      }
    }
  }

  // A transaction is reverted at most once, and links agree.
  const revertCounts = new Map<number, number>();
  for (const t of txs) if (t.reverts_seq !== null) revertCounts.set(t.reverts_seq, (revertCounts.get(t.reverts_seq) ?? 0) + 1);
  for (const [seq, n] of revertCounts) {
    if (n > 1) v.push(`transaction ${seq} was reverted ${n} times`);
    const original = txs[seq];
    if (!original || original.reverted_by_seq === null) v.push(`transaction ${seq} is reverted but not marked`);
  }

  // Log ids are gapless and the chain verifies.
  const chain = await verifyChain(logs);
  if (!chain.valid) v.push(`log chain broken at ${chain.firstBrokenId}: ${chain.reason}`);
  const txLogs = logs.filter((l) => l.type === "NEW_TRANSACTION" || l.type === "REVERTED_TRANSACTION").length;
  if (txLogs !== txs.length) v.push(`${txs.length} transactions but ${txLogs} transaction logs`);

  // Dhanam rows agree with the ledger: an account's live transactions sum to its balance.
  const dhanam = await all<{ account_id: string; currency: string; total: number }>(
    "SELECT account_id, currency, SUM(amount) AS total FROM transactions WHERE space_id = ? AND status != 'cancelled' GROUP BY account_id, currency",
  );
  for (const d of dhanam) {
    const vol = volumes.find((x) => x.address === `accounts:${d.account_id}` && x.asset.startsWith(`${d.currency}/`));
    const balance = vol ? vol.input - vol.output : 0;
    if (balance !== d.total) v.push(`account ${d.account_id}: transactions sum to ${d.total}, ledger balance is ${balance}`);
  }
  // The counters lists report as totals match the rows.
  const counts = await all<{ id: string; kept: number; actual: number }>(
    `SELECT a.id, a.transaction_count AS kept, (SELECT COUNT(*) FROM transactions t WHERE t.account_id = a.id) AS actual FROM accounts a WHERE a.space_id = ?
      UNION ALL SELECT s.id, s.transaction_count, (SELECT COUNT(*) FROM transactions t WHERE t.space_id = s.id) FROM spaces s WHERE s.id = ?1`,
  );
  for (const c of counts) if (c.kept !== c.actual) v.push(`${c.id} counts ${c.kept} transactions but has ${c.actual}`);
  // Every account address in the ledger is an account of this space.
  for (const vol of volumes) {
    if (vol.address.startsWith("accounts") && !overdraft.has(vol.address)) v.push(`${vol.address} is in the ledger but is not an account of the space`);
  }

  // ...and per category: each category counterparty's ledger balance is what the live, categorized rows put there.
  const rows = await all<{ account_id: string; amount: number; currency: string; type: string; category_id: string | null; postings: string }>(
    `SELECT t.account_id, t.amount, t.currency, t.type, t.category_id, lt.postings FROM transactions t
       JOIN ledger_transactions lt ON lt.space_id = t.space_id AND lt.seq = t.ledger_seq
      WHERE t.space_id = ? AND t.status != 'cancelled'`,
  );
  const expected = new Map<string, number>();
  for (const r of rows) {
    const row = { accountId: r.account_id, amount: r.amount, currency: r.currency, type: r.type, categoryId: r.category_id };
    if (!ledgerCounterparty(row, JSON.parse(r.postings))) continue;
    const key = `${counterpartyOf(row)}|${r.currency}`;
    expected.set(key, (expected.get(key) ?? 0) - r.amount);
  }
  const categoryIds = new Set((await all<{ id: string }>("SELECT id FROM categories WHERE space_id = ?")).map((c) => c.id));
  const categoryOwned = (address: string) => {
    const [kind, name] = address.split(":");
    return (kind === "expense" || kind === "income") && name !== undefined && (categoryIds.has(name) || name === "uncategorized");
  };
  for (const vol of volumes) {
    if (!categoryOwned(vol.address)) continue;
    const key = `${vol.address}|${vol.asset.split("/")[0]}`;
    const want = expected.get(key) ?? 0;
    expected.delete(key);
    if (vol.input - vol.output !== want) v.push(`${vol.address} ${vol.asset}: ledger balance ${vol.input - vol.output}, categorized rows say ${want}`);
  }
  for (const [key, want] of expected) if (want !== 0 && categoryOwned(key.split("|")[0]!)) v.push(`${key}: rows say ${want} but the ledger has nothing`);
  return v;
}

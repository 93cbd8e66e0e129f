/** Shared pieces of the provider tests: connecting through the API, running sync jobs, reading the ledger. */
import { env } from "cloudflare:workers";
import "../../src/index"; // registers the in-process sandbox handler used by outbound()
import { createDb } from "../../src/db/client";
import type { Services } from "../../src/env";
import { getConnection } from "../../src/modules/providers/connections";
import { enqueueSync, runSyncJob } from "../../src/modules/providers/sync";
import { PlaidClient } from "../../src/providers/plaid/client";
import { call, callJson, createSpace, registerUser, type TestUser } from "../helpers";

export const as = (u: TestUser) => ({ token: u.accessToken, ip: u.ip });

/** Services over the real bindings; `sent` records what the code puts on SYNC_QUEUE (delivered by the test itself). */
export function directServices(now: () => number = () => Date.now()) {
  const sent: { body: any; options?: QueueSendOptions }[] = [];
  const queue = {
    send: async (body: unknown, options?: QueueSendOptions) => void sent.push({ body, options }),
    sendBatch: async (messages: MessageSendRequest[]) => void sent.push(...messages.map((m) => ({ body: m.body, options: m.delaySeconds === undefined ? undefined : { delaySeconds: m.delaySeconds } }))),
  } as unknown as Queue;
  const svc: Services = { env: { ...env, SYNC_QUEUE: queue }, db: createDb(env.DB), clock: { now } };
  return { svc, sent };
}

export async function waitForJob(jobId: string, timeoutMs = 30_000): Promise<{ status: string; result: string | null; error: string | null }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const row = await env.DB.prepare("SELECT status, result, error FROM jobs WHERE id = ?").bind(jobId).first<{ status: string; result: string | null; error: string | null }>();
    if (row && (row.status === "completed" || row.status === "failed")) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

export async function ownerWithSpace() {
  const owner = await registerUser();
  const space = await createSpace(owner);
  return { owner, spaceId: space.id };
}

/** Links a Plaid item through the API (exchange-token), which runs the first sync. */
export async function linkPlaid(owner: TestUser, spaceId: string, publicToken = `public-sandbox-${crypto.randomUUID()}`) {
  const res = await callJson("/v1/providers/plaid/exchange-token", { ...as(owner), body: { spaceId, publicToken, metadata: { institution: { name: "First Platypus Bank", institution_id: "ins_109508" } } } });
  if (res.status !== 201) throw new Error(`exchange failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { connection: any; jobId: string };
}

export async function plaidAccessToken(connectionId: string): Promise<string> {
  const { openCredentials } = await import("../../src/modules/providers/connections");
  const conn = await getConnection(directServices().svc, connectionId);
  return (await openCredentials<{ accessToken: string }>(env, conn!)).accessToken;
}

/** A sandbox control call (the simulator's own endpoints). */
export async function plaidControl(path: string, body: Record<string, unknown>) {
  const res = await call(`/sandbox/plaid/sandbox/${path}`, { body });
  if (res.status !== 200) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
}

/** Creates a job for the connection and runs the consumer on it directly, as the queue would. */
export async function syncNow(connectionId: string, svcOverride?: Services) {
  const { svc } = directServices();
  const s = svcOverride ?? svc;
  const conn = (await getConnection(s, connectionId))!;
  const { jobId, created } = await enqueueSync(s, conn, "manual");
  if (!created) throw new Error("a sync is already in progress");
  await runSyncJob(s, { jobId, attempt: 1 });
  return jobId;
}

/** The real SPACE_LEDGER binding with every `execute` going through `handle` (given the real call). */
export function ledgerBinding(handle: (op: any, execute: (op: any) => Promise<any>) => Promise<any>): typeof env.SPACE_LEDGER {
  const ns = env.SPACE_LEDGER;
  return {
    idFromName: (name: string) => ns.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = ns.get(id);
      return { execute: (op: any) => handle(op, (o) => stub.execute(o)) };
    },
  } as unknown as typeof env.SPACE_LEDGER;
}

/**
 * A SPACE_LEDGER binding whose first write carrying a side effect of `kind` commits, and then the consumer
 * "crashes" before hearing back (the ids of the transactions that write created are in `committed`).
 */
export function crashAfterCommit(kind: "insertEvent" | "insertReviewFlag") {
  const committed: string[] = [];
  let crashed = false;
  const binding = ledgerBinding(async (op, execute) => {
    const result = await execute(op);
    if (!crashed && result.ok && (op.effects ?? []).some((e: any) => e.kind === kind)) {
      crashed = true;
      committed.push(...op.effects.filter((e: any) => e.kind === "insertTransaction").map((e: any) => e.row.id));
      throw new Error("simulated crash after the ledger commit");
    }
    return result;
  });
  return { binding, committed };
}

export async function jobStats(jobId: string) {
  const row = await env.DB.prepare("SELECT status, result, error FROM jobs WHERE id = ?").bind(jobId).first<{ status: string; result: string | null; error: string | null }>();
  return { status: row!.status, error: row!.error, stats: row!.result ? JSON.parse(row!.result).stats : null };
}

/** The space's live synced rows (not cancelled), by provider transaction id. */
export async function liveRows(spaceId: string) {
  return (
    await env.DB.prepare(
      "SELECT id, account_id, provider_transaction_id AS pid, amount, status, category_id, tags, notes, subtype FROM transactions WHERE space_id = ? AND status != 'cancelled' ORDER BY provider_transaction_id",
    )
      .bind(spaceId)
      .all<{ id: string; account_id: string; pid: string | null; amount: number; status: string; category_id: string | null; tags: string; notes: string | null; subtype: string | null }>()
  ).results;
}

/** A fingerprint of the ledger a sync produced: every live row's provider id and amount, and every account's balance. */
export async function ledgerFingerprint(spaceId: string) {
  const rows = await liveRows(spaceId);
  const volumes = (
    await env.DB.prepare("SELECT address, asset, input - output AS balance FROM ledger_volumes WHERE space_id = ? AND address LIKE 'accounts:%' ORDER BY address, asset").bind(spaceId).all()
  ).results;
  const perPid = new Map<string, number>();
  for (const r of rows) perPid.set(r.pid ?? r.id, (perPid.get(r.pid ?? r.id) ?? 0) + r.amount);
  return { rows: rows.length, amounts: [...perPid].sort(), volumes };
}

/** Each account's balance in the ledger (minor units), by Dhanam account id. */
export async function ledgerBalances(spaceId: string): Promise<Map<string, number>> {
  const rows = (
    await env.DB.prepare("SELECT substr(address, 10) AS id, input - output AS balance FROM ledger_volumes WHERE space_id = ? AND address LIKE 'accounts:%'").bind(spaceId).all<{ id: string; balance: number }>()
  ).results;
  return new Map(rows.map((r) => [r.id, r.balance]));
}

/**
 * What the Belvo simulator's bank holds in each account of a connection (minor units, by Dhanam account id): the
 * posted balance it reports plus the transactions it still lists as pending, an owed balance negative as the
 * ledger keeps it. Read through the simulator's own API, as the sync reads it.
 */
export async function belvoBankBalances(connectionId: string): Promise<Map<string, number>> {
  const { external_id: link } = (await env.DB.prepare("SELECT external_id FROM provider_connections WHERE id = ?").bind(connectionId).first<{ external_id: string }>())!;
  const authorization = `Basic ${btoa(`${env.BELVO_SECRET_ID}:${env.BELVO_SECRET_PASSWORD}`)}`;
  // Every day the simulator holds up to today (Belvo's date_from and date_to are required; no day after today).
  const days = { date_from: "2000-01-01", date_to: new Date().toISOString().slice(0, 10) };
  const read = async (path: string) => {
    const res = await callJson(`/sandbox/belvo/api/${path}/`, { headers: { authorization }, body: { link, ...days } });
    if (res.status !== 201) throw new Error(`belvo ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as any[];
  };
  const [accounts, txns] = await Promise.all([read("accounts"), read("transactions")]);
  const minor = (major: number) => Math.round(major * 100);
  const bank = new Map<string, number>();
  for (const a of accounts) bank.set(a.id, (a.category === "CREDIT_CARD" ? -1 : 1) * minor(a.balance.current));
  for (const t of txns) if (t.status === "PENDING") bank.set(t.account.id, bank.get(t.account.id)! + (t.type === "OUTFLOW" ? -1 : 1) * minor(t.amount));
  const ids = (await env.DB.prepare("SELECT account_id, provider_account_id FROM provider_accounts WHERE connection_id = ?").bind(connectionId).all<{ account_id: string; provider_account_id: string }>()).results;
  return new Map(ids.map((r) => [r.account_id, bank.get(r.provider_account_id)!]));
}

/**
 * The ledger of a Plaid connection as the bank holds it: every transaction the bank holds now (read from no cursor),
 * each once, at its amount (its corrections included) and status, and no other synced row; each account's balance
 * the bank's posted balance plus its pending rows. Returns what is different, as [what, ours, the bank's].
 */
export async function differencesFromPlaid(spaceId: string, connectionId: string, accessToken: string) {
  const cents = (major: number) => Math.round(major * 100);
  const client = new PlaidClient(env);
  const bank = await client.syncAll(accessToken, null);
  const ours = new Map<string, { amount: number; status: string }>();
  for (const r of await liveRows(spaceId)) {
    if (!r.pid || r.pid.startsWith("balance#")) continue;
    const base = r.pid.split("#")[0]!;
    const seen = ours.get(base);
    ours.set(base, { amount: (seen?.amount ?? 0) + r.amount, status: r.pid.includes("#") ? seen?.status ?? "" : r.status });
  }
  const theirs = new Map(bank.added.map((t) => [t.transaction_id, { amount: -cents(t.amount), status: t.pending ? "pending" : "posted" }]));
  const differences: [string, unknown, unknown][] = [];
  for (const pid of new Set([...ours.keys(), ...theirs.keys()])) {
    if (JSON.stringify(ours.get(pid)) !== JSON.stringify(theirs.get(pid))) differences.push([`transaction ${pid}`, ours.get(pid), theirs.get(pid)]);
  }
  const ledgerIds = new Map(
    (await env.DB.prepare("SELECT account_id, provider_account_id FROM provider_accounts WHERE connection_id = ?").bind(connectionId).all<{ account_id: string; provider_account_id: string }>()).results.map((r) => [r.provider_account_id, r.account_id]),
  );
  const balances = await ledgerBalances(spaceId);
  for (const a of (await client.accountsGet(accessToken)).accounts) {
    const sign = a.type === "credit" ? -1 : 1;
    const pending = bank.added.filter((t) => t.account_id === a.account_id && t.pending).reduce((s, t) => s - cents(t.amount), 0);
    const held = balances.get(ledgerIds.get(a.account_id)!);
    if (held !== sign * cents(a.balances.current!) + pending) differences.push([`balance of ${a.name}`, held, sign * cents(a.balances.current!) + pending]);
  }
  return differences;
}

/** A connection's status and reason as stored. */
export const connRow = (id: string) =>
  env.DB.prepare("SELECT status, status_reason FROM provider_connections WHERE id = ?").bind(id).first<{ status: string; status_reason: string | null }>();

/**
 * A Belvo link whose first sync is done; its link id (what its requests name). `username`: the simulator's data for that
 * login (its `f3-user-…` scenarios), else a fresh one.
 */
export async function belvoLinked(username = `u${crypto.randomUUID().slice(0, 8)}`) {
  const { owner, spaceId } = await ownerWithSpace();
  const res = await callJson("/v1/providers/belvo/connect", { ...as(owner), body: { spaceId, institution: "banamex", username, password: "pw" } });
  if (res.status !== 201) throw new Error(`belvo connect: ${res.status} ${JSON.stringify(res.body)}`);
  if ((await waitForJob(res.body.jobId)).status !== "completed") throw new Error("belvo's first sync did not complete");
  const conn = (await env.DB.prepare("SELECT external_id FROM provider_connections WHERE id = ?").bind(res.body.connection.id).first<{ external_id: string }>())!;
  return { owner, spaceId, connectionId: res.body.connection.id as string, who: conn.external_id };
}

/** A Bitso connection whose first sync is done; its API key as its requests' Authorization names it. */
export async function bitsoLinked() {
  const owner = await registerUser();
  const space = await createSpace(owner, { currency: "MXN" });
  const apiKey = `key-${crypto.randomUUID()}`;
  const res = await callJson("/v1/providers/bitso/connect", { ...as(owner), body: { spaceId: space.id, apiKey, apiSecret: `secret-${crypto.randomUUID()}` } });
  if (res.status !== 201) throw new Error(`bitso connect: ${res.status} ${JSON.stringify(res.body)}`);
  if ((await waitForJob(res.body.jobId)).status !== "completed") throw new Error("bitso's first sync did not complete");
  return { owner, spaceId: space.id, connectionId: res.body.connection.id as string, who: `Bitso ${apiKey}:` };
}

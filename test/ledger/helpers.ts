import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { SpaceLedger } from "../../durable-objects/space-ledger";
import { ledgerViolations } from "../invariants/ledger-invariants";
import { callJson, createSpace, registerUser, type TestUser } from "../helpers";

export interface LedgerCtx {
  user: TestUser;
  spaceId: string;
  base: string;
}

export async function ledgerSpace(): Promise<LedgerCtx> {
  const user = await registerUser();
  const space = await createSpace(user);
  return { user, spaceId: space.id, base: `/v1/spaces/${space.id}/ledger` };
}

export const posting = (source: string, destination: string, amount: number, asset = "USD/2") => ({ source, destination, amount, asset });

export function postTx(ctx: LedgerCtx, body: unknown, opts: { query?: string; headers?: Record<string, string> } = {}) {
  return callJson(`${ctx.base}/transactions${opts.query ?? ""}`, { token: ctx.user.accessToken, ip: ctx.user.ip, body, headers: opts.headers });
}

export function get(ctx: LedgerCtx, path: string) {
  return callJson(`${ctx.base}${path}`, { token: ctx.user.accessToken, ip: ctx.user.ip });
}

/** Runs `body` inside a fresh space's SpaceLedger, then checks the ledger invariants of that space. */
export async function inFreshLedger(body: (ledger: SpaceLedger, spaceId: string) => Promise<void>): Promise<string> {
  const spaceId = (await createSpace(await registerUser())).id;
  await runInDurableObject(env.SPACE_LEDGER.get(env.SPACE_LEDGER.idFromName(spaceId)), (ledger) => body(ledger, spaceId));
  expect(await ledgerViolations(spaceId)).toEqual([]);
  return spaceId;
}

/** Gives the object `db` as its D1 handle until the returned function restores the real one. */
export function swapDb(ledger: SpaceLedger, db: unknown): () => void {
  Object.defineProperty(ledger, "db", { get: () => db, configurable: true });
  return () => delete (ledger as unknown as Record<string, unknown>).db;
}

/** How long a held batch waits at most for the writes a test named to queue behind it. */
const QUEUE_WAIT_MS = 20_000;

/**
 * The space's ledger object with a D1 handle that holds its first batch a moment, so that writes sent
 * meanwhile (through the API) queue into one group, and that notes each batch's size and guards;
 * `loseFirstGroupsAnswer`: the first batch with two guards or more (a group of remembered writes)
 * commits, then reports that it failed. `queued`: the first batch is held (at least `holdMs`) until that many
 * writes wait in the object's queue behind it (up to QUEUE_WAIT_MS): the writes a test sends at once reach the
 * object at the pace of the machine, and a loaded one took more than `holdMs` to bring them all, so the groups
 * (and what a test asserts of them) came out otherwise.
 */
export async function groupingLedger(spaceId: string, { loseFirstGroupsAnswer = false, holdMs = 100, queued = 0 } = {}) {
  const real = env.DB;
  const state = { batches: [] as { statements: number; guards: number }[], guardsPerBatch: [] as number[], lostAnswers: 0, holding: false, restore: () => {} };
  let held = false;
  let waiting = () => 0;
  const db = {
    prepare: real.prepare.bind(real),
    batch: async (stmts: D1PreparedStatement[]) => {
      if (!held) {
        held = true;
        state.holding = true;
        await new Promise((r) => setTimeout(r, holdMs));
        for (const deadline = Date.now() + QUEUE_WAIT_MS; waiting() < queued && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 5));
      }
      const guards = stmts.filter((st) => /write_guards/.test((st as unknown as { statement: string }).statement)).length;
      state.batches.push({ statements: stmts.length, guards });
      state.guardsPerBatch.push(guards);
      const out = await real.batch(stmts);
      if (loseFirstGroupsAnswer && guards >= 2 && state.lostAnswers === 0) {
        state.lostAnswers++;
        throw new Error("network reset after commit");
      }
      return out;
    },
  };
  await runInDurableObject(env.SPACE_LEDGER.get(env.SPACE_LEDGER.idFromName(spaceId)), (ledger: SpaceLedger) => {
    state.restore = swapDb(ledger, db);
    waiting = () => (ledger as unknown as { queue: unknown[] }).queue.length; // the object's writes waiting for a batch
  });
  return state;
}

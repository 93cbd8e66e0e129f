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

/**
 * A disconnection is more than one D1 write (the status, then the credentials, then each account through its space's
 * ledger object). A crash after the status leaves a disconnected connection whose accounts still count; the next time
 * the connection is met (a second DELETE) finishes it.
 */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { callJson } from "../helpers";
import { as, linkPlaid, ownerWithSpace, waitForJob } from "./helpers";

it("a second DELETE of a connection whose disconnection stopped after its status finishes it: its accounts stop counting", { timeout: 120_000 }, async () => {
  const { owner, spaceId } = await ownerWithSpace();
  const { connection, jobId } = await linkPlaid(owner, spaceId);
  await waitForJob(jobId);
  // The crash: the status moved, nothing after it happened.
  await env.DB.prepare("UPDATE provider_connections SET status = 'disconnected', disconnected_at = ? WHERE id = ?").bind(Date.now(), connection.id).run();
  const summary = async () => (await callJson(`/v1/accounts/summary?spaceId=${spaceId}`, as(owner))).body as { totalCount: number; activeCount: number };
  expect(await summary()).toMatchObject({ totalCount: 2, activeCount: 2 });
  const again = await callJson(`/v1/providers/connections/${connection.id}`, { ...as(owner), method: "DELETE" });
  expect(again.status).toBe(409);
  expect(await summary()).toMatchObject({ totalCount: 2, activeCount: 0 });
});

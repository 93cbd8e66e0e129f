/**
 * A disconnection is more than one D1 write (the status, then the credentials, then each account through its space's
 * ledger object). A crash after the status leaves a disconnected connection whose accounts still count; the next time
 * the connection is met (a second DELETE) finishes it, and so does the hourly cron when nothing meets it again.
 */
import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { expect, it } from "vitest";
import { handleScheduled } from "../../src/jobs/scheduled";
import { openCredentials, getConnection } from "../../src/modules/providers/connections";
import { callJson } from "../helpers";
import { as, directServices, linkPlaid, ownerWithSpace, waitForJob } from "./helpers";

const hourly = () => handleScheduled(createScheduledController({ cron: "0 * * * *", scheduledTime: Date.now() }), env);

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

it("the hourly cron finishes a disconnection nothing met again, and leaves an account an admin made active again afterwards", { timeout: 120_000 }, async () => {
  const { owner, spaceId } = await ownerWithSpace();
  const summary = async () => (await callJson(`/v1/accounts/summary?spaceId=${spaceId}`, as(owner))).body as { totalCount: number; activeCount: number };
  const crashed = await linkPlaid(owner, spaceId);
  await waitForJob(crashed.jobId);
  // A second bank, disconnected in full, whose checking account an admin then makes active again to write on by hand.
  const kept = await linkPlaid(owner, spaceId);
  await waitForJob(kept.jobId);
  expect((await callJson(`/v1/providers/connections/${kept.connection.id}`, { ...as(owner), method: "DELETE" })).status).toBe(200);
  const reopened = (await env.DB.prepare("SELECT a.id FROM accounts a JOIN provider_accounts pa ON pa.account_id = a.id WHERE pa.connection_id = ? ORDER BY a.created_at LIMIT 1")
    .bind(kept.connection.id).first<{ id: string }>())!.id;
  expect((await callJson(`/v1/accounts/${reopened}`, { ...as(owner), method: "PATCH", body: { isActive: true } })).status).toBe(200);
  expect(await summary()).toMatchObject({ totalCount: 4, activeCount: 3 });

  // The crash: the first connection's status moved, nothing after it happened.
  await new Promise((r) => setTimeout(r, 5));
  await env.DB.prepare("UPDATE provider_connections SET status = 'disconnected', disconnected_at = ? WHERE id = ?").bind(Date.now(), crashed.connection.id).run();
  await hourly();
  expect(await summary()).toMatchObject({ totalCount: 4, activeCount: 1 });
  const active = (await env.DB.prepare("SELECT id FROM accounts WHERE space_id = ? AND is_active = 1").bind(spaceId).all<{ id: string }>()).results.map((r) => r.id);
  expect(active).toEqual([reopened]);
  // Its credentials are wiped too.
  const { svc } = directServices();
  expect(await openCredentials(env, (await getConnection(svc, crashed.connection.id))!)).toEqual({});
  // Run again: nothing more changes.
  await hourly();
  expect(await summary()).toMatchObject({ totalCount: 4, activeCount: 1 });
});

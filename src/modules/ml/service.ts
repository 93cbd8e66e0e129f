/**
 * The learning loop of a space: predictions (explained), corrections that
 * update the model at once and can recategorize similar transactions, and
 * full retraining through a queued job.
 */
import { eq } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { d1Statement } from "../../db/client";
import { batchGuard, refusedByGuard } from "../../lib/batch-guard";
import { jobs, mlCorrections, transactions } from "../../db/schema";
import { iso } from "../../lib/clock";
import { conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { INTERNAL_JOB_ERROR, logError } from "../../lib/log";
import { pagination } from "../../lib/pagination";
import { type Currency, CURRENCY_SCALES } from "../../lib/money";
import { rowReader } from "../../lib/sql";
import { heldAgain, relinkedAccountsSql } from "../../lib/relinks";
import { requireTwoFactor } from "../auth/second-factor";
import { parseAmountField } from "../transactions/postings";
import { recategorize } from "../transactions/recategorize";
import { categoriesById, requireCategory } from "../categories/lookup";
import { asMemberServices, batchAsMember, readResource, readSpace, requireRoleOver, requireSpaceRole } from "../spaces/access";
import { calibrate, type Example, features, type Prediction, predict, train } from "./model";
import { normalizeMerchant } from "./normalize";
import { exampleDelta, loadCounts, replaceModel } from "./store";

/** Predictions at or above this confidence categorize new transactions; below it they wait for review. */
export const AUTO_APPLY_CONFIDENCE = 0.7;

/**
 * Whether a prediction categorizes a transaction on its own: confident, learned from the transaction's own
 * merchant or words, and of the transaction's direction (spending is not filed under an income category, nor
 * money in under an expense one) unless the merchant itself was learned there (a refund from the same shop).
 */
export function autoApplies(p: Prediction, categoryType: string | null, signedAmount: number): boolean {
  if (p.confidence < AUTO_APPLY_CONFIDENCE || p.support === null) return false;
  const against = (categoryType === "expense" && signedAmount > 0) || (categoryType === "income" && signedAmount < 0);
  return !against || p.support === "merchant";
}

export async function predictCategory(svc: Services, spaceId: string, x: Example) {
  const { counts, temperature } = await loadCounts(svc, spaceId, features(x));
  return predict(counts, x, temperature);
}

export async function predictForUser(svc: Services, auth: AuthContext, input: { spaceId: string; description: string; merchantName?: string; amount?: number | string }) {
  const { space } = await requireSpaceRole(svc, auth, input.spaceId, "viewer");
  // Read as every money input is (a number or a decimal string at the currency's scale); only its sign is used.
  const signed = input.amount === undefined ? -1 : Math.sign(parseAmountField("amount", input.amount, CURRENCY_SCALES[space.currency as Currency]));
  const p = await predictCategory(svc, input.spaceId, {
    merchantName: input.merchantName ?? null,
    description: input.description,
    amountMinor: signed,
  });
  if (!p) return { categoryId: null, categoryName: null, confidence: 0, autoApply: false, explanation: { normalizedMerchant: normalizeMerchant(input.merchantName), matchedMerchant: null, tokens: [] }, alternatives: [] };
  const names = await categoriesById(svc, p.ranked.map((r) => r.categoryId));
  return {
    categoryId: p.categoryId,
    categoryName: names.get(p.categoryId)?.name ?? null,
    confidence: p.confidence,
    autoApply: autoApplies(p, names.get(p.categoryId)?.type ?? null, signed),
    explanation: { normalizedMerchant: normalizeMerchant(input.merchantName), matchedMerchant: p.merchant, tokens: p.evidence },
    alternatives: p.ranked.slice(1).map((r) => ({ categoryId: r.categoryId, categoryName: names.get(r.categoryId)?.name ?? null, confidence: r.probability })),
  };
}

const exampleOf = (t: { merchantName: string | null; description: string; amount: number }): Example => ({
  merchantName: t.merchantName,
  description: t.description,
  amountMinor: t.amount,
});

export async function createCorrection(svc: Services, auth: AuthContext, input: { transactionId: string; correctedCategoryId: string; applyToSimilar: boolean }) {
  const tx = await svc.db.select().from(transactions).where(eq(transactions.id, input.transactionId)).get();
  if (!tx) throw notFound("Transaction");
  await requireRoleOver(svc, auth, tx.spaceId, "member", "Transaction");
  await requireCategory(svc, tx.spaceId, input.correctedCategoryId, "correctedCategoryId");
  const now = svc.clock.now();
  const feats = features(exampleOf(tx));
  const prior = await predictCategory(svc, tx.spaceId, exampleOf(tx));
  const db = svc.env.DB;
  // Categories change through the space's ledger, which reclassifies the amounts in the same batch.
  const merchant = tx.normalizedMerchant ?? normalizeMerchant(tx.merchantName);
  const similarIds = input.applyToSimilar && merchant !== null
    ? (
        await db.prepare(
          `SELECT id FROM transactions
            WHERE space_id = ? AND normalized_merchant = ? AND id != ? AND status != 'cancelled'
              -- Cash flows only, as rules file them (apply-rules): a bank's transfer to or from the same merchant (a
              -- synced row carried as a transfer keeps the bank's merchant), a trade or a balance put in place is no
              -- purchase to file beside the corrected one.
              AND type NOT IN ('transfer', 'trade') AND (subtype IS NULL OR subtype NOT IN ('opening_balance', 'adjustment'))
              AND (category_source IS NULL OR category_source != 'manual') AND (category_id IS NULL OR category_id != ?)`,
        ).bind(tx.spaceId, merchant, tx.id, input.correctedCategoryId).all<{ id: string }>()
      ).results.map((r) => r.id)
    : [];
  // Only while the caller is still a member of the live space (a removal or deletion since the check above answers
  // as a request after it would: the transaction's 404, a viewer's 403).
  const changed = await recategorize(asMemberServices(svc, auth, tx.spaceId, "member", "Transaction"), tx.spaceId, [
    { transactionId: tx.id, categoryId: input.correctedCategoryId, categorySource: "manual" },
    // A hand-set category that appeared since the look-up is left alone.
    ...similarIds.map((transactionId) => ({ transactionId, categoryId: input.correctedCategoryId, categorySource: "manual" as const, unlessManual: true })),
  ]);
  const affected = changed.filter((x) => x !== tx.id).length;
  // The model holds one example of a transaction at most: the label it learned of it is taken back, and only that
  // (taking back a label it never learned, set by hand or by a rule since the last training, would unlearn other
  // examples' words and category), and a label it already holds is not learned again. A correction sent twice (a
  // double tap, a retry) counted the transaction twice, so a later correction took back one and left the other.
  // What the model holds is read, then written only while it still holds it (no correction of the transaction nor
  // training since): two corrections at once both read the label from before either, and each taught it.
  let id = "";
  for (let attempt = 1; ; attempt++) {
    const held = await learnedLabel(svc, tx);
    const statements: D1PreparedStatement[] = [
      batchGuard(
        db,
        `(SELECT id FROM ml_corrections WHERE space_id = ? AND transaction_id = ? ORDER BY created_at DESC, id DESC LIMIT 1) IS ?
           AND (SELECT trained_at FROM ml_models WHERE space_id = ?) IS ?`,
        [tx.spaceId, tx.id, held.latestId, tx.spaceId, held.trained],
      ),
    ];
    if (held.label !== input.correctedCategoryId) {
      statements.push(...exampleDelta(db, tx.spaceId, feats, input.correctedCategoryId, 1));
      if (held.label !== null) statements.push(...exampleDelta(db, tx.spaceId, feats, held.label, -1));
    }
    // After the latest correction read (the guard holds it still), so that this one is the latest: the label it
    // leaves the model holding is the one the next correction takes back.
    const at = Math.max(now, (held.latestAt ?? -Infinity) + 1);
    id = newId("corr", at);
    statements.push(
      db.prepare(
        `INSERT INTO ml_corrections (id, space_id, transaction_id, original_category_id, corrected_category_id, merchant_name, normalized_merchant, confidence, status, affected_transactions, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'applied', ?, ?)`,
      ).bind(id, tx.spaceId, tx.id, tx.categoryId, input.correctedCategoryId, tx.merchantName, merchant, prior?.confidence ?? null, affected, at),
    );
    // Not behind batchAsMember: the recategorization above has landed (behind its own guard), so the correction and
    // what the model learns from it are recorded with it. Refusing them after it answered a 404 for a change that
    // stood, and the model never learned it (review of QA 12-F's fixes).
    try {
      await db.batch(statements);
      break;
    } catch (err) {
      if (refusedByGuard(err) && attempt < CORRECTION_ATTEMPTS) continue;
      // Corrected again and again meanwhile: the category is set, what the model learns of it is for the caller to send again.
      if (refusedByGuard(err)) throw conflict("The transaction was corrected again while this correction was recorded; send it again");
      throw err;
    }
  }
  return {
    correctionId: id,
    affectedTransactions: affected,
    message: affected > 0 ? `Correction applied to ${affected} similar transactions` : "Correction applied",
  };
}

/**
 * The label the model holds of `tx`, or null when it holds none (or none it can tell): the category of the latest
 * correction of it since the model was last trained (each correction replaces the one before: see createCorrection),
 * else the category the training learned, when the transaction's hand or rule label has not changed since. A
 * category set by hand after a correction (a PATCH, which teaches nothing) is not what the model holds: the
 * correction's is, and it is the one a later correction takes back.
 */
async function learnedLabel(
  svc: Services, tx: { id: string; spaceId: string; categoryId: string | null; categorySource: string | null; updatedAt: number },
): Promise<{ label: string | null; latestId: string | null; latestAt: number | null; trained: number | null }> {
  const r = await svc.env.DB.prepare(
    `SELECT c.id AS latestId, c.corrected_category_id AS corrected, c.created_at AS correctedAt, (SELECT trained_at FROM ml_models WHERE space_id = ?2) AS trained
       FROM (SELECT 1) LEFT JOIN (SELECT id, corrected_category_id, created_at FROM ml_corrections WHERE space_id = ?2 AND transaction_id = ?1
                                   ORDER BY created_at DESC, id DESC LIMIT 1) c`,
  ).bind(tx.id, tx.spaceId).first<{ latestId: string | null; corrected: string | null; correctedAt: number | null; trained: number | null }>();
  const read = { latestId: r?.latestId ?? null, latestAt: r?.correctedAt ?? null, trained: r?.trained ?? null };
  if (r?.corrected != null && (r.trained == null || r.correctedAt! >= r.trained)) return { label: r.corrected, ...read };
  const trainedOnIt = r?.trained != null && r.trained >= tx.updatedAt && (tx.categorySource === "manual" || tx.categorySource === "rule");
  return { label: trainedOnIt ? tx.categoryId : null, ...read };
}

const correctionOf = rowReader(mlCorrections);
const jobOf = rowReader(jobs);

export async function listCorrections(svc: Services, auth: AuthContext, q: { spaceId: string; status?: "pending" | "applied" | "rejected"; limit: number; offset: number }) {
  const db = svc.env.DB;
  const { results: [rows, total] } = await readSpace(svc, auth, q.spaceId, "viewer", (space) => {
    const where = `space_id = ${space.sql}${q.status ? " AND status = ?" : ""}`;
    const params = [...space.params, ...(q.status ? [q.status] : [])];
    return [
      db.prepare(`SELECT * FROM ml_corrections WHERE ${where} ORDER BY created_at DESC LIMIT ? OFFSET ?`).bind(...params, q.limit, q.offset),
      db.prepare(`SELECT COUNT(*) AS n FROM ml_corrections WHERE ${where}`).bind(...params),
    ];
  });
  return {
    corrections: (rows!.results as Record<string, unknown>[]).map(correctionOf).map((r) => ({ ...r, createdAt: iso(r.createdAt) })),
    pagination: pagination((total!.results[0] as { n: number }).n, q.limit, q.offset),
  };
}

export const RETRAIN_JOB = "ml.retrain";

export async function requestRetrain(svc: Services, auth: AuthContext, spaceId: string) {
  await requireSpaceRole(svc, auth, spaceId, "admin");
  requireTwoFactor(auth, svc.clock.now());
  const now = svc.clock.now();
  const id = newId("job", now);
  // Only while the caller is still an admin of the live space: one deleted meanwhile queues no job.
  await batchAsMember(svc, auth, spaceId, "admin", [d1Statement(svc.env.DB, svc.db.insert(jobs).values({ id, spaceId, type: RETRAIN_JOB, status: "queued", createdAt: now }))]);
  await svc.env.SYNC_QUEUE.send({ type: RETRAIN_JOB, jobId: id, spaceId });
  return { jobId: id, status: "queued" as const, estimatedCompletion: iso(now + 60_000) };
}

export async function getJob(svc: Services, auth: AuthContext, jobId: string) {
  const job = jobOf((await readResource(svc, auth, "jobs", jobId, "Job", "admin")).row);
  requireTwoFactor(auth, svc.clock.now());
  return {
    jobId: job.id, spaceId: job.spaceId, type: job.type, status: job.status,
    result: job.result ? JSON.parse(job.result) : null, error: job.error,
    createdAt: iso(job.createdAt), startedAt: job.startedAt ? iso(job.startedAt) : null, finishedAt: job.finishedAt ? iso(job.finishedAt) : null,
  };
}

/** Deterministic 80/20 split by id, so a retrain is reproducible. */
const inHoldout = (id: string) => [...id].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % 5 === 0;

/** Times a correction reads what the model holds again when another correction or a training wrote first. */
const CORRECTION_ATTEMPTS = 5;

/** Times a retrain reads and trains again when the model changed while it trained (see runRetrain). */
const RETRAIN_ATTEMPTS = 3;

/**
 * The queue job: rebuilds the space's model from its hand- and rule-categorized transactions, each bank transaction
 * once. The model replaces the space's only if nothing of its categorizer changed since the examples were read (its
 * version, migration 0019, read in the same snapshot): a correction that landed while it trained was wiped by the
 * replacement, though its transaction was read with its old label, so the model forgot what the user had just taught
 * it. Then it reads and trains again.
 */
export async function runRetrain(svc: Services, jobId: string, spaceId: string): Promise<void> {
  const started = svc.clock.now();
  // A space deleted since the job was queued: nothing of it is read or trained on, and no model of it is stored.
  if (!(await spaceLive(svc, spaceId))) return failForDeletedSpace(svc, jobId);
  await svc.db.update(jobs).set({ status: "running", startedAt: started }).where(eq(jobs.id, jobId));
  try {
    const db = svc.env.DB;
    for (let attempt = 1; ; attempt++) {
      // A bank disconnected and linked again holds its history twice, and its successor's copies take the user's
      // categories (relink-carry.ts): the old copies the successor holds again are left out, as analytics leave them
      // out (relinks.ts), so each bank transaction teaches once. A row the user wrote on the old account still does.
      const [{ results: rows }, versionRead] = await db.batch([
        db.prepare(
          `WITH relinked(id, since) AS MATERIALIZED (${relinkedAccountsSql("?1")})
           SELECT t.id, t.merchant_name AS merchantName, t.description, t.amount, t.category_id AS categoryId
             FROM transactions t
            WHERE t.space_id = ?1 AND t.status != 'cancelled' AND t.category_source IN ('manual', 'rule') AND t.category_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM relinked r WHERE r.id = t.account_id AND ${heldAgain("t", "r.since")})`,
        ).bind(spaceId),
        db.prepare("SELECT COALESCE((SELECT version FROM categorizer_versions WHERE space_id = ?), 0) AS version").bind(spaceId),
      ]) as [D1Result<{ id: string; merchantName: string | null; description: string; amount: number; categoryId: string }>, D1Result<{ version: number }>];
      const version = versionRead.results[0]!.version;
      const examples = rows.map((r) => ({ id: r.id, x: exampleOf(r), category: r.categoryId }));
      const fit = examples.filter((e) => !inHoldout(e.id));
      const holdout = examples.filter((e) => inHoldout(e.id));
      const partial = train(fit);
      const temperature = calibrate(partial, holdout);
      const holdoutAccuracy = holdout.length ? holdout.filter((h) => predict(partial, h.x)?.categoryId === h.category).length / holdout.length : null;
      const full = train(examples);
      const now = svc.clock.now();
      // First in the batch: the replacement's own writes move the version.
      // And only while the space is live: one deleted while it trained keeps no model.
      const unchanged = batchGuard(
        db, "COALESCE((SELECT version FROM categorizer_versions WHERE space_id = ?), 0) = ? AND EXISTS (SELECT 1 FROM spaces WHERE id = ? AND deleted_at IS NULL)",
        [spaceId, version, spaceId],
      );
      try {
        await db.batch([unchanged, ...replaceModel(db, spaceId, full, temperature, examples.length, now)]);
      } catch (err) {
        if (refusedByGuard(err) && !(await spaceLive(svc, spaceId))) return failForDeletedSpace(svc, jobId);
        if (refusedByGuard(err) && attempt < RETRAIN_ATTEMPTS) continue;
        if (refusedByGuard(err)) throw new RetrainGaveUp(`The space's categories or model kept changing while it trained (${RETRAIN_ATTEMPTS} attempts); retrain again later`);
        throw err;
      }
      await svc.db.update(jobs).set({
        status: "completed", finishedAt: now,
        result: JSON.stringify({ samples: examples.length, categories: full.catDocs.size, vocabulary: full.vocabulary, temperature, holdoutAccuracy }),
      }).where(eq(jobs.id, jobId));
      return;
    }
  } catch (err) {
    // The job's error is read back by GET /v1/ml/jobs/{id}: its own words for giving up, never a D1 error's (its SQL).
    if (!(err instanceof RetrainGaveUp)) logError(undefined, "ml.retrain_failed", err, { jobId, spaceId });
    const error = err instanceof RetrainGaveUp ? err.message : INTERNAL_JOB_ERROR;
    await svc.db.update(jobs).set({ status: "failed", finishedAt: svc.clock.now(), error }).where(eq(jobs.id, jobId));
    throw err;
  }
}

const spaceLive = async (svc: Services, spaceId: string) =>
  (await svc.env.DB.prepare("SELECT 1 AS live FROM spaces WHERE id = ? AND deleted_at IS NULL").bind(spaceId).first()) !== null;

/** Why a retrain of a deleted space did nothing. */
export const RETRAIN_SPACE_DELETED = "Space deleted: the retrain stopped and stored no model";

async function failForDeletedSpace(svc: Services, jobId: string): Promise<void> {
  await svc.db.update(jobs).set({ status: "failed", finishedAt: svc.clock.now(), error: RETRAIN_SPACE_DELETED }).where(eq(jobs.id, jobId));
}

/** A retrain that stopped trying, in words for its reader. */
class RetrainGaveUp extends Error {}


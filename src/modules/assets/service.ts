/**
 * Manual assets: real estate, vehicles, collectibles, private holdings and
 * other things a space owns outside its accounts. Each has a currency and a
 * valuation history in exact minor units; the latest valuation (by the
 * instant it takes effect) is the asset's current value.
 */
import { and, eq, gte, isNull, or } from "drizzle-orm";
import type { AuthContext, Services } from "../../env";
import { assetDocuments, assetValuations, manualAssets } from "../../db/schema";
import { d1Statement } from "../../db/client";
import { type AssetType } from "../../db/schema-assets";
import { iso } from "../../lib/clock";
import { notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { type Currency, CURRENCY_SCALES, formatMinor, moneyFields, toMajorNumber } from "../../lib/money";
import { pagination } from "../../lib/pagination";
import { entityRows, guardedValue, rowReader, type SqlGuard } from "../../lib/sql";
import { batchGuard, refusedByGuard } from "../../lib/batch-guard";
import { MAX_ASSETS_PER_SPACE } from "./schemas";
import { parseYmd, zonedMidnight } from "../../lib/zoned-time";
import { todayIn } from "../../lib/dates";
import { parseAmountField } from "../transactions/postings";
import { batchAsMember, type Membership, type Role, readResource, readSpace, requireSpaceRole } from "../spaces/access";
import { deleteTombstoned, removalStatements } from "../documents/tombstones";

export type AssetRow = typeof manualAssets.$inferSelect;
export type ValuationRow = typeof assetValuations.$inferSelect;

/**
 * Whether the asset's latest valuation already records this provider value (same source, day and value): a refresh
 * asked for again the same day stores no copy of it (three rows of 320.00 on one day were two clicks and the cron).
 */
export const recordsAlready = (latest: ValuationRow | null, v: { value: number; date: string; source: string }): latest is ValuationRow =>
  latest !== null && latest.value === v.value && latest.date === v.date && latest.source === v.source;

export interface AddressFields {
  address: string;
  city: string;
  state: string;
  zipCode: string;
}

export const scaleOf = (currency: string) => CURRENCY_SCALES[currency as Currency] ?? 2;

/** Parses a major-unit value for an asset: exact, never rounded, and not negative. */
export function parseAssetValue(field: string, value: number | string, currency: string): number {
  const minor = parseAmountField(field, value, scaleOf(currency));
  if (minor < 0) throw validationFailed([{ field, message: "An asset's value cannot be negative", code: "NEGATIVE_VALUE" }]);
  return minor;
}

export function presentValuation(v: ValuationRow) {
  const scale = scaleOf(v.currency);
  return {
    id: v.id,
    assetId: v.assetId,
    ...moneyFields("value", v.value, scale),
    currency: v.currency,
    date: v.date,
    valuedAt: iso(v.valuedAt),
    source: v.source,
    notes: v.notes,
    createdAt: iso(v.createdAt),
  };
}

const addressOf = (a: AssetRow): AddressFields | null =>
  a.addressLine && a.city && a.state && a.zipCode ? { address: a.addressLine, city: a.city, state: a.state, zipCode: a.zipCode } : null;

export function presentAsset(a: AssetRow, latest: Pick<ValuationRow, "value" | "date" | "source"> | null) {
  const scale = scaleOf(a.currency);
  return {
    id: a.id,
    spaceId: a.spaceId,
    name: a.name,
    type: a.type,
    currency: a.currency,
    description: a.description,
    currentValue: latest ? toMajorNumber(latest.value, scale) : null,
    currentValueDecimal: latest ? formatMinor(latest.value, scale) : null,
    valuationDate: latest?.date ?? null,
    valuationSource: latest?.source ?? null,
    address: addressOf(a),
    collectibleLink:
      a.collectibleProvider && a.collectibleCategory && a.collectibleExternalId
        ? { provider: a.collectibleProvider, category: a.collectibleCategory, externalId: a.collectibleExternalId, name: a.collectibleName }
        : null,
    disposedOn: a.disposedOn,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

const readAsset = rowReader(manualAssets);
const readValuation = rowReader(assetValuations);

/**
 * The asset and the caller's membership of its space (at least `min`), with the reads `reads` builds, in one
 * round trip; a missing asset, or one in a space the caller cannot see, is a 404 naming the asset. `reads`
 * gets `asset`, the asset's id as SQL, NULL unless the caller may see its space: a read keyed by it
 * (`asset_id = ${asset.sql}`) uses the asset_id index and reads nothing for a stranger.
 */
export async function assetFor(
  svc: Services,
  auth: AuthContext,
  assetId: string,
  min: Role,
  reads: (asset: SqlGuard) => D1PreparedStatement[] = () => [],
): Promise<{ asset: AssetRow; membership: Membership; results: D1Result[] }> {
  const { row, membership, results } = await readResource(svc, auth, "manual_assets", assetId, "Asset", min, (space) =>
    reads(guardedValue(assetId, { sql: `${space.sql} IS NOT NULL`, params: space.params })),
  );
  return { asset: readAsset(row), membership, results };
}

/**
 * The SQL condition on an `asset_valuations` row (aliased `v`) of an asset whose `disposed_on` is the SQL expression
 * `disposedOn`: a valuation it counted while held: a sold asset's value is its last one by the sale's day (the sale price,
 * recorded that day), not one recorded after it (a refresh made before the sale was entered).
 */
const heldValuation = (v: string, disposedOn: string) => `${v}.date <= COALESCE(${disposedOn}, ${v}.date)`;

/**
 * Which valuation is an asset's value: the one of the latest day (`date`, the space's day it is as of), and of that
 * day's the last entered. A correction dated a past day, entered after a value was recorded during that day (a PATCH,
 * a sync, the refresh cron), is that day's value: by effective instant alone the one recorded at 15:00 would sort
 * after the corrected day's midnight for ever, and the correction would change nothing anywhere.
 *
 * In SQL that is two index seeks on (asset_id, valued_at): the latest row by effective instant names the latest day
 * (a day's instants all follow the previous day's), and that day's rows lie within SAME_DAY_MS before it (a local day
 * is at most 25 hours; two days leave room for a space whose zone changed).
 */
export const SAME_DAY_MS = 2 * 86_400_000;
const latestFirst = (v: string) => `${v}.valued_at DESC, ${v}.created_at DESC, ${v}.id DESC`;

/** The valuation in effect at `atMs` (default: now and ever) of the asset `asset` names: the last entered of the latest day. */
export const latestValuationRead = (db: D1Database, asset: SqlGuard, atMs = Number.MAX_SAFE_INTEGER) =>
  db.prepare(`WITH top AS (
                SELECT t.asset_id, t.date, t.valued_at FROM asset_valuations t WHERE t.asset_id = ${asset.sql} AND t.valued_at <= ?
                   AND ${heldValuation("t", "(SELECT disposed_on FROM manual_assets WHERE id = t.asset_id)")}
                 ORDER BY ${latestFirst("t")} LIMIT 1)
              SELECT v.* FROM top JOIN asset_valuations v ON v.asset_id = top.asset_id AND v.date = top.date
                   AND v.valued_at > top.valued_at - ${SAME_DAY_MS} AND v.valued_at <= ?
                   AND ${heldValuation("v", "(SELECT disposed_on FROM manual_assets WHERE id = v.asset_id)")}
               ORDER BY v.created_at DESC, v.id DESC LIMIT 1`)
    .bind(...asset.params, atMs, atMs);

/** latestValuationRead's answer. */
export const latestValuationOf = (res: D1Result | undefined): ValuationRow | null => {
  const raw = res?.results[0] as Record<string, unknown> | undefined;
  return raw ? readValuation(raw) : null;
};

/** latestValuationRead on its own, for a caller whose checks are done. */
export async function latestValuation(svc: Services, assetId: string, atMs = Number.MAX_SAFE_INTEGER): Promise<ValuationRow | null> {
  return latestValuationOf(await latestValuationRead(svc.env.DB, guardedValue(assetId), atMs).all());
}

/**
 * Where a user-written day lands: its first instant in the space's zone; never after today. Today is now: a
 * valuation dated today takes effect when recorded, over one recorded earlier today (at midnight it would sort
 * before it and never be the asset's value).
 */
function effectiveInstant(svc: Services, date: string | undefined, timezone: string, field: string): { date: string; valuedAt: number } {
  const now = svc.clock.now();
  const today = todayIn(now, timezone);
  if (date === undefined || date === today) return { date: today, valuedAt: now };
  if (date > today) throw validationFailed([{ field, message: "A valuation cannot be dated in the future", code: "FUTURE_DATE" }]);
  return { date, valuedAt: zonedMidnight(parseYmd(date), timezone) };
}

/**
 * A valuation dated after the asset's disposal is refused: the space no longer held it, and net worth would never
 * count it. One dated the disposal day itself is taken (what it was sold for).
 */
export function refuseAfterDisposal(asset: Pick<AssetRow, "disposedOn">, date: string, field: string) {
  if (asset.disposedOn !== null && date > asset.disposedOn) {
    throw validationFailed([{
      field,
      message: `The asset was disposed of on ${asset.disposedOn}; a valuation cannot be dated after that (clear disposedOn first if it is held again)`,
      code: "ASSET_DISPOSED",
    }]);
  }
}

/**
 * The statement that stores `row` only while its asset holds it on the valuation's day: the asset still exists (a delete
 * racing the write leaves no orphan row) and was not disposed of before that day (a disposal recorded since the asset was
 * read wins). The asset was read a round trip earlier, so the check lives in the statement.
 */
const heldValuationInsert = (db: D1Database, row: ValuationRow) => db.prepare(
  `INSERT INTO asset_valuations (id, asset_id, space_id, value, currency, date, valued_at, source, notes, refresh_day, created_by, created_at)
   SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
    WHERE EXISTS (SELECT 1 FROM manual_assets WHERE id = ?2 AND (disposed_on IS NULL OR disposed_on >= ?6))`,
).bind(row.id, row.assetId, row.spaceId, row.value, row.currency, row.date, row.valuedAt, row.source, row.notes, row.refreshDay, row.createdBy, row.createdAt);

/** Why a valuation of an asset read earlier found nothing to write: deleted since (404), or disposed of before its day. */
async function refuseLostValuation(svc: Services, assetId: string, date: string, field: string): Promise<never> {
  const now = await svc.env.DB.prepare("SELECT disposed_on FROM manual_assets WHERE id = ?").bind(assetId).first<{ disposed_on: string | null }>();
  if (now) refuseAfterDisposal({ disposedOn: now.disposed_on }, date, field);
  throw notFound("Asset");
}

/**
 * Stores a valuation of an asset the caller read and checked: heldValuationInsert, and its refusal if it wrote nothing.
 * A member's (`by`) lands only while they may still write in the live space (batchAsMember: a deletion meanwhile is
 * the asset's 404).
 */
export async function storeValuation(svc: Services, row: ValuationRow, field: string, by?: AuthContext): Promise<void> {
  const insert = heldValuationInsert(svc.env.DB, row);
  const res = by ? (await batchAsMember(svc, by, row.spaceId, "member", [insert], { resource: "Asset" }))[0]! : await insert.run();
  if ((res.meta.changes ?? 0) === 0) await refuseLostValuation(svc, row.assetId, row.date, field);
}

/**
 * The disposal day a client wrote, checked: not after today in the space's zone (a sale not yet made is not
 * recorded ahead: net worth, the list and the refresh cron would treat it as done on a day still to come), and
 * not before `held` (the day of the asset's first valuation, from when net worth counts it: a disposal before
 * it would leave the asset in no day at all, which is a DELETE).
 */
function checkDisposal(svc: Services, disposedOn: string, timezone: string, held: string | null) {
  const today = todayIn(svc.clock.now(), timezone);
  if (disposedOn > today) throw validationFailed([{ field: "disposedOn", message: `Cannot be after today (${today} in the space's time zone)`, code: "FUTURE_DATE" }]);
  if (held !== null && disposedOn < held) {
    throw validationFailed([{ field: "disposedOn", message: `Cannot be before the asset's first valuation (${held})`, code: "BEFORE_FIRST_VALUATION" }]);
  }
}

export interface NewValuation {
  value: number;
  date: string;
  valuedAt: number;
  source: string;
  notes?: string | null;
  refreshDay?: string | null;
  createdBy?: string | null;
}

export function valuationRow(asset: AssetRow, v: NewValuation, now: number): ValuationRow {
  return {
    id: newId("val", now), assetId: asset.id, spaceId: asset.spaceId, value: v.value, currency: asset.currency, date: v.date,
    valuedAt: v.valuedAt, source: v.source, notes: v.notes ?? null, refreshDay: v.refreshDay ?? null, createdBy: v.createdBy ?? null, createdAt: now,
  };
}

export async function createAsset(
  svc: Services,
  auth: AuthContext,
  input: {
    spaceId: string; name: string; type: AssetType; currency: string; value: number | string; valuationDate?: string; description?: string;
    address?: AddressFields; disposedOn?: string | null;
  },
) {
  const { space } = await requireSpaceRole(svc, auth, input.spaceId, "member");
  const value = parseAssetValue("value", input.value, input.currency);
  const when = effectiveInstant(svc, input.valuationDate, space.timezone, "valuationDate");
  // An asset held in the past and already gone (recorded for the history): its first valuation is this one.
  const disposedOn = input.disposedOn ?? null;
  if (disposedOn !== null && input.valuationDate === undefined && disposedOn < when.date) {
    // Without a day, the value is today's, after the disposal: say what is missing rather than that the day is early.
    throw validationFailed([{
      field: "valuationDate", code: "REQUIRED",
      message: "Required with a past disposedOn: the day the asset was worth this value (without one, the value is today's, after the disposal)",
    }]);
  }
  if (disposedOn !== null) checkDisposal(svc, disposedOn, space.timezone, when.date);
  const now = svc.clock.now();
  const db = svc.env.DB;
  const asset: AssetRow = {
    id: newId("ast", now), spaceId: input.spaceId, name: input.name, type: input.type, currency: input.currency,
    description: input.description ?? null, addressLine: input.address?.address ?? null, city: input.address?.city ?? null,
    state: input.address?.state ?? null, zipCode: input.address?.zipCode ?? null, propertyId: null,
    collectibleProvider: null, collectibleCategory: null, collectibleExternalId: null, collectibleName: null, disposedOn, createdAt: now, updatedAt: now,
  };
  const valuation = valuationRow(asset, { value, ...when, source: "manual", createdBy: auth.userId }, now);
  // Only while the caller may still write in the live space: one deleted meanwhile keeps no asset (batchAsMember). The
  // space's assets are counted in the insert itself (concurrent creates cannot all pass a count read before any of them
  // inserts), and a guard fails the batch, valuation and all, when the count kept the asset out.
  const a = entityRows(manualAssets, [asset]);
  try {
    await batchAsMember(svc, auth, input.spaceId, "member", [
      db.prepare(`INSERT INTO ${a.table} (${a.columns.join(", ")}) SELECT ${a.columns.map(() => "?").join(", ")} WHERE (SELECT COUNT(*) FROM ${a.table} WHERE space_id = ?) < ?`)
        .bind(...a.rows[0]!, asset.spaceId, MAX_ASSETS_PER_SPACE),
      batchGuard(db, "EXISTS (SELECT 1 FROM manual_assets WHERE id = ?)", [asset.id]),
      d1Statement(db, svc.db.insert(assetValuations).values(valuation)),
    ], { otherGuards: true });
  } catch (err) {
    if (!refusedByGuard(err)) throw err;
    throw validationFailed([{ field: "spaceId", message: `A space may have at most ${MAX_ASSETS_PER_SPACE} assets; delete one first`, code: "LIMIT_REACHED" }]);
  }
  return presentAsset(asset, valuation);
}

interface JoinedRow {
  id: string; space_id: string; name: string; type: AssetType; currency: string; description: string | null; address_line: string | null;
  city: string | null; state: string | null; zip_code: string | null; property_id: string | null; collectible_provider: string | null;
  collectible_category: string | null; collectible_external_id: string | null; collectible_name: string | null; disposed_on: string | null;
  created_at: number; updated_at: number; v_value: number | null; v_date: string | null; v_source: string | null;
}

const fromJoined = (r: JoinedRow): { asset: AssetRow; latest: Pick<ValuationRow, "value" | "date" | "source"> | null } => ({
  asset: {
    id: r.id, spaceId: r.space_id, name: r.name, type: r.type, currency: r.currency, description: r.description, addressLine: r.address_line,
    city: r.city, state: r.state, zipCode: r.zip_code, propertyId: r.property_id, collectibleProvider: r.collectible_provider,
    collectibleCategory: r.collectible_category, collectibleExternalId: r.collectible_external_id, collectibleName: r.collectible_name,
    disposedOn: r.disposed_on, createdAt: r.created_at, updatedAt: r.updated_at,
  },
  latest: r.v_value === null ? null : { value: r.v_value, date: r.v_date!, source: r.v_source! },
});

/** The list's filters on `manual_assets a`, and their parameters. */
function listFilters(q: { type?: AssetType; disposed?: "true" | "false" }) {
  const sql = [q.type ? "AND a.type = ?" : "", q.disposed === undefined ? "" : `AND a.disposed_on IS ${q.disposed === "true" ? "NOT " : ""}NULL`].join(" ");
  return { sql, params: q.type ? [q.type] : [] };
}

/** Each asset of the space `space` names with its latest valuation (as latestValuationRead chooses), chosen in SQL (one statement). */
const LIST_SQL = (space: SqlGuard, filters: string) => `
  SELECT a.*, v.value AS v_value, v.date AS v_date, v.source AS v_source
    FROM manual_assets a
    LEFT JOIN asset_valuations t ON t.id = (
      SELECT h.id FROM asset_valuations h WHERE h.asset_id = a.id AND ${heldValuation("h", "a.disposed_on")}
       ORDER BY ${latestFirst("h")} LIMIT 1)
    LEFT JOIN asset_valuations v ON v.id = (
      SELECT h.id FROM asset_valuations h WHERE h.asset_id = a.id AND h.date = t.date AND h.valued_at > t.valued_at - ${SAME_DAY_MS}
         AND h.valued_at <= t.valued_at AND ${heldValuation("h", "a.disposed_on")}
       ORDER BY h.created_at DESC, h.id DESC LIMIT 1)
   WHERE a.space_id = ${space.sql} ${filters}
   ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?`;

export async function listAssets(
  svc: Services,
  auth: AuthContext,
  q: { spaceId: string; type?: AssetType; disposed?: "true" | "false"; limit: number; offset: number },
) {
  const db = svc.env.DB;
  const f = listFilters(q);
  const { results: [rows, count] } = await readSpace(svc, auth, q.spaceId, "viewer", (space) => [
    db.prepare(LIST_SQL(space, f.sql)).bind(...space.params, ...f.params, q.limit, q.offset),
    db.prepare(`SELECT COUNT(*) AS n FROM manual_assets a WHERE a.space_id = ${space.sql} ${f.sql}`).bind(...space.params, ...f.params),
  ]);
  const total = (count!.results[0] as { n: number }).n;
  return {
    assets: (rows!.results as unknown as JoinedRow[]).map((r) => { const j = fromJoined(r); return presentAsset(j.asset, j.latest); }),
    pagination: pagination(total, q.limit, q.offset),
  };
}

export async function getAsset(svc: Services, auth: AuthContext, assetId: string) {
  const { asset, results: [latest] } = await assetFor(svc, auth, assetId, "viewer", (a) => [latestValuationRead(svc.env.DB, a)]);
  return presentAsset(asset, latestValuationOf(latest));
}

export async function updateAsset(
  svc: Services,
  auth: AuthContext,
  assetId: string,
  patch: { name?: string; description?: string | null; address?: AddressFields | null; value?: number | string; disposedOn?: string | null },
) {
  const db = svc.env.DB;
  const disposing = typeof patch.disposedOn === "string";
  const { asset, membership, results: [first] } = await assetFor(svc, auth, assetId, "member", (a) =>
    disposing ? [db.prepare(`SELECT MIN(date) AS held FROM asset_valuations WHERE asset_id = ${a.sql}`).bind(...a.params)] : []);
  const tz = membership.space.timezone;
  if (disposing) checkDisposal(svc, patch.disposedOn!, tz, (first!.results[0] as { held: string | null } | undefined)?.held ?? null);
  const disposedOn = patch.disposedOn === undefined ? asset.disposedOn : patch.disposedOn;
  const value = patch.value === undefined ? undefined : parseAssetValue("value", patch.value, asset.currency);
  const when = value === undefined ? null : effectiveInstant(svc, undefined, tz, "value");
  // Judged against the disposal this patch leaves: one clearing it (an undo) takes a value in the same request.
  if (when) refuseAfterDisposal({ disposedOn }, when.date, "value");
  const now = svc.clock.now();
  // Only the fields this PATCH names are written: two PATCHes of different fields at once both land (a whole-row write
  // would put back what the other changed), and the answer is the row as stored after it.
  const set: Partial<AssetRow> = { updatedAt: now };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.address !== undefined) {
    Object.assign(set, { addressLine: patch.address?.address ?? null, city: patch.address?.city ?? null, state: patch.address?.state ?? null, zipCode: patch.address?.zipCode ?? null });
    // A new address is a different property: look it up again.
    set.propertyId = null;
  }
  if (patch.disposedOn !== undefined) set.disposedOn = patch.disposedOn;
  const valuation = value === undefined ? null : valuationRow(asset, { value, ...when!, source: "manual", createdBy: auth.userId }, now);
  // With a value and no disposal of its own, the row must still be held on the value's day: a disposal another request
  // recorded since the read refuses the whole PATCH (not its fields without the value).
  const held = valuation && patch.disposedOn === undefined
    ? or(isNull(manualAssets.disposedOn), gte(manualAssets.disposedOn, valuation.date)) : undefined;
  const update = d1Statement(db, svc.db.update(manualAssets).set(set).where(and(eq(manualAssets.id, asset.id), held)).returning());
  // Only while the caller may still write in the live space (batchAsMember: a deletion meanwhile is the asset's 404).
  const [written] = (await batchAsMember(svc, auth, asset.spaceId, "member", valuation ? [update, heldValuationInsert(db, valuation)] : [update], { resource: "Asset" }))[0]!.results;
  const stored = written ? readAsset(written as Record<string, unknown>) : undefined;
  // Deleted meanwhile: as if it never was; disposed of meanwhile: the value's refusal.
  if (!stored) return refuseLostValuation(svc, asset.id, valuation?.date ?? "", "value");
  return presentAsset(stored, valuation ?? (await latestValuation(svc, asset.id)));
}

export async function deleteAsset(svc: Services, auth: AuthContext, assetId: string) {
  const { asset } = await assetFor(svc, auth, assetId, "member");
  const docs = await svc.db.select({ key: assetDocuments.r2Key }).from(assetDocuments).where(eq(assetDocuments.assetId, asset.id));
  const db = svc.env.DB;
  const now = svc.clock.now();
  // Only while the caller may still write in the live space (batchAsMember: a removal meanwhile is the asset's 404).
  await batchAsMember(svc, auth, asset.spaceId, "member", [
    // Each key tombstoned with its row's delete: what R2 holds or may yet take is deleted, now or by the cron.
    ...removalStatements(db, "asset_id = ?2", [asset.id], now),
    db.prepare("DELETE FROM asset_valuations WHERE asset_id = ?").bind(asset.id),
    db.prepare("DELETE FROM manual_assets WHERE id = ?").bind(asset.id),
  ], { resource: "Asset" });
  // The rows are gone first, never a listed file without bytes; an object whose delete fails keeps its tombstone for the cron.
  await deleteTombstoned(svc, docs.map((d) => d.key), now);
}

export async function listValuations(svc: Services, auth: AuthContext, assetId: string, q: { limit: number; offset: number }) {
  const db = svc.env.DB;
  const { asset, results: [rows, count] } = await assetFor(svc, auth, assetId, "viewer", (a) => [
    db.prepare(`SELECT * FROM asset_valuations WHERE asset_id = ${a.sql} ORDER BY date DESC, created_at DESC, id DESC LIMIT ? OFFSET ?`).bind(...a.params, q.limit, q.offset),
    db.prepare(`SELECT COUNT(*) AS n FROM asset_valuations WHERE asset_id = ${a.sql}`).bind(...a.params),
  ]);
  const valuations = (rows!.results as Record<string, unknown>[]).map(readValuation);
  const total = (count!.results[0] as { n: number } | undefined)?.n ?? 0;
  return { assetId: asset.id, currency: asset.currency, valuations: valuations.map(presentValuation), pagination: pagination(total, q.limit, q.offset) };
}

export async function addValuation(svc: Services, auth: AuthContext, assetId: string, input: { value: number | string; date?: string; source?: string; notes?: string }) {
  const { asset, membership } = await assetFor(svc, auth, assetId, "member");
  const value = parseAssetValue("value", input.value, asset.currency);
  const when = effectiveInstant(svc, input.date, membership.space.timezone, "date");
  refuseAfterDisposal(asset, when.date, "date");
  const row = valuationRow(asset, { value, ...when, source: input.source ?? "manual", notes: input.notes ?? null, createdBy: auth.userId }, svc.clock.now());
  await storeValuation(svc, row, "date", auth);
  return presentValuation(row);
}

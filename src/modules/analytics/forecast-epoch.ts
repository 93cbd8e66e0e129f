/**
 * A space's forecast epoch (`forecast_epochs`): bumped by the changes of what its forecast is computed from
 * besides the ledger (the space's currency and zone, its rates, its recurring decisions, its accounts, a
 * transaction's description or merchant), in the change's batch or, for a change the ledger object makes,
 * right after it. The cached forecast keeps the epoch its inputs were read at, with or before them, and is
 * served only while it is the space's (forecast.ts): a forecast read before a change and written after it is
 * never served. Dropping the cache alone could not do that: the late write came after the drop.
 */

/** The statement that bumps space `spaceId`'s forecast epoch, for the batch of the change. */
export const bumpForecastEpoch = (db: D1Database, spaceId: string): D1PreparedStatement =>
  db.prepare("INSERT INTO forecast_epochs (space_id, epoch) VALUES (?, 1) ON CONFLICT(space_id) DO UPDATE SET epoch = epoch + 1").bind(spaceId);

/** SQL of the current epoch of the space `space` (SQL) names: 0 before its first change. */
export const forecastEpochSql = (space: string) => `COALESCE((SELECT epoch FROM forecast_epochs WHERE space_id = ${space}), 0)`;

/**
 * The statement that bumps space `spaceId`'s forecast epoch if its stored currency or zone differs from
 * `frame` (a field not given is kept as stored), for the batch of the PATCH that writes them, before its
 * update: judged on the row the update overwrites, not on an earlier read of it, so two racing PATCHes
 * cannot both miss the change.
 */
export const bumpForecastEpochIfReframed = (db: D1Database, spaceId: string, frame: { currency?: string; timezone?: string }): D1PreparedStatement =>
  db.prepare(
    `INSERT INTO forecast_epochs (space_id, epoch)
     SELECT id, 1 FROM spaces WHERE id = ? AND (currency != COALESCE(?, currency) OR timezone != COALESCE(?, timezone))
     ON CONFLICT(space_id) DO UPDATE SET epoch = epoch + 1`,
  ).bind(spaceId, frame.currency ?? null, frame.timezone ?? null);

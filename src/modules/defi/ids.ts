import { newId } from "../../lib/ids";

/** Time-sortable ids with this module's prefixes (same alphabet and layout as lib/ids). */
export const walletId = (now: number) => `wal_${newId("ast", now).slice(4)}`;
export const positionId = (now: number) => `pos_${newId("ast", now).slice(4)}`;

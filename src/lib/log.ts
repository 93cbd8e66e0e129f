/**
 * Structured JSON logs (one object a line) that Workers observability
 * indexes. Callers pass identifiers, never secrets or request bodies.
 */
import { DrizzleQueryError } from "drizzle-orm";

type Fields = Record<string, string | number | boolean | null | undefined>;

export function logInfo(requestId: string | undefined, event: string, fields: Fields = {}): void {
  console.log(JSON.stringify({ level: "info", event, requestId, ...fields, ts: new Date().toISOString() }));
}

/**
 * What an error says about itself, for the log. drizzle's DrizzleQueryError puts every bound value of the failed
 * query in its message, and so its stack (a user row's password hash and email, a token's hash, an encrypted
 * secret): its SQL (placeholders only) and its cause are logged instead.
 */
function described(err: unknown): Fields {
  if (err instanceof DrizzleQueryError) {
    const cause = err.cause instanceof Error ? err.cause : null;
    return { error: "DrizzleQueryError", message: `Failed query: ${err.query}`, cause: cause ? `${cause.name}: ${cause.message}` : String(err.cause), stack: cause?.stack };
  }
  return err instanceof Error ? { error: err.name, message: err.message, stack: err.stack } : { error: String(err) };
}

/**
 * A background job's error as its reader sees it when the fault is not one to tell (a D1 error carries its SQL, a
 * fault of the code its internals): the log has it whole, under the job's id.
 */
export const INTERNAL_JOB_ERROR = "internal error (logged with the job's id)";

export function logError(requestId: string | undefined, event: string, err: unknown, fields: Fields = {}): void {
  const e = described(err);
  console.error(JSON.stringify({ level: "error", event, requestId, ...fields, ...e, ts: new Date().toISOString() }));
}

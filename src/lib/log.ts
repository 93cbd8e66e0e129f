/**
 * Structured JSON logs (one object a line) that Workers observability
 * indexes. Callers pass identifiers, never secrets or request bodies.
 */
type Fields = Record<string, string | number | boolean | null | undefined>;

export function logInfo(requestId: string | undefined, event: string, fields: Fields = {}): void {
  console.log(JSON.stringify({ level: "info", event, requestId, ...fields, ts: new Date().toISOString() }));
}

export function logError(requestId: string | undefined, event: string, err: unknown, fields: Fields = {}): void {
  const e = err instanceof Error ? { error: err.name, message: err.message, stack: err.stack } : { error: String(err) };
  console.error(JSON.stringify({ level: "error", event, requestId, ...fields, ...e, ts: new Date().toISOString() }));
}

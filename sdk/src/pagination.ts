/**
 * Async iterators over the API's two list shapes:
 * - offset lists `{ <items>: [...], pagination: { total, limit, offset, hasMore } }`
 * - cursor lists `{ cursor: { pageSize, hasMore, next, previous, data } }`
 * Each page is fetched only when the previous one has been consumed.
 */

export interface OffsetPage<T> {
  pagination: { total: number; limit: number; offset: number; hasMore: boolean };
  [items: string]: T[] | unknown;
}

/**
 * Iterates every item of an offset list. `fetchPage` gets the offset and limit
 * to ask for; `itemsKey` names the array in the answer (e.g. "transactions").
 *
 * Offsets shift when rows are written during the walk: a transaction created (or a void's reversal) ahead of the
 * next page pushes a row already yielded onto it. An item whose `id` was already yielded is skipped, so a walk
 * never repeats one; a row removed during the walk can still shift one later row past it.
 */
export async function* iterateOffset<T>(
  fetchPage: (page: { offset: number; limit: number }) => Promise<{ pagination: OffsetPage<T>["pagination"] }>,
  itemsKey: string,
  opts: { offset?: number; limit?: number; max?: number } = {},
): AsyncGenerator<T, void, undefined> {
  let offset = opts.offset ?? 0;
  const limit = opts.limit ?? 100;
  let yielded = 0;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage({ offset, limit });
    const items = ((page as Record<string, unknown>)[itemsKey] ?? []) as T[];
    for (const item of items) {
      if (opts.max !== undefined && yielded >= opts.max) return;
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id === "string") {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      yielded++;
      yield item;
    }
    if (!page.pagination.hasMore || items.length === 0) return;
    offset = page.pagination.offset + items.length;
  }
}

/**
 * `iterateOffset` over a list method that takes its filters with `offset` and `limit`
 * (`(q) => this.list(q)`): the walk starts at the query's offset, in pages of its limit.
 */
export function iterateList<T, Q extends { offset?: number | null; limit?: number }>(
  list: (query: Q) => Promise<{ pagination: OffsetPage<T>["pagination"] }>,
  query: Q,
  itemsKey: string,
  opts: { max?: number } = {},
): AsyncGenerator<T, void, undefined> {
  const { offset, limit, ...filters } = query;
  return iterateOffset<T>((p) => list({ ...filters, ...p } as Q), itemsKey, { offset: offset ?? 0, limit, max: opts.max });
}

export interface CursorPage<T> {
  cursor: { pageSize?: number; hasMore: boolean; next?: string; previous?: string; data: T[] };
}

/** Iterates every item of a cursor list; `fetchPage` gets the `next` cursor (undefined for the first page). */
export async function* iterateCursor<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  opts: { max?: number } = {},
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  let yielded = 0;
  for (;;) {
    const page = await fetchPage(cursor);
    for (const item of page.cursor.data) {
      if (opts.max !== undefined && yielded >= opts.max) return;
      yielded++;
      yield item;
    }
    if (!page.cursor.hasMore || !page.cursor.next) return;
    cursor = page.cursor.next;
  }
}

/** Collects an async iterable into an array (handy with `max`). */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

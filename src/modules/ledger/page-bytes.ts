/**
 * Ledger pages bounded by what their rows hold, not only by their count. A ledger transaction holds up to 500 postings
 * between addresses of up to 700 characters, with volumes before and after each: one written with a 300 KB body is
 * read back as 0.9 MB, so a page of `pageSize` 1000 of them (a member writes that many in a few hours under `general`)
 * came to about a gigabyte, far past a Worker's 128 MB, and 60 of them already made a 100-row page 57 MB: any viewer's
 * list of the space's transactions or logs would fail. A page now stops once its rows hold PAGE_CHARS characters (it
 * always has at least one row), and says `hasMore` with a `next` that goes on from its last row, as a full page does.
 */

/** Characters of stored JSON a page's rows may hold; the row that crosses it is the page's last. */
export const PAGE_CHARS = 4 << 20;

/** The columns bytePage adds to each row. */
export interface PageBytesColumns {
  page_chars_before: number;
  page_rows: number;
}

/**
 * `sql` (a page's query, already ordered by `orderBy` `dir` and limited, its rows named `p`) returning only its rows
 * before which the rows ahead of them hold fewer than PAGE_CHARS characters of `chars` (an SQL expression over `p`),
 * in the same order, each with the number of rows `sql` found (`page_rows`: more than returned when the page was cut).
 */
export const bytePage = (sql: string, chars: string, orderBy: string, dir: "ASC" | "DESC") => `
  SELECT * FROM (
    SELECT p.*,
           COALESCE(SUM(${chars}) OVER (ORDER BY p.${orderBy} ${dir} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS page_chars_before,
           COUNT(*) OVER () AS page_rows
      FROM (${sql}) p
  ) WHERE page_chars_before < ${PAGE_CHARS} ORDER BY ${orderBy} ${dir}`;

/**
 * A page's rows (at most `n`) from what bytePage returned for a query limited to `n + 1` rows, and whether more rows
 * follow in the page's direction: the extra row was found, or the page was cut by its characters.
 */
export function cutPage<T>(rows: (T & Partial<PageBytesColumns>)[], n: number): { rows: T[]; more: boolean } {
  const found = Number(rows[0]?.page_rows ?? 0);
  return { rows: rows.slice(0, n), more: rows.length > n || found > rows.length };
}

/** Offset pagination for Dhanam-shaped lists: `{ <items>, pagination: {...} }`. */
export interface Pagination {
  total: number;
  limit: number;
  offset: number;
  hasMore: boolean;
}

export const pagination = (total: number, limit: number, offset: number): Pagination => ({
  total,
  limit,
  offset,
  hasMore: offset + limit < total,
});

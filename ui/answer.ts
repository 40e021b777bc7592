/** What one run of the query builder got back. */
import type { QueryPage } from "../client/mod.ts";

export interface Answer {
  page: QueryPage;
  /** The group columns of the query that produced `page`. */
  groups: string[];
  /** Rows matching the query's predicates, over all pages. */
  total: number;
  elapsedMs: number;
}

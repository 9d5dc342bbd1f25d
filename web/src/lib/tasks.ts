// What the dashboard knows about tasks beyond the generated types: filters as the UI shows
// them, the query they become, and a few presentation rules.
import { TodoApiError, type ListTasksData, type Priority, type Repeat, type Task } from "@todo-api/client";

/** The sort choices offered, each a sort key with a direction. */
export const SORTS = {
  manual: { label: "Manual order", sort: "position", order: "asc" },
  newest: { label: "Newest first", sort: "created", order: "desc" },
  oldest: { label: "Oldest first", sort: "created", order: "asc" },
  due: { label: "Due date", sort: "due_date", order: "asc" },
  priority: { label: "Priority", sort: "priority", order: "desc" },
  title: { label: "Title A–Z", sort: "title", order: "asc" },
  updated: { label: "Recently updated", sort: "updated", order: "desc" },
} as const satisfies Record<string, { label: string; sort: NonNullable<Query["sort"]>; order: "asc" | "desc" }>;
export type SortChoice = keyof typeof SORTS;

/** Filters narrow whatever view is shown: search, priority, tag, and its order. */
export interface Filters {
  q: string;
  priority: Priority | "";
  tag: string;
  sort: SortChoice;
}

export const DEFAULT_FILTERS: Filters = { q: "", priority: "", tag: "", sort: "newest" };

/** isFiltered says whether any filter narrows the view (the sort does not). */
export const isFiltered = (f: Filters) => f.q.trim() !== "" || f.priority !== "" || f.tag !== "";

export const PAGE_SIZE = 20;

export type Query = NonNullable<ListTasksData["query"]>;

/** filterQuery is the part of a listTasks query the filters make. */
export function filterQuery(f: Filters): Query {
  const { sort, order } = SORTS[f.sort];
  const q: Query = { sort, order, limit: PAGE_SIZE };
  if (f.q.trim()) q.q = f.q.trim();
  if (f.priority) q.priority = f.priority;
  if (f.tag) q.tag = [f.tag];
  return q;
}

/**
 * matchesFilters says whether the API would list t under f (search, priority, tag), for a
 * task that arrives outside a listing, such as a repeating task's next occurrence.
 */
export function matchesFilters(t: Task, f: Filters): boolean {
  const q = f.q.trim().toLowerCase();
  return (
    (!q || t.title.toLowerCase().includes(q) || (t.description ?? "").toLowerCase().includes(q)) &&
    (!f.priority || t.priority === f.priority) &&
    (!f.tag || t.tags.includes(f.tag))
  );
}

/** The repeat choices offered, in the order shown; `none` is a one-off task. */
export const REPEATS: Record<Repeat, string> = {
  none: "None",
  daily: "Daily",
  weekdays: "Weekdays",
  weekly: "Weekly",
  monthly: "Monthly",
  yearly: "Yearly",
};

/** parseTags splits "home, Work ,x" into ["home", "Work", "x"]; the API normalises case. */
export function parseTags(s: string): string[] {
  return s
    .split(",")
    .map((t) => t.trim().replace(/^#/, ""))
    .filter(Boolean);
}

/** fieldErrors maps a 422's `errors` by field: "/title" → "title", "/tags/2" → "tags". */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof TodoApiError)) return out;
  for (const { field, message } of e.errors) {
    const name = field.replace(/^\//, "").split("/")[0] ?? field;
    out[name] ??= message;
  }
  return out;
}

/** OFFLINE is what a request that never reached the API says. */
export const OFFLINE = "Could not reach the server. Check your connection and try again.";

/** describeError is a one-line message for a toast. */
export function describeError(e: unknown): string {
  if (e instanceof TodoApiError) {
    const text = e.detail ?? e.title;
    return e.requestId ? `${text} (request ${e.requestId})` : text;
  }
  if (e instanceof TypeError) return OFFLINE;
  return e instanceof Error ? e.message : String(e);
}

/**
 * isTransient says whether trying again later may work: the API was not reached, is
 * overloaded or unavailable (429, 502, 503, 504).
 */
export function isTransient(e: unknown): boolean {
  if (e instanceof TodoApiError) return e.status === 429 || e.status === 502 || e.status === 503 || e.status === 504;
  return e instanceof TypeError;
}

// What the dashboard knows about tasks beyond the generated types: filters as the UI shows
// them, the query they become, and a few presentation rules.
import { TodoApiError, type ListTasksData, type Priority, type Repeat, type Task } from "@todo-api/client";

export type Status = "all" | "pending" | "completed";

/** The sort choices offered, each a sort key with a direction. */
export const SORTS = {
  newest: { label: "Newest first", sort: "created", order: "desc" },
  oldest: { label: "Oldest first", sort: "created", order: "asc" },
  due: { label: "Due date", sort: "due_date", order: "asc" },
  priority: { label: "Priority", sort: "priority", order: "desc" },
  title: { label: "Title A–Z", sort: "title", order: "asc" },
  updated: { label: "Recently updated", sort: "updated", order: "desc" },
} as const satisfies Record<string, { label: string; sort: NonNullable<Query["sort"]>; order: "asc" | "desc" }>;
export type SortChoice = keyof typeof SORTS;

export interface Filters {
  status: Status;
  q: string;
  priority: Priority | "";
  tag: string;
  sort: SortChoice;
}

export const DEFAULT_FILTERS: Filters = { status: "all", q: "", priority: "", tag: "", sort: "newest" };

export const PAGE_SIZE = 20;

type Query = NonNullable<ListTasksData["query"]>;

/** toQuery is the listTasks query for filters (first page; add the cursor for the next). */
export function toQuery(f: Filters): Query {
  const { sort, order } = SORTS[f.sort];
  const q: Query = { status: f.status, sort, order, limit: PAGE_SIZE };
  if (f.q.trim()) q.q = f.q.trim();
  if (f.priority) q.priority = f.priority;
  if (f.tag) q.tag = [f.tag];
  return q;
}

/** matchesStatus says whether a task belongs in the list under the status tab. */
export function matchesStatus(t: Task, status: Status): boolean {
  return status === "all" || (status === "completed") === t.completed;
}

/**
 * matchesFilters says whether the API would list t under f (status, search, priority, tag),
 * for a task that arrives outside a listing, such as a repeating task's next occurrence.
 */
export function matchesFilters(t: Task, f: Filters): boolean {
  const q = f.q.trim().toLowerCase();
  return (
    matchesStatus(t, f.status) &&
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

/** todayUTC is YYYY-MM-DD in UTC: the API counts a task overdue against the UTC date. */
export function todayUTC(): string {
  return new Date().toISOString().slice(0, 10);
}

export function isOverdue(t: Task, today = todayUTC()): boolean {
  return !t.completed && t.due_date !== null && t.due_date < today;
}

/** parseTags splits "home, Work ,x" into ["home", "Work", "x"]; the API normalises case. */
export function parseTags(s: string): string[] {
  return s
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

export function formatDue(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).toLocaleDateString(undefined, {
    month: "short",
    day: "numeric",
    year: y === new Date().getUTCFullYear() ? undefined : "numeric",
    timeZone: "UTC",
  });
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

/** describeError is a one-line message for a toast. */
export function describeError(e: unknown): string {
  if (e instanceof TodoApiError) {
    const text = e.detail ?? e.title;
    return e.requestId ? `${text} (request ${e.requestId})` : text;
  }
  if (e instanceof TypeError) return "Could not reach the server. Check your connection and try again.";
  return e instanceof Error ? e.message : String(e);
}

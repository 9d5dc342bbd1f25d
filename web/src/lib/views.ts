// Views: what the main area shows. A view is a set of tasks (one or two listings of the API)
// and how they are grouped into sections. Today the views are the four the summary cards
// open; lists, Today and Upcoming are further entries of the same shape.
import type { Task } from "@todo-api/client";
import { isOverdue, type Now } from "./dates";
import { filterQuery, matchesFilters, type Filters, type Query } from "./tasks";

export type ViewId = "all" | "pending" | "completed" | "overdue";

/** SectionId names a section of a view: its open tasks, or its completed ones. */
export type SectionId = "open" | "done";

/** SectionDef is one listing of a view: the query it reads and the tasks it takes in. */
export interface SectionDef {
  id: SectionId;
  /** Shown as the section's heading; none for the main section. */
  title?: string;
  /** Folded until opened ("Completed (n)" at the end of a view). */
  collapsible: boolean;
  query: (f: Filters, tz: string) => Query;
  /** accepts says whether a task changed or created here belongs in the section. */
  accepts: (t: Task, now: Now) => boolean;
}

export interface View {
  id: ViewId;
  title: string;
  /** What the list says when the view has nothing in it (unfiltered). */
  empty: string;
  sections: SectionDef[];
}

const open = (extra: (f: Filters, tz: string) => Query = () => ({})): SectionDef => ({
  id: "open",
  collapsible: false,
  query: (f, tz) => ({ ...filterQuery(f), status: "pending", ...extra(f, tz) }),
  accepts: (t) => !t.completed,
});

const done = (collapsible: boolean): SectionDef => ({
  id: "done",
  title: "Completed",
  collapsible,
  query: (f) => ({ ...filterQuery(f), status: "completed" }),
  accepts: (t) => t.completed,
});

export const VIEWS: Record<ViewId, View> = {
  all: { id: "all", title: "All tasks", empty: "Nothing to do yet. Add your first task above.", sections: [open(), done(true)] },
  pending: { id: "pending", title: "Pending", empty: "Nothing pending. Well done!", sections: [open()] },
  completed: { id: "completed", title: "Completed", empty: "No completed tasks yet.", sections: [done(false)] },
  overdue: {
    id: "overdue",
    title: "Overdue",
    empty: "Nothing overdue.",
    sections: [{ ...open((_, tz) => ({ overdue: true, tz })), accepts: (t, now) => isOverdue(t, now) }],
  },
};

/** sectionFor is the section of view v a task belongs in under filters f, if any. */
export function sectionFor(v: View, t: Task, f: Filters, now: Now): SectionId | undefined {
  if (!matchesFilters(t, f)) return undefined;
  return v.sections.find((s) => s.accepts(t, now))?.id;
}

// Views: what the main area shows. A view is a set of tasks (one or two listings of the API)
// and how they are grouped into sections: the four the summary cards open, the smart views
// Today and Upcoming across every list, and one view per list.
import type { List, Task } from "@todo-api/client";
import { addDays, isOverdue, type Now } from "./dates";
import { filterQuery, matchesFilters, type Filters, type Query } from "./tasks";

/** ViewId names a view: a card's, a smart view's, or `list:<id>` for one list. */
export type ViewId = "all" | "pending" | "completed" | "overdue" | "today" | "upcoming" | `list:${string}`;

/** SectionId names a section of a view: its open tasks, or its completed ones. */
export type SectionId = "open" | "done";

/** SectionDef is one listing of a view: the query it reads and the tasks it takes in. */
export interface SectionDef {
  id: SectionId;
  /** Shown as the section's heading; none for the main section. */
  title?: string;
  /** Folded until opened ("Completed (n)" at the end of a view). */
  collapsible: boolean;
  /** The query of the section's first page; `today` is the user's local date. */
  query: (f: Filters, tz: string, today: string) => Query;
  /** accepts says whether a task changed or created here belongs in the section. */
  accepts: (t: Task, now: Now) => boolean;
  /**
   * Read to the end (every page, by the Link cursor) rather than a page and "Load more": a view
   * grouped by day would otherwise show a day with only some of its tasks.
   */
  complete?: true;
}

export interface View {
  id: ViewId;
  title: string;
  /** What the list says when the view has nothing in it (unfiltered). */
  empty: string;
  sections: SectionDef[];
  /** The list the view shows (tasks added here go into it), for a list's view. */
  list?: List;
  /** Upcoming: the open tasks under a heading per due day. */
  byDay?: boolean;
  /** Subtasks are shown nested under their parent, not as rows of their own. */
  nested: boolean;
}

type Extra = (f: Filters, tz: string, today: string) => Query;

/** Top-level tasks only: subtasks are shown under their parent. */
const topLevel: Extra = () => ({ top_level: true });
const topLevelOnly = (t: Task) => t.parent_id === null;

const open = (extra: Extra = topLevel, also: (t: Task, now: Now) => boolean = topLevelOnly): SectionDef => ({
  id: "open",
  collapsible: false,
  query: (f, tz, today) => ({ ...filterQuery(f), status: "pending", ...extra(f, tz, today) }),
  accepts: (t, now) => !t.completed && also(t, now),
});

const done = (collapsible: boolean, extra: Extra = topLevel, also: (t: Task) => boolean = topLevelOnly): SectionDef => ({
  id: "done",
  title: "Completed",
  collapsible,
  query: (f, tz, today) => ({ ...filterQuery(f), status: "completed", ...extra(f, tz, today) }),
  accepts: (t) => t.completed && also(t),
});

/** UPCOMING_DAYS is how far Upcoming looks: today and the six days after it. */
export const UPCOMING_DAYS = 7;

export const VIEWS: Record<Exclude<ViewId, `list:${string}`>, View> = {
  all: { id: "all", title: "All tasks", empty: "Nothing to do yet. Add your first task above.", sections: [open(), done(true)], nested: true },
  pending: { id: "pending", title: "Pending", empty: "Nothing pending. Well done!", sections: [open()], nested: true },
  completed: { id: "completed", title: "Completed", empty: "No completed tasks yet.", sections: [done(false)], nested: true },
  overdue: {
    id: "overdue",
    title: "Overdue",
    empty: "Nothing overdue.",
    sections: [open((_, tz) => ({ overdue: true, tz }), (t, now) => isOverdue(t, now))],
    nested: false,
  },
  // Due today or overdue, on the user's own date, subtasks included: what is due is due.
  today: {
    id: "today",
    title: "Today",
    empty: "Nothing due today.",
    sections: [open((_, __, today) => ({ due_before: today, sort: "due_date", order: "asc" }), (t, now) => t.due_date !== null && t.due_date <= now.date)],
    nested: false,
  },
  upcoming: {
    id: "upcoming",
    title: "Upcoming",
    empty: "Nothing due in the next 7 days.",
    sections: [
      {
        ...open(
          (_, __, today) => ({ due_after: today, due_before: addDays(today, UPCOMING_DAYS - 1), sort: "due_date", order: "asc", limit: 100 }),
          (t, now) => t.due_date !== null && t.due_date >= now.date && t.due_date <= addDays(now.date, UPCOMING_DAYS - 1),
        ),
        complete: true,
      },
    ],
    byDay: true,
    nested: false,
  },
};

/** listView is the view of one list: its top-level tasks (in manual order unless sorted otherwise), then its completed ones. */
export function listView(list: List): View {
  const inList: Extra = () => ({ list_id: list.id, top_level: true });
  const mine = (t: Task) => t.list_id === list.id && t.parent_id === null;
  return {
    id: `list:${list.id}`,
    title: list.name,
    empty: list.inbox ? "Your inbox is empty. Tasks without a list land here." : `Nothing in ${list.name} yet. Add a task above.`,
    sections: [open(inList, mine), done(true, inList, mine)],
    list,
    nested: true,
  };
}

/** viewOf is the view named id, given the user's lists; a list that is gone falls back to All. */
export function viewOf(id: ViewId, lists: readonly List[]): View {
  if (id.startsWith("list:")) {
    const list = lists.find((l) => `list:${l.id}` === id);
    return list ? listView(list) : VIEWS.all;
  }
  return VIEWS[id as keyof typeof VIEWS];
}

/** sectionFor is the section of view v a task belongs in under filters f, if any. */
export function sectionFor(v: View, t: Task, f: Filters, now: Now): SectionId | undefined {
  if (!matchesFilters(t, f)) return undefined;
  return v.sections.find((s) => s.accepts(t, now))?.id;
}

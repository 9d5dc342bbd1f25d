// The dashboard's first screen, read on the server while the page renders: the default view's
// first pages, the tags, the lists and (when the browser told us its zone) the counts. The page then
// arrives with its tasks in the HTML instead of waiting for its scripts, a token and three
// round trips. Anything that fails or is slow leaves it to the browser, as before.
import { createTodoClient, getETag, getNextCursor, type List, type TagCount, type Task, type TaskStats } from "@todo-api/client";
import { cookies, headers } from "next/headers";
import { getAuth } from "./auth";
import { TZ_COOKIE, labelsFor, type Now } from "./dates";
import { DEFAULT_FILTERS } from "./tasks";
import { VIEWS, type SectionId } from "./views";

/** How long the server waits for the API before leaving the first load to the browser. */
const API_BUDGET_MS = 1500;

export interface Initial {
  sections: Partial<Record<SectionId, { tasks: Task[]; cursor?: string }>>;
  tags: TagCount[];
  /** The user's lists, the inbox first (the sidebar). */
  lists: List[];
  /** With the browser's zone only: the counts (and their ETag), and the local date and time. */
  stats?: { data: TaskStats; etag?: string };
  /** When the server began reading it (its clock, ISO 8601): what changed later is not in it. */
  readAt?: string;
  now?: Now;
  /** The due labels of these tasks as the server wrote them (dates.ts seedLabels). */
  labels: Record<string, string>;
}

/** zoneNow is the date and time on the wall clock of zone, or undefined for an unknown zone. */
function zoneNow(zone: string): Now | undefined {
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-CA", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
        .formatToParts(new Date())
        .map((p) => [p.type, p.value]),
    );
    return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}` };
  } catch {
    return undefined;
  }
}

/** loadInitial reads the first screen from the API at apiUrl as the signed-in user, or gives up (null). */
export async function loadInitial(apiUrl: string): Promise<Initial | null> {
  try {
    const h = await headers();
    const { token } = await getAuth().api.getToken({ headers: h });
    const signal = AbortSignal.timeout(API_BUDGET_MS);
    const api = createTodoClient({
      baseUrl: apiUrl,
      getToken: () => token,
      fetch: (input, init) => fetch(input, { ...init, signal }),
    });
    const readAt = new Date().toISOString();
    const zone = (await cookies()).get(TZ_COOKIE)?.value;
    const now = zone ? zoneNow(zone) : undefined;
    const view = VIEWS.all;
    const [pages, tags, lists, stats] = await Promise.all([
      Promise.all(view.sections.map((d) => api.listTasks({ query: d.query(DEFAULT_FILTERS, zone ?? "UTC", now?.date ?? "") }))),
      api.listTags(),
      api.listLists(),
      zone && now ? api.getTaskStats({ query: { tz: zone } }) : undefined,
    ]);
    const sections: Initial["sections"] = {};
    view.sections.forEach((d, i) => {
      const page = pages[i];
      if (page) sections[d.id] = { tasks: page.data, cursor: getNextCursor(page) };
    });
    const today = stats && now ? now.date : ""; // what the page renders with (Dashboard's first `now`)
    const labels = labelsFor(Object.values(sections).flatMap((s) => s.tasks), today);
    return { sections, tags: tags.data, lists: lists.data, labels, readAt, ...(stats && now ? { stats: { data: stats.data, etag: getETag(stats) }, now } : {}) };
  } catch {
    return null; // the browser loads it, and says what is wrong if it cannot either
  }
}

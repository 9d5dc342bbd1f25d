"use client";

import {
  getETag,
  getNextCursor,
  getNextOccurrence,
  isTombstone,
  sortLists,
  TodoApiError,
  type List,
  type TagCount,
  type Task,
  type TaskBulkResult,
  type TaskInput,
  type TaskChange,
  type TaskStats,
} from "@todo-api/client";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { createApi } from "@/lib/api";
import { dayLabel, dueLabel, localDate, nowLocal, rememberZone, seedLabels, timeZone, type Now } from "@/lib/dates";
import { keepFocusNear, quickAddField } from "@/lib/focus";
import type { Initial } from "@/lib/initial";
import { moveTarget, placeAfter } from "@/lib/lists";
import { dropTarget, stepTarget } from "@/lib/reorder";
import { canWrite } from "@/lib/roles";
import { useShortcuts } from "@/lib/use-shortcuts";
import { completeOnScreen, settle } from "@/lib/subtask-state";
import { IDLE, SECTION_IDS, find, insert, place, swap, without, type Sections, type Spot } from "@/lib/sections";
import { DEFAULT_FILTERS, describeError, fieldErrors, isFiltered, isTransient, type Filters } from "@/lib/tasks";
import { loadAuthClient } from "@/lib/load-auth-client";
import { clearToken } from "@/lib/token";
import { useLive, type Changed } from "@/lib/use-live";
import { Writes } from "@/lib/writes";
import { viewOf, sectionFor, type SectionDef, type SectionId, type ViewId } from "@/lib/views";
import type { BulkAction } from "./bulk-bar";
import { FilterBar } from "./filter-bar";
import { LiveStatus } from "./live-status";
import { ListNav } from "./list-nav";
import { ProblemBanner, type Problem } from "./problem-banner";
import { TaskForm, type FormErrors, type TaskFields } from "./task-form";
import { TaskItem } from "./task-item";
import { CollapsibleSection, SkeletonRows } from "./task-section";
import { ThemeToggle } from "./theme-toggle";
import { Toasts, useToasts } from "./toasts";
import { ViewNav } from "./view-nav";

// What only some visits use is loaded when first needed, not with the page. Each in a Suspense
// boundary of its own (`loading`): without one, the first render of a part whose code is still
// on its way suspends the nearest boundary above it, which hides everything in it meanwhile
// (the rows of a view, or the whole page).
const EditDialog = dynamic(() => import("./edit-dialog").then((m) => m.EditDialog), { loading: () => null });
const HelpDialog = dynamic(() => import("./help-dialog").then((m) => m.HelpDialog), { loading: () => null });
const BulkBar = dynamic(() => import("./bulk-bar").then((m) => m.BulkBar), { loading: () => null });
const ShareDialog = dynamic(() => import("./share-dialog").then((m) => m.ShareDialog), { loading: () => null });
// Subtasks show when a task is opened; a list's header only in a list's view.
const Subtasks = dynamic(() => import("./subtask-list").then((m) => m.Subtasks), { loading: () => null });
const ListActions = dynamic(() => import("./list-actions").then((m) => m.ListActions), { loading: () => null });

const LIST_ID = "task-list";

/**
 * A live check reads a list's feed from this long before the change it was told about: an
 * event names a list's latest change of a batch of notifications (notifications that came
 * together, stamped at most a write transaction's length apart), and the first check after
 * the page loads reaches back from the moment the server read the page's data.
 */
const CHECK_BACK_MS = 120_000;

/** unreported drops a failure of a live round's read: the next round or poll tries again. */
const unreported = () => {};

/** The first automatic retry waits this long, each next one twice as long, up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 16_000;

let tempSeq = 0;
const tempId = () => `temp-${Date.now().toString(36)}-${(++tempSeq).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

const loading = (s: Sections, ids: readonly SectionId[]): Sections => {
  const n = { ...s };
  for (const id of SECTION_IDS) n[id] = ids.includes(id) ? { ...s[id], status: "loading" } : IDLE;
  return n;
};

/** urlOf is the address of view v: a list's own (/lists/{id}), else the dashboard's. */
const urlOf = (v: ViewId) => (v.startsWith("list:") ? `/lists/${v.slice(5)}` : "/dashboard");

/**
 * Dashboard is the signed-in page: the views with their counts, the smart views and the lists,
 * quick add, filters and the tasks of the view (subtasks nested under their parent). Every change shows at once and is undone if the API refuses it
 * (optimistic updates); deletes can be undone; a view that cannot load says so once and tries
 * again by itself, later and later.
 */
export function Dashboard({
  apiUrl,
  user,
  initial,
  initialView = "all",
}: {
  apiUrl: string;
  user: { id: string; email: string };
  initial: Initial | null;
  /** The view to open (a list's address opens that list). */
  initialView?: ViewId;
}) {
  // The writes in flight: a live refresh never paints over one (see refreshView).
  const writes = useMemo(() => new Writes(), []);
  const api = useMemo(() => createApi(apiUrl, writes), [apiUrl, writes]);
  const { toasts, toast, dismiss } = useToasts();

  const [viewId, setViewId] = useState<ViewId>(initialView);
  // The user's lists in their order, the inbox first (null until read).
  const [lists, setLists] = useState<List[] | null>(initial?.lists ? sortLists(initial.lists) : null);
  const currentList = viewId.startsWith("list:") ? lists?.find((l) => `list:${l.id}` === viewId) : undefined;
  // The view's definition changes with the view only (not with a rename of its list), so a
  // rename does not read the tasks again.
  const view = useMemo(() => viewOf(viewId, currentList ? [currentList] : []), [viewId, currentList?.id]);
  const viewTitle = currentList?.name ?? view.title;
  // A list opens in its manual order.
  const [filters, setFilters] = useState<Filters>(initialView.startsWith("list:") ? { ...DEFAULT_FILTERS, sort: "manual" } : DEFAULT_FILTERS);
  const [search, setSearch] = useState("");
  // The server's first screen when it could read it (the default view), else loading.
  const [sections, setSections] = useState<Sections>(() => {
    const s = loading({ open: IDLE, done: IDLE }, ["open", "done"]);
    for (const id of SECTION_IDS) {
      const got = initial?.sections[id];
      if (got) s[id] = { ...got, status: "ready" };
    }
    return s;
  });
  const [doneOpen, setDoneOpen] = useState(false);
  const [saving, setSaving] = useState<ReadonlySet<string>>(new Set());
  const [stats, setStats] = useState<TaskStats | null>(initial?.stats?.data ?? null);
  const [tags, setTags] = useState<TagCount[]>(initial?.tags ?? []);
  const [editing, setEditing] = useState<Task | null>(null);
  const [help, setHelp] = useState(false);
  const [sharing, setSharing] = useState<List | null>(null);
  // A list the user lost while it was open (its tasks answered 404).
  const [lost, setLost] = useState<List | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [selecting, setSelecting] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // Tasks whose subtasks are shown; the one whose "add a subtask" field wants the focus.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [focusAdd, setFocusAdd] = useState<string | null>(null);
  const [subtaskEpoch, setSubtaskEpoch] = useState(0);
  const [dragging, setDragging] = useState<string | null>(null);
  // The browser's date and time: the server's reading of it in the browser's zone (when the
  // browser told it), so the first render matches the server's, else unknown until mounted.
  const [now, setNow] = useState<Now>(initial?.now ?? { date: "", time: "" });
  // The first render shows the server's due labels, made before the rows render: hydrating
  // formats no date (see dates.ts).
  useState(() => seedLabels(initial?.labels));

  // Refs for callbacks that must see the latest values without re-subscribing.
  const latest = useRef({ sections, view, filters, now, problem, selected, lists });
  latest.current = { sections, view, filters, now, problem, selected, lists };
  const generation = useRef(0); // bumps on every new first page: late answers are dropped
  // The ETag of each section's first page, by its query: a live refresh asks with it (a 304
  // while nothing changed).
  const viewETags = useRef(new Map<string, string | undefined>());
  // Tasks added here since the first page was asked for, which its answer may predate: kept
  // at the top when it arrives. Keyed by the temporary id, then by the real one.
  const addedDuringLoad = useRef(new Map<string, Task>());
  // Failed automatic attempts in a row, and whether this round of loads failed already.
  const attempts = useRef(0);
  const roundFailed = useRef(false);
  const undoLast = useRef<{ toast: number; run: () => void } | null>(null);

  const where = useCallback((t: Task) => sectionFor(latest.current.view, t, latest.current.filters, latest.current.now), []);

  // The clock: the local date and minute, looked at every 15 s (overdue turns at a due time).
  useEffect(() => {
    const tick = () =>
      setNow((cur) => {
        const n = nowLocal();
        return cur.date === n.date && cur.time.slice(0, 5) === n.time.slice(0, 5) ? cur : n;
      });
    tick();
    rememberZone(); // for the server's next first screen
    const t = setInterval(tick, 15_000);
    return () => clearInterval(t);
  }, []);

  const fail = useCallback(
    (e: unknown) => {
      if (e instanceof TodoApiError && e.status === 401) {
        // Even a renewed token was refused. Without a session (signed out elsewhere, expired)
        // that means signing in again; with one, the API does not trust our tokens: say so.
        void loadAuthClient()
          .then((c) => c.getSession())
          .then(
            ({ data }) => {
              if (!data) window.location.assign("/sign-in");
              else toast(`The API refused your sign-in: ${describeError(e)}`, { kind: "error" });
            },
            () => toast(describeError(e), { kind: "error" }),
          );
        return;
      }
      const text = describeError(e);
      // The banner says it already: one message per problem.
      if (latest.current.problem?.message === text) return;
      toast(text, { kind: "error" });
    },
    [toast],
  );

  /** report is a failed background read (list, counts, tags): one banner, and a retry later. */
  const report = useCallback(
    (e: unknown) => {
      if (e instanceof TodoApiError && e.status === 401) return fail(e);
      if (roundFailed.current) return; // the round's first failure says it for all of them
      roundFailed.current = true;
      const delay = isTransient(e) ? Math.min(RETRY_FIRST_MS * 2 ** attempts.current, RETRY_MAX_MS) : undefined;
      attempts.current++;
      setProblem({ message: describeError(e), retryAt: delay === undefined ? undefined : Date.now() + delay });
    },
    [fail],
  );
  const recovered = useCallback(() => {
    if (roundFailed.current) return;
    attempts.current = 0;
    setProblem(null);
  }, []);

  const mark = (id: string, on: boolean) =>
    setSaving((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });

  // Search as you type, a moment after the typing stops.
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.q === search ? f : { ...f, q: search })), 250);
    return () => clearTimeout(t);
  }, [search]);

  // Today and Upcoming are read for the user's date, and again when it changes.
  const viewDate = view.id === "today" || view.id === "upcoming" ? now.date : "";
  // The view's first pages, again whenever the view or the filters change.
  const loadView = useCallback(async () => {
    if ((view.id === "today" || view.id === "upcoming") && !viewDate) return; // the date comes with the first tick
    const gen = ++generation.current;
    // Saved ones are in the answer to the request made now (if they match); unsaved ones not.
    for (const [id] of addedDuringLoad.current) if (!id.startsWith("temp-")) addedDuringLoad.current.delete(id);
    const defs = view.sections;
    setSections((s) => loading(s, defs.map((d) => d.id)));
    const tz = timeZone();
    try {
      const read = async (d: SectionDef) => {
        const query = d.query(filters, tz, viewDate);
        const page = await api.listTasks({ query });
        viewETags.current.set(JSON.stringify(query), getETag(page));
        let tasks = page.data;
        let cursor = getNextCursor(page);
        // A section read to the end follows the cursor while this load is the latest.
        while (d.complete && cursor && gen === generation.current) {
          const next = await api.listTasks({ query: { ...query, cursor } });
          tasks = [...tasks, ...next.data.filter((t) => !tasks.some((x) => x.id === t.id))];
          cursor = getNextCursor(next);
        }
        return { tasks, cursor };
      };
      const pages = await Promise.all(defs.map(read));
      if (gen !== generation.current) return;
      setSections((s) => {
        let n = { ...s };
        defs.forEach((d, i) => {
          const page = pages[i];
          if (!page) return;
          n[d.id] = { ...page, status: "ready" };
        });
        for (const t of addedDuringLoad.current.values()) {
          const target = sectionFor(view, t, filters, latest.current.now);
          if (target && !n[target].tasks.some((x) => x.id === t.id)) n = insert(n, t, target, 0);
        }
        return n;
      });
      recovered();
    } catch (e) {
      if (gen !== generation.current) return;
      // The list is gone for this user (removed, left, deleted by its owner): not an outage.
      if (view.list && e instanceof TodoApiError && e.status === 404) return setLost(view.list);
      setSections((s) => {
        const n = { ...s };
        for (const d of defs) n[d.id] = { ...s[d.id], status: "error" };
        return n;
      });
      report(e);
    }
  }, [api, view, filters, report, recovered, viewDate]);
  // The first screen came with the page: the first load is done already.
  const served = useRef(initial !== null && Object.keys(initial.sections).length > 0);
  useEffect(() => {
    if (served.current) {
      served.current = false;
      return;
    }
    void loadView();
  }, [loadView]);

  // The counts: with the ETag of the last answer, so an unchanged count costs a 304. A failure
  // goes to onError: report (a banner, and a retry), or nowhere for a live round's reads.
  const statsETag = useRef<string | undefined>(initial?.stats?.etag);
  const statsCall = useRef(0);
  const refreshStats = useCallback(async (onError: (e: unknown) => void = report) => {
    const call = ++statsCall.current;
    try {
      const etag = statsETag.current;
      const res = await api.getTaskStats({ query: { tz: timeZone() }, headers: etag ? { "If-None-Match": etag } : undefined });
      if (call !== statsCall.current) return; // a later refresh is on its way
      statsETag.current = getETag(res);
      setStats(res.data);
      recovered();
    } catch (e) {
      if (e instanceof TodoApiError && e.status === 304) return recovered();
      if (call === statsCall.current) onError(e);
    }
  }, [api, report, recovered]);
  const tagsCall = useRef(0);
  const tagsETag = useRef<string | undefined>(undefined);
  const refreshTags = useCallback(async (onError: (e: unknown) => void = report) => {
    const call = ++tagsCall.current;
    try {
      const etag = tagsETag.current;
      const res = await api.listTags({ headers: etag ? { "If-None-Match": etag } : undefined });
      if (call !== tagsCall.current) return;
      tagsETag.current = getETag(res);
      setTags(res.data);
    } catch (e) {
      if (e instanceof TodoApiError && e.status === 304) return;
      if (call === tagsCall.current) onError(e);
    }
  }, [api, report]);
  useEffect(() => {
    if (!initial) void refreshTags();
  }, [refreshTags, initial]);
  const listsETag = useRef<string | undefined>(undefined);
  const refreshLists = useCallback(async (onError: (e: unknown) => void = report): Promise<List[] | undefined> => {
    try {
      for (;;) {
        const mark = writes.mark();
        const etag = listsETag.current;
        const res = await api.listLists({ headers: etag ? { "If-None-Match": etag } : undefined });
        // A write of a list since the read began may be missing from it: read again after it.
        if (writes.since(mark)) {
          await writes.idle();
          continue;
        }
        listsETag.current = getETag(res);
        const sorted = sortLists(res.data);
        setLists(sorted);
        return sorted;
      }
    } catch (e) {
      if (e instanceof TodoApiError && e.status === 304) return latest.current.lists ?? undefined;
      onError(e);
    }
  }, [api, report, writes]);
  useEffect(() => {
    if (!initial?.lists) void refreshLists();
  }, [refreshLists, initial]);

  /**
   * viewSettled resolves once no section of the view is loading (a load or "Load more" in
   * flight), and at most after 30 s; and once React has drawn what the last answers brought,
   * which is what the live check compares with.
   */
  const viewSettled = useCallback(async () => {
    for (let waited = 0; waited < 30_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      const { view: v, sections: s } = latest.current;
      if (v.sections.every((d) => s[d.id].status !== "loading")) return;
    }
  }, []);

  /**
   * refreshView brings the view on screen up to date without a skeleton: each section read
   * again as far as it is shown, its first page with the ETag of the last one (a 304: the
   * section is as it was); rows that did not change stay the same objects (no redraw). It
   * never paints over this tab's writes: an answer read while one was in flight may predate
   * it, so it is read again once they are done. A load of the view started meanwhile covers
   * it. Resolves true when something changed.
   */
  const refreshView = useCallback(async (): Promise<boolean> => {
    for (;;) {
      const { view: v, filters: f, sections: s0, now: n } = latest.current;
      const dated = v.id === "today" || v.id === "upcoming";
      // A load in flight started after the event (the round waited for the ones before it);
      // a failed one is the problem banner's to retry.
      if ((dated && !n.date) || v.sections.some((d) => s0[d.id].status !== "ready")) return false;
      const gen = generation.current;
      const mark = writes.mark();
      const tz = timeZone();
      const read = async (d: SectionDef) => {
        const query = d.query(f, tz, dated ? n.date : "");
        const key = JSON.stringify(query);
        const etag = viewETags.current.get(key);
        let page;
        try {
          page = await api.listTasks({ query, headers: etag ? { "If-None-Match": etag } : undefined });
        } catch (e) {
          if (e instanceof TodoApiError && e.status === 304) return undefined;
          throw e;
        }
        let tasks = page.data;
        let cursor = getNextCursor(page);
        while (cursor && (d.complete || tasks.length < s0[d.id].tasks.length)) {
          const next = await api.listTasks({ query: { ...query, cursor } });
          tasks = [...tasks, ...next.data.filter((t) => !tasks.some((x) => x.id === t.id))];
          cursor = getNextCursor(next);
        }
        return { key, etag: getETag(page), tasks, cursor };
      };
      const pages = await Promise.all(v.sections.map(read));
      // Another view, other filters, a newer load: not this answer's to show.
      const cur = latest.current;
      if (gen !== generation.current || cur.view !== v || cur.filters !== f) return false;
      // "Load more" (or a write, below) changed the sections meanwhile: read again.
      const moved = v.sections.some((d) => cur.sections[d.id].tasks.length !== s0[d.id].tasks.length || cur.sections[d.id].cursor !== s0[d.id].cursor);
      if (writes.since(mark) || moved) {
        await writes.idle();
        continue;
      }
      if (pages.every((p) => p === undefined)) return false;
      setSections((cur) => {
        let out = cur;
        v.sections.forEach((d, i) => {
          const p = pages[i];
          if (!p) return;
          const before = new Map(cur[d.id].tasks.map((t) => [t.id, t]));
          const same = (t: Task) => {
            const o = before.get(t.id);
            return o && JSON.stringify(o) === JSON.stringify(t) ? o : t;
          };
          const unsaved = cur[d.id].tasks.filter((t) => t.id.startsWith("temp-"));
          out = { ...out, [d.id]: { ...cur[d.id], tasks: [...unsaved, ...p.tasks.map(same)], cursor: p.cursor } };
        });
        return out;
      });
      for (const p of pages) if (p) viewETags.current.set(p.key, p.etag);
      if (expanded.size > 0) setSubtaskEpoch((e) => e + 1); // open subtasks: read again
      return true;
    }
  }, [api, writes, expanded]);

  /**
   * outdated reads the feed of each of these lists from `since` (ms) and compares every entry
   * with the rows on screen. `view`: the view shows something otherwise — a task shown
   * differently or in another section, one the view takes in but does not show, a deleted one
   * still shown, a subtask of a shown task. `counts`: some entry is not a row shown exactly so
   * (the counts and tags may have moved: a task filtered out, a delete). The event of a write
   * this tab made (its answer is on screen) finds neither, and costs this one small read. A
   * search (matched by the API's full-text search, not here), a long feed or a failed read
   * count as both.
   */
  const outdated = useCallback(
    async (ids: readonly string[], since: number): Promise<{ view: boolean; counts: boolean }> => {
      const both = { view: true, counts: true };
      const { view: v, sections: s, filters: f } = latest.current;
      if (f.q.trim() || v.sections.some((d) => s[d.id].status !== "ready")) return both;
      const found = { view: false, counts: false };
      const compare = (c: TaskChange) => {
        const shown = find(s, c.id);
        if (isTombstone(c)) {
          found.counts = true;
          found.view ||= shown !== undefined;
          return;
        }
        const target = where(c);
        if (shown && shown.section === target && JSON.stringify(shown.task) === JSON.stringify(c)) return;
        found.counts = true;
        found.view ||= shown !== undefined || target !== undefined || (c.parent_id !== null && find(s, c.parent_id) !== undefined);
      };
      const updated_after = new Date(since).toISOString();
      const check = async (id: string) => {
        let cursor: string | undefined;
        for (let pages = 0; pages < 3; pages++) {
          const page = await api.listListChanges({ path: { id }, query: { updated_after, limit: 100, ...(cursor ? { cursor } : {}) } });
          page.data.forEach(compare);
          cursor = getNextCursor(page);
          if (!cursor) return true;
        }
        return false;
      };
      // A list gone (404), a failed read, a long feed: the view's own read decides.
      const complete = await Promise.all(ids.map((id) => check(id).catch(() => false)));
      return complete.every(Boolean) ? found : both;
    },
    [api, where],
  );

  // Live updates: the events say when to read (the feeds and the reads stay the truth).
  const live = useLive(apiUrl, {
    changed: async (c: Changed) => {
      try {
        // The screen is compared with the feeds once this tab's writes and loads are done.
        await writes.idle();
        await viewSettled();
        // (A list's view takes in its own tasks only: the other lists' entries move the counts.)
        let found = { view: true, counts: true };
        if (c.kind === "opened") {
          const readAt = initial?.readAt && Date.parse(initial.readAt);
          const ids = latest.current.lists?.map((l) => l.id);
          if (readAt && ids) found = await outdated(ids, readAt - CHECK_BACK_MS);
        } else if (c.kind === "lists") {
          found = await outdated([...c.since.keys()], Math.min(...c.since.values()) - CHECK_BACK_MS);
        }
        await Promise.all([
          found.view ? refreshView() : undefined,
          found.counts ? refreshStats(unreported) : undefined,
          found.counts ? refreshTags(unreported) : undefined,
        ]);
      } catch (e) {
        // A list lost from under the view. Anything else is left to the next round, or the
        // polls while the stream is down: a background read does not raise the view's banner
        // (nor its retry, which would read the view again over this tab's writes in flight).
        if (latest.current.view.list && e instanceof TodoApiError && e.status === 404) setLost(latest.current.view.list);
      }
    },
    lists: async () => {
      const shown = latest.current.view.list;
      const got = await refreshLists(unreported);
      // Removed from the list on screen, or it was deleted: the lost-list handling.
      if (got && shown && !got.some((l) => l.id === shown.id)) setLost(shown);
    },
  });
  // Back to the tab, or a new day: the counts again (a 304 while nothing changed).
  useEffect(() => {
    const again = () => {
      if (document.visibilityState === "visible") void refreshStats();
    };
    window.addEventListener("focus", again);
    document.addEventListener("visibilitychange", again);
    return () => {
      window.removeEventListener("focus", again);
      document.removeEventListener("visibilitychange", again);
    };
  }, [refreshStats]);
  // The first counts once the local date is known (unless the server read them already), and
  // again on a new day.
  const statsServed = useRef(initial?.stats !== undefined);
  useEffect(() => {
    if (!now.date) return;
    if (statsServed.current) {
      statsServed.current = false;
      return;
    }
    void refreshStats();
  }, [now.date, refreshStats]);

  const retry = useCallback(() => {
    roundFailed.current = false;
    setProblem((p) => p && { ...p, retrying: true, retryAt: undefined });
    void loadView();
    void refreshStats();
    void refreshTags();
    if (!latest.current.lists) void refreshLists();
  }, [loadView, refreshStats, refreshTags, refreshLists]);
  // Automatic retries: at the time the banner announces, and as soon as the browser is online.
  useEffect(() => {
    if (!problem?.retryAt) return;
    const t = setTimeout(retry, Math.max(0, problem.retryAt - Date.now()));
    return () => clearTimeout(t);
  }, [problem?.retryAt, retry]);
  useEffect(() => {
    const online = () => {
      if (latest.current.problem) retry();
    };
    window.addEventListener("online", online);
    return () => window.removeEventListener("online", online);
  }, [retry]);

  async function loadMore(section: SectionId) {
    const def = view.sections.find((d) => d.id === section);
    const cursor = sections[section].cursor;
    if (!def || !cursor) return;
    const gen = generation.current;
    setSections((s) => ({ ...s, [section]: { ...s[section], status: "loading" } }));
    try {
      const page = await api.listTasks({ query: { ...def.query(filters, timeZone(), latest.current.now.date), cursor } });
      if (gen !== generation.current) return;
      setSections((s) => ({
        ...s,
        [section]: {
          tasks: [...s[section].tasks, ...page.data.filter((t) => !s[section].tasks.some((x) => x.id === t.id))],
          cursor: getNextCursor(page),
          status: "ready",
        },
      }));
    } catch (e) {
      setSections((s) => ({ ...s, [section]: { ...s[section], status: "ready" } }));
      fail(e);
    }
  }

  /** putBack shows tasks again where they were (after an undo, or a change the API refused). */
  const putBack = (spots: Spot[]) =>
    setSections((s) => {
      let n = s;
      for (const { task, section, index } of [...spots].sort((a, b) => a.index - b.index)) {
        if (latest.current.view.sections.some((d) => d.id === section)) n = insert(n, task, section, index);
      }
      return n;
    });

  async function create(input: TaskInput): Promise<FormErrors | null> {
    const id = tempId();
    const now = new Date().toISOString();
    // Quick add's `~List`, else the list on screen, else the inbox.
    const listId = input.list_id ?? latest.current.view.list?.id;
    if (!input.list_id && listId && !latest.current.view.list?.inbox) input = { ...input, list_id: listId };
    const optimistic: Task = {
      id,
      list_id: listId ?? latest.current.lists?.find((l) => l.inbox)?.id ?? "",
      parent_id: null,
      subtasks: { total: 0, completed: 0 },
      title: input.title.trim(),
      description: input.description ?? null,
      completed: false,
      priority: input.priority ?? "medium",
      due_date: input.due_date ?? null,
      due_time: input.due_time ?? null,
      repeat: input.repeat ?? "none",
      // The server gives new tasks the first place in the manual order; "" sorts first too.
      position: "",
      tags: [...new Set((input.tags ?? []).map((t) => t.toLowerCase()))],
      created_at: now,
      updated_at: now,
      completed_at: null,
    };
    setSections((s) => place(s, optimistic, where(optimistic)));
    addedDuringLoad.current.set(id, optimistic);
    mark(id, true);
    try {
      // The key makes a retried request (after a 401) create one task, not two.
      const { data } = await api.createTask({ body: input, headers: { "Idempotency-Key": id } });
      if (addedDuringLoad.current.delete(id)) addedDuringLoad.current.set(data.id, data);
      // A list read meanwhile may hold it already: keep one copy, where the temporary one was.
      setSections((s) => (find(s, id) ? swap(s, id, data) : s));
      if (!where(data)) {
        const list = latest.current.lists?.find((l) => l.id === data.list_id);
        toast(`Added “${data.title}” (not shown in ${latest.current.view.list?.name ?? latest.current.view.title}${list ? `; it is in ${list.name}` : ""}).`);
      }
      void refreshStats();
      if (data.tags.length > 0) void refreshTags();
      return null;
    } catch (e) {
      addedDuringLoad.current.delete(id);
      setSections((s) => without(s, id));
      const errors = fieldErrors(e);
      if (Object.keys(errors).length > 0) return errors;
      fail(e);
      return { "": `Not added: ${describeError(e)}` };
    } finally {
      mark(id, false);
    }
  }

  /**
   * showNextOccurrence follows the `next-occurrence` link of a write that completed a repeating
   * task: it reads the new task and puts it at the top of the list (if the view and filters let
   * it in and it is not there yet), so it shows without a reload, and says when it is due.
   */
  async function showNextOccurrence(nextId: string) {
    try {
      const { data: next } = await api.getTask({ path: { id: nextId } });
      const target = where(next);
      if (target) {
        // A first page asked for before the occurrence existed keeps it at the top too.
        addedDuringLoad.current.set(next.id, next);
        setSections((s) => (find(s, next.id) ? place(s, next, target) : insert(s, next, target, 0)));
      }
      toast(next.due_date ? `Next: ${next.title} due ${dueLabel(next.due_date, next.due_time, localDate())}` : `Next: ${next.title}`);
    } catch (e) {
      // Deleted meanwhile: nothing to show. Anything else is worth a word.
      if (!(e instanceof TodoApiError && e.status === 404)) fail(e);
    }
  }

  async function toggle(task: Task) {
    const before = find(latest.current.sections, task.id);
    const completed = !task.completed;
    const changed = { ...task, completed, completed_at: completed ? new Date().toISOString() : null };
    keepFocusNear(task.id);
    // The API completes the whole subtree: so does the screen, at once.
    const ticked = completed ? completeOnScreen(task.id) : [];
    setSections((s) => place(s, changed, where(changed)));
    try {
      // Always the explicit state: a retried toggle without a body would flip it back.
      const result = await api.completeTask({ path: { id: task.id }, body: { completed } });
      settle(ticked);
      setSections((s) => place(s, result.data, where(result.data)));
      const nextId = completed ? getNextOccurrence(result) : undefined;
      if (nextId) void showNextOccurrence(nextId);
      // Tags count completed tasks too: only the counts change.
      void refreshStats();
    } catch (e) {
      settle(ticked, task.id);
      if (ticked.length > 0) setSubtaskEpoch((n) => n + 1);
      setSections((s) => without(s, task.id));
      if (before) putBack([before]);
      fail(e);
    }
  }

  /** restore undoes deletes: POST /restore for one task, the bulk action `restore` for several. */
  async function restore(spots: Spot[]) {
    try {
      let back = spots;
      if (spots.length === 1 && spots[0]) {
        const { data } = await api.restoreTask({ path: { id: spots[0].task.id } });
        back = [{ ...spots[0], task: data }];
      } else {
        const { data } = await api.bulkTasks({
          body: { ids: spots.map((s) => s.task.id), action: "restore" },
          headers: { "Idempotency-Key": tempId() },
        });
        const ok = new Set(data.results.filter((r) => r.status === "ok").map((r) => r.id));
        back = spots.filter((s) => ok.has(s.task.id));
      }
      putBack(back);
      toast(back.length === 1 ? `Restored “${back[0]?.task.title}”.` : `Restored ${back.length} tasks.`);
      void refreshStats();
      if (back.some((s) => s.task.tags.length > 0)) void refreshTags();
    } catch (e) {
      fail(e);
    }
  }

  /** offerUndo is the toast after a delete saying text: Undo (or `z`) runs undo. */
  function offerUndo(text: string, undo: () => void) {
    const run = () => {
      undoLast.current = null;
      undo();
    };
    const id = toast(text, { key: "deleted", action: { label: "Undo", run } });
    undoLast.current = { toast: id, run };
  }
  /** offerRestore is the toast after tasks of the view were deleted: Undo restores them where they were. */
  const offerRestore = (spots: Spot[]) =>
    offerUndo(spots.length === 1 ? `Deleted “${spots[0]?.task.title}”.` : `Deleted ${spots.length} tasks.`, () => void restore(spots));
  /** subtaskDeleted is the toast after a subtask was deleted: Undo puts it back under its parent (undo, from Subtasks). */
  const subtaskDeleted = (t: Task, undo: () => Promise<void>) =>
    offerUndo(`Deleted “${t.title}”.`, () =>
      void undo().then(
        () => toast(`Restored “${t.title}”.`),
        (e: unknown) => fail(e),
      ),
    );

  async function remove(task: Task) {
    const spot = find(latest.current.sections, task.id);
    if (!spot) return;
    keepFocusNear(task.id);
    setSections((s) => without(s, task.id));
    try {
      await api.deleteTask({ path: { id: task.id } });
      offerRestore([spot]);
      void refreshStats();
      if (task.tags.length > 0) void refreshTags();
    } catch (e) {
      if (e instanceof TodoApiError && e.status === 404) return; // gone already: what we wanted
      putBack([spot]);
      fail(e);
    }
  }

  async function save(before: Task, body: TaskFields): Promise<FormErrors | null> {
    const spot = find(latest.current.sections, before.id);
    const completed = body.completed ?? before.completed;
    const changed: Task = {
      ...before,
      ...body,
      title: body.title.trim(),
      tags: [...new Set(body.tags.map((t) => t.toLowerCase()))],
      completed,
      completed_at: completed === before.completed ? before.completed_at : completed ? new Date().toISOString() : null,
    };
    setSections((s) => place(s, changed, where(changed)));
    mark(before.id, true);
    try {
      const result = await api.updateTask({ path: { id: before.id }, body });
      setSections((s) => place(s, result.data, where(result.data)));
      if (result.data.list_id !== before.list_id) {
        const to = latest.current.lists?.find((l) => l.id === result.data.list_id);
        toast(`Moved “${result.data.title}” to ${to?.name ?? "another list"}.`);
      }
      if (before.parent_id) setSubtaskEpoch((n) => n + 1); // a subtask: its parent's list shows it
      // The API links the occurrence on every write of a completed repeating task: follow it
      // only when this save is what completed it.
      const nextId = body.completed ? getNextOccurrence(result) : undefined;
      if (nextId) void showNextOccurrence(nextId);
      void refreshStats();
      if (result.data.tags.join() !== before.tags.join()) void refreshTags();
      return null;
    } catch (e) {
      setSections((s) => without(s, before.id));
      if (spot) putBack([spot]);
      const errors = fieldErrors(e);
      if (Object.keys(errors).length > 0) return errors;
      fail(e);
      return { "": `Not saved: ${describeError(e)}` };
    } finally {
      mark(before.id, false);
    }
  }

  /** bulk applies one action to the selected tasks in one request (POST /api/tasks/bulk). */
  async function bulk(a: BulkAction) {
    const s0 = latest.current.sections;
    const spots = [...latest.current.selected].map((id) => find(s0, id)).filter((s): s is Spot => s !== undefined);
    if (spots.length === 0) return;
    const ids = spots.map((s) => s.task.id);
    setSelected(new Set());
    setSelecting(false);
    const changedOf = (t: Task): Task =>
      a.action === "complete" || a.action === "uncomplete"
        ? { ...t, completed: a.action === "complete", completed_at: a.action === "complete" ? (t.completed_at ?? new Date().toISOString()) : null }
        : a.action === "add_tags"
          ? { ...t, tags: [...new Set([...t.tags, ...a.tags.map((x) => x.toLowerCase())])].slice(0, 10) }
          : t;
    // Shown at once; what the API refuses goes back.
    setSections((s) => {
      let n = s;
      for (const { task } of spots) n = a.action === "delete" ? without(n, task.id) : place(n, changedOf(task), where(changedOf(task)));
      return n;
    });
    let results: TaskBulkResult[];
    try {
      const { data } = await api.bulkTasks({
        body: a.action === "add_tags" ? { ids, action: a.action, tags: a.tags } : { ids, action: a.action },
        headers: { "Idempotency-Key": tempId() },
      });
      results = data.results;
    } catch (e) {
      setSections((s) => spots.reduce((n, sp) => without(n, sp.task.id), s));
      putBack(spots);
      fail(e);
      return;
    }
    const ok = new Set(results.filter((r) => r.status === "ok").map((r) => r.id));
    const refused = spots.filter((sp) => !ok.has(sp.task.id) && !(a.action === "delete" && results.some((r) => r.id === sp.task.id && r.status === "not_found")));
    if (refused.length > 0) {
      setSections((s) => refused.reduce((n, sp) => without(n, sp.task.id), s));
      putBack(refused);
      const why = results.find((r) => r.status !== "ok")?.detail;
      toast(`${refused.length} of ${spots.length} tasks were not changed${why ? `: ${why}` : "."}`, { kind: "error" });
    }
    if (a.action === "delete") {
      const gone = spots.filter((sp) => ok.has(sp.task.id));
      if (gone.length > 0) offerRestore(gone);
    }
    void refreshStats();
    if (a.action !== "complete" && a.action !== "uncomplete") void refreshTags();
    // Completing repeating tasks made their next occurrences: read the view again.
    if (a.action === "complete" && spots.some((sp) => sp.task.repeat !== "none" && ok.has(sp.task.id))) void loadView();
  }

  async function signOut() {
    await (await loadAuthClient()).signOut();
    clearToken();
    window.location.assign("/sign-in");
  }

  const changeView = (v: ViewId) => {
    if (v === viewId) return;
    setSelected(new Set());
    setExpanded(new Set());
    // Another view's tasks are not this one's: skeletons until its first pages arrive.
    setSections(loading({ open: IDLE, done: IDLE }, viewOf(v, lists ?? []).sections.map((d) => d.id)));
    // A list opens in its manual order (drag to reorder); other views keep their sort.
    const toList = v.startsWith("list:");
    setFilters((f) => (toList && f.sort !== "manual" ? { ...f, sort: "manual" } : !toList && f.sort === "manual" ? { ...f, sort: "newest" } : f));
    setViewId(v);
    // The address follows the view: a list's can be reloaded or bookmarked.
    window.history.replaceState(null, "", urlOf(v));
  };

  /** forget takes a list the user no longer has out of the sidebar and leaves its view. */
  const forget = (list: List, message: string) => {
    setLists((ls) => ls && ls.filter((l) => l.id !== list.id));
    if (latest.current.view.list?.id === list.id) changeView("all");
    toast(message);
    void refreshStats();
    void refreshTags();
  };
  useEffect(() => {
    if (!lost) return;
    setLost(null);
    forget(lost, `“${lost.name}” is no longer available to you.`);
  }, [lost]);

  /** writable says whether the user may change task t (not in a list they only view). */
  const writable = (t: Task) => canWrite(latest.current.lists?.find((l) => l.id === t.list_id));

  /** refreshTask reads a task again (its subtasks' counts changed) and shows it as it is now. */
  const refreshTask = useCallback(
    async (id: string) => {
      try {
        const { data } = await api.getTask({ path: { id } });
        setSections((s) => (find(s, id) ? place(s, data, where(data)) : s));
      } catch (e) {
        if (!(e instanceof TodoApiError && e.status === 404)) fail(e);
      }
    },
    [api, where, fail],
  );

  // Lists: create, rename, colour, delete (undo restores it with its tasks), reorder.
  async function createList(name: string): Promise<string | null> {
    try {
      const { data } = await api.createList({ body: { name: name.trim() }, headers: { "Idempotency-Key": tempId() } });
      setLists((ls) => [...(ls ?? []), data]);
      changeView(`list:${data.id}`);
      return null;
    } catch (e) {
      const errors = fieldErrors(e);
      return errors.name ?? describeError(e);
    }
  }

  async function patchList(list: List, body: { name?: string; color?: string | null }): Promise<string | null> {
    setLists((ls) => ls && ls.map((l) => (l.id === list.id ? { ...l, ...body, name: body.name?.trim() ?? l.name } : l)));
    try {
      const { data } = await api.updateList({ path: { id: list.id }, body });
      setLists((ls) => ls && ls.map((l) => (l.id === data.id ? data : l)));
      return null;
    } catch (e) {
      setLists((ls) => ls && ls.map((l) => (l.id === list.id ? list : l)));
      const errors = fieldErrors(e);
      if (errors.name || errors.color) return errors.name ?? errors.color ?? null;
      fail(e);
      return describeError(e);
    }
  }

  async function deleteList(list: List) {
    const before = latest.current.lists ?? [];
    setLists((ls) => ls && ls.filter((l) => l.id !== list.id));
    if (viewId === `list:${list.id}`) changeView("all");
    try {
      await api.deleteList({ path: { id: list.id } });
      const run = async () => {
        undoLast.current = null;
        try {
          const { data } = await api.restoreList({ path: { id: list.id } });
          setLists((ls) => {
            // Back where it was: after the list that was before it, if that is still there.
            const was = before.findIndex((l) => l.id === list.id);
            const prev = before[was - 1];
            const base = (ls ?? []).filter((l) => l.id !== data.id);
            return placeAfter([...base, data], data.id, prev && !prev.inbox && base.some((l) => l.id === prev.id) ? prev.id : null);
          });
          toast(`Restored “${data.name}” and its tasks.`);
          void refreshStats();
          void loadView();
        } catch (e) {
          fail(e);
        }
      };
      const id = toast(`Deleted “${list.name}” and its tasks.`, { key: "deleted", action: { label: "Undo", run: () => void run() } });
      undoLast.current = { toast: id, run: () => void run() };
      void refreshStats();
      void refreshTags();
    } catch (e) {
      setLists(before);
      fail(e);
    }
  }

  async function moveList(id: string, afterId: string | null) {
    const before = latest.current.lists ?? [];
    setLists(placeAfter(before, id, afterId));
    try {
      const { data } = await api.moveList({ path: { id }, body: { after_id: afterId } });
      setLists((ls) => ls && sortLists(ls.map((l) => (l.id === data.id ? data : l))));
    } catch (e) {
      setLists(before);
      fail(e);
    }
  }

  /**
   * moveTask puts task right after afterId among its siblings (null: at the top), on screen at
   * once, then with POST /move; put back if the API refuses.
   */
  async function moveTask(task: Task, afterId: string | null) {
    const s0 = latest.current.sections;
    const open = s0.open.tasks.filter((t) => t.id !== task.id);
    const at = afterId === null ? 0 : open.findIndex((t) => t.id === afterId) + 1;
    open.splice(at, 0, task);
    setSections((s) => ({ ...s, open: { ...s.open, tasks: open } }));
    try {
      const { data } = await api.moveTask({ path: { id: task.id }, body: { after_id: afterId } });
      setSections((s) => ({ ...s, open: { ...s.open, tasks: s.open.tasks.map((t) => (t.id === data.id ? data : t)) } }));
      requestAnimationFrame(() => document.getElementById(`task-${task.id}`)?.focus());
    } catch (e) {
      setSections(s0);
      fail(e);
    }
  }
  /** moveBy moves a task one place up (−1) or down (+1): Alt+↑/↓ on its row. */
  const moveBy = (task: Task, delta: -1 | 1) => {
    const after = stepTarget(latest.current.sections.open.tasks.map((t) => t.id), task.id, delta);
    if (after !== undefined) void moveTask(task, after);
  };
  /** dropOn moves the dragged task onto target's place. */
  const dropOn = (target: Task) => {
    const id = dragging;
    setDragging(null);
    const open = latest.current.sections.open.tasks;
    const moving = open.find((t) => t.id === id);
    const after = moving && dropTarget(open.map((t) => t.id), moving.id, target.id);
    if (moving && after !== undefined) void moveTask(moving, after);
  };

  const select = useCallback((t: Task, on: boolean) => {
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(t.id);
      else n.delete(t.id);
      return n;
    });
  }, []);

  // Keyboard shortcuts (listed by `?`).
  const taskOf = (id: string) => find(latest.current.sections, id)?.task;
  useShortcuts({
    quickAdd: () => quickAddField()?.focus(),
    search: () => document.getElementById("search")?.focus(),
    complete: (id) => {
      const t = taskOf(id);
      if (t && writable(t)) void toggle(t);
    },
    edit: (id) => {
      const t = taskOf(id);
      if (t && writable(t)) setEditing(t);
    },
    remove: (id) => {
      const t = taskOf(id);
      if (t && writable(t)) void remove(t);
    },
    select: (id) => {
      const t = taskOf(id);
      if (!t) return;
      setSelecting(true);
      select(t, !latest.current.selected.has(t.id));
    },
    undo: () => {
      if (!undoLast.current) return false;
      dismiss(undoLast.current.toast);
      undoLast.current.run();
      return true;
    },
    help: () => setHelp(true),
    clearSelection: () => {
      if (!selecting) return false;
      setSelected(new Set());
      setSelecting(false);
      return true;
    },
  });

  const filtered = isFiltered(filters);
  // Where tasks can be added or moved: not the lists the user only views.
  const writableLists = useMemo(() => (lists ?? []).filter(canWrite), [lists]);
  // The tasks on screen ("Select all" picks these): a folded section's are not.
  const shown = view.sections.flatMap((d) => (!d.collapsible || doneOpen ? sections[d.id].tasks : []));
  const onTag = useCallback((tag: string) => setFilters((f) => ({ ...f, tag })), []);
  const first = view.sections[0];
  const firstState = first ? sections[first.id] : IDLE;
  const others = view.sections.slice(1).some((d) => sections[d.id].tasks.length > 0);

  // Reordering by hand: a list's open tasks, in manual order, unfiltered.
  const manual = view.list !== undefined && filters.sort === "manual" && !filtered;
  const onExpand = useCallback((t: Task, on: boolean) => {
    setExpanded((s) => (on ? new Set(s).add(t.id) : new Set([...s].filter((i) => i !== t.id))));
    if (!on) setFocusAdd(null);
  }, []);
  const onAddSubtask = useCallback((t: Task) => {
    setExpanded((s) => new Set(s).add(t.id));
    setFocusAdd(t.id);
  }, []);
  const row = (t: Task, section: SectionId) => {
    const open = view.nested && expanded.has(t.id) && !t.id.startsWith("temp-");
    const readOnly = !writable(t);
    return (
      <TaskItem
        key={t.id}
        task={t}
        saving={saving.has(t.id)}
        readOnly={readOnly}
        now={now}
        selecting={selecting}
        selected={selected.has(t.id)}
        onSelect={select}
        onToggle={toggle}
        onEdit={setEditing}
        onDelete={remove}
        onTag={onTag}
        subtasks={view.nested && !t.id.startsWith("temp-") ? { expanded: open, onExpand, onAdd: onAddSubtask } : undefined}
        reorder={
          manual && section === "open" && !saving.has(t.id)
            ? { onKey: moveBy, onDragStart: (x) => setDragging(x.id), onDrop: dropOn, dragging: dragging === t.id }
            : undefined
        }
      >
        {open && (
          <Subtasks
            api={api}
            parent={t}
            depth={0}
            now={now}
            epoch={subtaskEpoch}
            autoFocusAdd={focusAdd === t.id}
            readOnly={readOnly}
            onCountsChanged={() => void refreshTask(t.id)}
            onDeleted={subtaskDeleted}
            onEdit={setEditing}
            onTag={onTag}
            fail={fail}
          />
        )}
      </TaskItem>
    );
  };
  /** byDay draws Upcoming's open tasks under a heading per due day. */
  const byDay = (tasks: Task[]) => {
    const days = [...new Set(tasks.map((t) => t.due_date ?? ""))];
    return days.map((day) => (
      <li key={day} data-testid="day">
        <h2 className="bg-sunken px-4 py-1 text-xs font-semibold uppercase tracking-wide text-muted">
          <time dateTime={day}>{dayLabel(day, now.date)}</time>
        </h2>
        <ul role="list" className="divide-y divide-line">
          {tasks.filter((t) => (t.due_date ?? "") === day).map((t) => row(t, "open"))}
        </ul>
      </li>
    ));
  };

  return (
    <div className="mx-auto max-w-5xl px-3 pb-[calc(var(--toast-space,0px)+2rem)] sm:px-6">
      <header className="flex items-center gap-1 py-1.5 sm:py-3">
        <div className="min-w-0 flex-1">
          <span className="font-semibold tracking-tight">Todo</span>
          <span className="ml-2 hidden truncate text-sm text-muted sm:inline" data-testid="user-email">
            {user.email}
          </span>
        </div>
        <button type="button" className="btn-icon hidden sm:inline-flex" onClick={() => setHelp(true)} title="Keyboard shortcuts (?)">
          <span aria-hidden="true" className="text-base font-semibold">?</span>
          <span className="sr-only">Keyboard shortcuts</span>
        </button>
        <ThemeToggle />
        <button type="button" className="btn-ghost" onClick={signOut}>
          Sign out
        </button>
      </header>

      <div className="lg:grid lg:grid-cols-[12rem_minmax(0,1fr)] lg:items-start lg:gap-6">
        <div className="mb-2 lg:sticky lg:top-4 lg:mb-0">
          <ViewNav view={viewId} stats={stats} onView={changeView} />
          <ListNav lists={lists} view={viewId} onView={changeView} onCreate={createList} onMove={(id, after) => void moveList(id, after)} />
        </div>

        <main className="min-w-0 space-y-2 sm:space-y-3">
          {canWrite(currentList) ? (
            <section aria-label="Add a task" className="card sticky top-0 z-10 p-2 sm:static sm:p-3">
              <TaskForm compact submitLabel="Add" onSubmit={create} lists={writableLists} />
            </section>
          ) : (
            <p className="card p-3 text-sm text-muted" data-testid="viewer-note">
              You can view this list: its owner has not let you change it.
            </p>
          )}

          <FilterBar filters={filters} tags={tags} search={search} onSearch={setSearch} onChange={setFilters} />

          <section aria-labelledby="view-heading" className="card overflow-hidden">
            {problem && <ProblemBanner problem={problem} onRetry={retry} />}
            <LiveStatus state={live} />
            <div className="flex items-center gap-2 border-b border-line py-1 pl-4 pr-1">
              <h1 id="view-heading" className="flex-1 text-base font-semibold">
                {viewTitle}
              </h1>
              {canWrite(currentList) && (
                <button
                  type="button"
                  className="btn-ghost"
                  aria-pressed={selecting}
                  onClick={() => {
                    setSelecting((s) => !s);
                    setSelected(new Set());
                  }}
                >
                  Select
                </button>
              )}
            </div>
            {currentList && (
              <ListActions
                key={currentList.id}
                list={currentList}
                onRename={(name) => patchList(currentList, { name })}
                onColor={(color) => void patchList(currentList, { color })}
                onDelete={() => void deleteList(currentList)}
                onShare={() => setSharing(currentList)}
                onMove={{
                  up: moveTarget(lists ?? [], currentList.id, -1) !== undefined ? () => void moveList(currentList.id, moveTarget(lists ?? [], currentList.id, -1) ?? null) : undefined,
                  down: moveTarget(lists ?? [], currentList.id, 1) !== undefined ? () => void moveList(currentList.id, moveTarget(lists ?? [], currentList.id, 1) ?? null) : undefined,
                }}
              />
            )}
            {manual && sections.open.tasks.length > 1 && (
              <p className="sr-only" id="reorder-hint">
                Alt+Up and Alt+Down move the focused task; or drag it.
              </p>
            )}
            {selecting && (
              <BulkBar
                count={selected.size}
                total={shown.length}
                onAction={(a) => void bulk(a)}
                onSelectAll={() => setSelected(new Set(shown.map((t) => t.id)))}
                onDone={() => {
                  setSelecting(false);
                  setSelected(new Set());
                }}
              />
            )}
            {view.sections.map((d, i) => {
              const s = sections[d.id];
              // A folded section's rows are not drawn until it is opened: less work on load.
              const drawn = !d.collapsible || doneOpen;
              const list = (
                <>
                  <ul id={i === 0 ? LIST_ID : `${d.id}-list`} role="list" aria-busy={s.status === "loading"} className="divide-y divide-line" data-testid="task-list">
                    {drawn && (view.byDay && d.id === "open" ? byDay(s.tasks) : s.tasks.map((t) => row(t, d.id)))}
                  </ul>
                  {s.status === "loading" && s.tasks.length === 0 && <SkeletonRows rows={d.collapsible ? 2 : 5} />}
                  {s.cursor && (
                    <div className="border-t border-line p-2 text-center">
                      <button type="button" className="btn-secondary" onClick={() => void loadMore(d.id)} disabled={s.status === "loading"}>
                        {s.status === "loading" ? "Loading…" : "Load more"}
                      </button>
                    </div>
                  )}
                </>
              );
              if (!d.collapsible) return <div key={d.id}>{list}</div>;
              // Shown once the view's first section is there (appearing below it, it pushes
              // nothing: no layout shift), and only when it has tasks.
              if (firstState.status === "loading" || (s.status === "ready" && s.tasks.length === 0)) return null;
              const n = s.status === "ready" || s.tasks.length > 0 ? ` (${s.tasks.length}${s.cursor ? "+" : ""})` : "";
              return (
                <CollapsibleSection key={d.id} id={d.id} title={`${d.title ?? ""}${n}`} open={doneOpen} onOpenChange={setDoneOpen}>
                  {list}
                </CollapsibleSection>
              );
            })}
            {firstState.status === "ready" && firstState.tasks.length === 0 && (
              <p className="px-4 py-8 text-center text-sm text-muted" data-testid="empty">
                {filtered ? "No tasks match these filters." : others ? "All done: nothing left to do." : view.empty}
              </p>
            )}
          </section>
        </main>
      </div>

      {editing && <EditDialog key={editing.id} task={editing} lists={writableLists} onSave={(body) => save(editing, body)} onClose={() => setEditing(null)} />}
      {help && <HelpDialog onClose={() => setHelp(false)} />}
      {sharing && (
        <ShareDialog
          key={sharing.id}
          api={api}
          list={sharing}
          me={user.id}
          onClose={() => setSharing(null)}
          onChanged={() => void refreshLists()}
          onLeft={() => {
            setSharing(null);
            forget(sharing, `You left “${sharing.name}”.`);
          }}
        />
      )}
      <Toasts toasts={toasts} dismiss={dismiss} />
    </div>
  );
}

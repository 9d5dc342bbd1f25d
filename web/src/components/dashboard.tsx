"use client";

import { getNextCursor, getNextOccurrence, TodoApiError, type TagCount, type Task, type TaskInput, type TaskStats } from "@todo-api/client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { createApi } from "@/lib/api";
import { authClient } from "@/lib/auth-client";
import {
  DEFAULT_FILTERS,
  SORTS,
  describeError,
  fieldErrors,
  formatDue,
  matchesFilters,
  matchesStatus,
  toQuery,
  todayUTC,
  type Filters,
  type SortChoice,
} from "@/lib/tasks";
import { clearToken } from "@/lib/token";
import { EditDialog } from "./edit-dialog";
import { StatusTabs } from "./status-tabs";
import { TaskForm, type FormErrors, type TaskFields } from "./task-form";
import { TaskItem } from "./task-item";
import { Toasts, useToasts } from "./toasts";

const LIST_ID = "task-list";

let tempSeq = 0;
const tempId = () => `temp-${Date.now().toString(36)}-${(++tempSeq).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Dashboard is the signed-in page: stats, the new-task form, filters and the task list. Every
 * change shows at once and is undone if the API refuses it (optimistic updates).
 */
export function Dashboard({ apiUrl, user }: { apiUrl: string; user: { email: string } }) {
  const api = useMemo(() => createApi(apiUrl), [apiUrl]);
  const { toasts, toast, dismiss } = useToasts();

  const [filters, setFilters] = useState<Filters>(DEFAULT_FILTERS);
  const [search, setSearch] = useState("");
  const [tasks, setTasks] = useState<Task[]>([]);
  const [saving, setSaving] = useState<ReadonlySet<string>>(new Set());
  const [cursor, setCursor] = useState<string | undefined>();
  const [listState, setListState] = useState<"loading" | "ready" | "error">("loading");
  const [loadingMore, setLoadingMore] = useState(false);
  const [stats, setStats] = useState<TaskStats | null>(null);
  const [tags, setTags] = useState<TagCount[]>([]);
  const [editing, setEditing] = useState<Task | null>(null);
  const [today, setToday] = useState("");

  // Refs for callbacks that must see the latest values without re-subscribing.
  const tasksRef = useRef(tasks);
  tasksRef.current = tasks;
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const generation = useRef(0); // bumps on every new first page: late answers are dropped
  // Tasks added here since the first page was asked for, which its answer may predate: kept
  // at the top when it arrives. Keyed by the temporary id, then by the real one.
  const addedDuringLoad = useRef(new Map<string, Task>());

  useEffect(() => setToday(todayUTC()), []);

  const fail = useCallback(
    (e: unknown) => {
      if (e instanceof TodoApiError && e.status === 401) {
        // Even a renewed token was refused. Without a session (signed out elsewhere, expired)
        // that means signing in again; with one, the API does not trust our tokens: say so.
        void authClient.getSession().then(({ data }) => {
          if (!data) window.location.assign("/sign-in");
          else toast(`The API refused your sign-in: ${describeError(e)}`, "error");
        });
        return;
      }
      toast(describeError(e), "error");
    },
    [toast],
  );

  const mark = (id: string, on: boolean) =>
    setSaving((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });
  const put = (task: Task) => setTasks((ts) => ts.map((t) => (t.id === task.id ? task : t)));

  // Search as you type, a moment after the typing stops.
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.q === search ? f : { ...f, q: search })), 250);
    return () => clearTimeout(t);
  }, [search]);

  // The first page, again whenever the filters change.
  useEffect(() => {
    const gen = ++generation.current;
    // Saved ones are in the answer to the request made now (if they match); unsaved ones not.
    for (const [id] of addedDuringLoad.current) if (!id.startsWith("temp-")) addedDuringLoad.current.delete(id);
    setListState("loading");
    api.listTasks({ query: toQuery(filters) }).then(
      (page) => {
        if (gen !== generation.current) return;
        const added = [...addedDuringLoad.current.values()].filter((t) => !page.data.some((p) => p.id === t.id));
        setTasks([...added, ...page.data]);
        setCursor(getNextCursor(page));
        setListState("ready");
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        setListState("error");
        fail(e);
      },
    );
  }, [api, filters, fail]);

  const summaryCall = useRef(0);
  const refreshSummary = useCallback(async () => {
    const call = ++summaryCall.current;
    try {
      const [s, t] = await Promise.all([api.getTaskStats(), api.listTags()]);
      if (call !== summaryCall.current) return; // a later refresh is on its way
      setStats(s.data);
      setTags(t.data);
    } catch (e) {
      fail(e);
    }
  }, [api, fail]);
  useEffect(() => {
    void refreshSummary();
  }, [refreshSummary]);

  async function loadMore() {
    if (!cursor) return;
    const gen = generation.current;
    setLoadingMore(true);
    try {
      const page = await api.listTasks({ query: { ...toQuery(filtersRef.current), cursor } });
      if (gen !== generation.current) return;
      setTasks((ts) => [...ts, ...page.data.filter((t) => !ts.some((x) => x.id === t.id))]);
      setCursor(getNextCursor(page));
    } catch (e) {
      fail(e);
    } finally {
      setLoadingMore(false);
    }
  }

  async function create(input: TaskInput): Promise<FormErrors | null> {
    const id = tempId();
    const now = new Date().toISOString();
    const optimistic: Task = {
      id,
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
    setTasks((ts) => [optimistic, ...ts]);
    addedDuringLoad.current.set(id, optimistic);
    mark(id, true);
    try {
      // The key makes a retried request (after a 401) create one task, not two.
      const { data } = await api.createTask({ body: input, headers: { "Idempotency-Key": id } });
      if (addedDuringLoad.current.delete(id)) addedDuringLoad.current.set(data.id, data);
      // A list read meanwhile may hold it already: keep one copy, where the temporary one was.
      setTasks((ts) => ts.filter((t) => t.id !== data.id).map((t) => (t.id === id ? data : t)));
      void refreshSummary();
      return null;
    } catch (e) {
      addedDuringLoad.current.delete(id);
      setTasks((ts) => ts.filter((t) => t.id !== id));
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
   * task: it reads the new task and puts it at the top of the list (if the filters let it in and
   * it is not there yet), so it shows without a reload, and says when it is due.
   */
  async function showNextOccurrence(nextId: string) {
    try {
      const { data: next } = await api.getTask({ path: { id: nextId } });
      if (tasksRef.current.some((t) => t.id === next.id)) put(next);
      else if (matchesFilters(next, filtersRef.current)) {
        // A first page asked for before the occurrence existed keeps it at the top too.
        addedDuringLoad.current.set(next.id, next);
        setTasks((ts) => (ts.some((t) => t.id === next.id) ? ts : [next, ...ts]));
      }
      toast(next.due_date ? `Next: ${next.title} due ${formatDue(next.due_date)}` : `Next: ${next.title}`);
    } catch (e) {
      // Deleted meanwhile: nothing to show. Anything else is worth a word.
      if (!(e instanceof TodoApiError && e.status === 404)) fail(e);
    }
  }

  async function toggle(task: Task) {
    const completed = !task.completed;
    put({ ...task, completed, completed_at: completed ? new Date().toISOString() : null });
    try {
      // Always the explicit state: a retried toggle without a body would flip it back.
      const result = await api.completeTask({ path: { id: task.id }, body: { completed } });
      const { data } = result;
      if (matchesStatus(data, filtersRef.current.status)) put(data);
      else setTasks((ts) => ts.filter((t) => t.id !== data.id));
      const nextId = completed ? getNextOccurrence(result) : undefined;
      if (nextId) void showNextOccurrence(nextId);
      void refreshSummary();
    } catch (e) {
      put(task);
      fail(e);
    }
  }

  async function remove(task: Task) {
    const index = tasksRef.current.findIndex((t) => t.id === task.id);
    const next = tasksRef.current[index + 1] ?? tasksRef.current[index - 1];
    setTasks((ts) => ts.filter((t) => t.id !== task.id));
    // Keep the keyboard user in the list: focus the neighbour, or the new-task field.
    requestAnimationFrame(() => {
      const target = next
        ? document.getElementById(`task-${next.id}`)
        : document.querySelector<HTMLInputElement>("form[aria-label='New task'] input");
      target?.focus();
    });
    try {
      await api.deleteTask({ path: { id: task.id } });
      toast(`Deleted “${task.title}”.`);
      void refreshSummary();
    } catch (e) {
      if (e instanceof TodoApiError && e.status === 404) return; // gone already: what we wanted
      setTasks((ts) => {
        const copy = [...ts];
        copy.splice(Math.max(0, Math.min(index, copy.length)), 0, task);
        return copy;
      });
      fail(e);
    }
  }

  async function save(before: Task, body: TaskFields): Promise<FormErrors | null> {
    const completed = body.completed ?? before.completed;
    put({
      ...before,
      ...body,
      title: body.title.trim(),
      tags: [...new Set(body.tags.map((t) => t.toLowerCase()))],
      completed,
      completed_at: completed === before.completed ? before.completed_at : completed ? new Date().toISOString() : null,
    });
    mark(before.id, true);
    try {
      const result = await api.updateTask({ path: { id: before.id }, body });
      const { data } = result;
      if (matchesStatus(data, filtersRef.current.status)) put(data);
      else setTasks((ts) => ts.filter((t) => t.id !== data.id));
      // The API links the occurrence on every write of a completed repeating task: follow it
      // only when this save is what completed it.
      const nextId = body.completed ? getNextOccurrence(result) : undefined;
      if (nextId) void showNextOccurrence(nextId);
      void refreshSummary();
      return null;
    } catch (e) {
      put(before);
      const errors = fieldErrors(e);
      if (Object.keys(errors).length > 0) return errors;
      fail(e);
      return { "": `Not saved: ${describeError(e)}` };
    } finally {
      mark(before.id, false);
    }
  }

  async function signOut() {
    await authClient.signOut();
    clearToken();
    window.location.assign("/sign-in");
  }

  const filtered = filters.q !== "" || filters.priority !== "" || filters.tag !== "" || filters.status !== "all";
  const setFilter = <K extends keyof Filters>(k: K, v: Filters[K]) => setFilters((f) => ({ ...f, [k]: v }));

  return (
    <div className="mx-auto max-w-3xl px-4 pb-24 pt-6 sm:pt-10">
      <header className="mb-6 flex items-center justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight">Tasks</h1>
          <p className="truncate text-sm text-zinc-500" data-testid="user-email">
            {user.email}
          </p>
        </div>
        <button type="button" className="btn-secondary" onClick={signOut}>
          Sign out
        </button>
      </header>

      <section aria-label="Summary" className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {(
          [
            ["total", "Total", "text-zinc-900"],
            ["pending", "Pending", "text-indigo-700"],
            ["completed", "Completed", "text-emerald-700"],
            ["overdue", "Overdue", stats && stats.overdue > 0 ? "text-red-700" : "text-zinc-900"],
          ] as const
        ).map(([key, label, color]) => (
          <div key={key} className="rounded-xl border border-zinc-200 bg-white px-4 py-3 shadow-xs" data-testid={`stat-${key}`}>
            <div className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</div>
            <div className={`mt-1 text-2xl font-semibold tabular-nums ${color}`} data-testid={`stat-${key}-value`}>
              {stats ? stats[key] : "–"}
            </div>
          </div>
        ))}
      </section>

      <section aria-label="Add a task" className="mb-6 rounded-xl border border-zinc-200 bg-white p-4 shadow-xs">
        <TaskForm compact submitLabel="Add" onSubmit={create} />
      </section>

      <section aria-label="Filters" className="mb-3 space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <StatusTabs value={filters.status} onChange={(s) => setFilter("status", s)} controls={LIST_ID} />
          <div className="w-full sm:w-64">
            <label className="sr-only" htmlFor="search">Search tasks</label>
            <input
              id="search"
              type="search"
              className="input"
              placeholder="Search…"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
        </div>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end">
          <div>
            <label className="label text-xs" htmlFor="filter-priority">Priority</label>
            <select id="filter-priority" className="input" value={filters.priority} onChange={(e) => setFilter("priority", e.target.value as Filters["priority"])}>
              <option value="">Any priority</option>
              <option value="high">High</option>
              <option value="medium">Medium</option>
              <option value="low">Low</option>
            </select>
          </div>
          <div>
            <label className="label text-xs" htmlFor="filter-tag">Tag</label>
            <select id="filter-tag" className="input" value={filters.tag} onChange={(e) => setFilter("tag", e.target.value)}>
              <option value="">Any tag</option>
              {filters.tag && !tags.some((t) => t.name === filters.tag) && <option value={filters.tag}>#{filters.tag}</option>}
              {tags.map((t) => (
                <option key={t.name} value={t.name}>
                  #{t.name} ({t.count})
                </option>
              ))}
            </select>
          </div>
          <div>
            <label className="label text-xs" htmlFor="sort">Sort</label>
            <select id="sort" className="input" value={filters.sort} onChange={(e) => setFilter("sort", e.target.value as SortChoice)}>
              {Object.entries(SORTS).map(([k, s]) => (
                <option key={k} value={k}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
          <button
            type="button"
            className="btn-ghost"
            disabled={!filtered}
            onClick={() => {
              setSearch("");
              setFilters((f) => ({ ...DEFAULT_FILTERS, sort: f.sort }));
            }}
          >
            Clear filters
          </button>
        </div>
      </section>

      <section aria-label="Tasks" className="overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs">
        <ul id={LIST_ID} role="list" aria-busy={listState === "loading"} className="divide-y divide-zinc-100" data-testid="task-list">
          {tasks.map((t) => (
            <TaskItem
              key={t.id}
              task={t}
              saving={saving.has(t.id)}
              today={today}
              onToggle={toggle}
              onEdit={setEditing}
              onDelete={remove}
              onTag={(tag) => setFilter("tag", tag)}
            />
          ))}
        </ul>
        {listState !== "loading" && tasks.length === 0 && (
          <p className="px-4 py-10 text-center text-sm text-zinc-500" data-testid="empty">
            {listState === "error"
              ? "The tasks could not be loaded."
              : filtered
                ? "No tasks match these filters."
                : "Nothing to do yet. Add your first task above."}
          </p>
        )}
        {listState === "loading" && tasks.length === 0 && <p className="px-4 py-10 text-center text-sm text-zinc-500">Loading…</p>}
        {cursor && (
          <div className="border-t border-zinc-100 p-3 text-center">
            <button type="button" className="btn-secondary" onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? "Loading…" : "Load more"}
            </button>
          </div>
        )}
      </section>

      {editing && <EditDialog key={editing.id} task={editing} onSave={(body) => save(editing, body)} onClose={() => setEditing(null)} />}
      <Toasts toasts={toasts} dismiss={dismiss} />
    </div>
  );
}

"use client";

import type { TodoApi, Task } from "@todo-api/client";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import type { Now } from "@/lib/dates";
import { TaskItem } from "./task-item";

/** MAX_DEPTH is the deepest level a subtask may have (the API's rule: four levels in all). */
const MAX_DEPTH = 3;

/** The subtasks read so far, by parent: drawn at once when a parent's row is drawn again (it moved to another section). */
const loaded = new Map<string, Task[]>();
/** Subtasks shown completed with their parent before the API confirmed it. */
const completing = new Set<string>();

/**
 * completeOnScreen ticks every subtask read so far under parentId, as the API is about to do
 * for the whole subtree, and returns their ids for settle.
 */
export function completeOnScreen(parentId: string): string[] {
  const ids: string[] = [];
  const at = new Date().toISOString();
  const walk = (pid: string) => {
    const kids = loaded.get(pid);
    if (!kids) return;
    loaded.set(
      pid,
      kids.map((t) => {
        if (t.completed) return t;
        ids.push(t.id);
        return { ...t, completed: true, completed_at: at };
      }),
    );
    for (const k of kids) walk(k.id);
  };
  walk(parentId);
  for (const id of ids) completing.add(id);
  return ids;
}

/** settle ends completeOnScreen: the API answered; refused, the subtrees are read again (forget). */
export function settle(ids: readonly string[], forget?: string) {
  for (const id of ids) completing.delete(id);
  if (forget) loaded.delete(forget);
}

interface Props {
  api: TodoApi;
  parent: Task;
  /** The parent's level: 0 for a top-level task. */
  depth: number;
  now: Now;
  /** Bumped when a task was changed elsewhere (the edit dialog): read the subtasks again. */
  epoch: number;
  /** Focus the add field when shown (the row's "+"). */
  autoFocusAdd: boolean;
  /** The parent's list is one the user only views: subtasks are shown, never changed. */
  readOnly?: boolean;
  /** Something under the parent changed: its "done/total" counts are to be read again. */
  onCountsChanged: () => void;
  onEdit: (t: Task) => void;
  onTag: (tag: string) => void;
  fail: (e: unknown) => void;
}

/**
 * Subtasks are a task's subtasks, nested under its row: read when first opened (manual
 * order), each with its own subtasks, a field to add one, and the same complete, edit and
 * delete as any task. Completing the parent completes every subtask shown under it at once, as
 * the API completes the subtree.
 */
export function Subtasks({ api, parent, depth, now, epoch, autoFocusAdd, readOnly, onCountsChanged, onEdit, onTag, fail }: Props) {
  const [tasks, setShown] = useState<Task[] | null>(() => loaded.get(parent.id) ?? null);
  const setTasks = useCallback(
    (next: Task[] | null | ((cur: Task[] | null) => Task[] | null)) =>
      setShown((cur) => {
        const n = typeof next === "function" ? next(cur) : next;
        if (n) loaded.set(parent.id, n);
        return n;
      }),
    [parent.id],
  );
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [focusAdd, setFocusAdd] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const addRef = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      const { data } = await api.listTasks({ query: { parent_id: parent.id, sort: "position", order: "asc", limit: 100 } });
      // Ticked with their parent and not yet confirmed: they stay ticked.
      setTasks(data.map((t) => (completing.has(t.id) && !t.completed ? { ...t, completed: true, completed_at: new Date().toISOString() } : t)));
    } catch (e) {
      setTasks((t) => t ?? []);
      fail(e);
    }
  }, [api, parent.id, fail, setTasks]);
  useEffect(() => {
    void load();
  }, [load, epoch]);
  useEffect(() => {
    if (autoFocusAdd && tasks !== null) addRef.current?.focus();
  }, [autoFocusAdd, tasks]);
  // The parent completed: so is everything under it (the API did the same in one transaction).
  useEffect(() => {
    if (parent.completed) setTasks((ts) => ts && ts.map((t) => (t.completed ? t : { ...t, completed: true, completed_at: new Date().toISOString() })));
  }, [parent.completed, setTasks]);

  const replace = (t: Task) => setTasks((ts) => ts && ts.map((x) => (x.id === t.id ? t : x)));

  async function toggle(t: Task) {
    const completed = !t.completed;
    const ticked = completed ? completeOnScreen(t.id) : [];
    replace({ ...t, completed, completed_at: completed ? new Date().toISOString() : null });
    try {
      const { data } = await api.completeTask({ path: { id: t.id }, body: { completed } });
      settle(ticked);
      replace(data);
      onCountsChanged();
    } catch (e) {
      settle(ticked, t.id);
      replace(t);
      fail(e);
    }
  }

  async function remove(t: Task) {
    setTasks((ts) => ts && ts.filter((x) => x.id !== t.id));
    try {
      await api.deleteTask({ path: { id: t.id } });
      onCountsChanged();
    } catch (e) {
      setTasks((ts) => ts && [...ts, t]);
      fail(e);
    }
  }

  async function add(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const text = title.trim();
    if (!text) return;
    setTitle("");
    try {
      const { data } = await api.createTask({ body: { title: text, parent_id: parent.id }, headers: { "Idempotency-Key": crypto.randomUUID() } });
      // New subtasks go to the top of their siblings, as the API orders them.
      setTasks((ts) => [data, ...(ts ?? [])]);
      onCountsChanged();
    } catch (err) {
      setTitle(text);
      fail(err);
    }
  }

  /** refresh reads one subtask again: its own counts changed. */
  const refresh = (id: string) => async () => {
    try {
      const { data } = await api.getTask({ path: { id } });
      replace(data);
    } catch (e) {
      fail(e);
    }
  };

  const canNest = depth + 1 < MAX_DEPTH;
  return (
    <div id={`subtasks-${parent.id}`} className="ml-6 border-l border-line pl-1 sm:ml-9" data-testid="subtasks">
      <ul role="list" aria-label={`Subtasks of “${parent.title}”`} aria-busy={tasks === null} className="divide-y divide-line">
        {(tasks ?? []).map((t) => (
          <TaskItem
            key={t.id}
            task={t}
            saving={false}
            readOnly={readOnly}
            now={now}
            selecting={false}
            selected={false}
            onSelect={() => {}}
            onToggle={(x) => void toggle(x)}
            onEdit={onEdit}
            onDelete={(x) => void remove(x)}
            onTag={onTag}
            subtasks={
              canNest
                ? {
                    expanded: open.has(t.id),
                    onExpand: (x, on) => setOpen((s) => (on ? new Set(s).add(x.id) : new Set([...s].filter((i) => i !== x.id)))),
                    onAdd: (x) => {
                      setOpen((s) => new Set(s).add(x.id));
                      setFocusAdd(x.id);
                    },
                  }
                : undefined
            }
          >
            {canNest && open.has(t.id) && (
              <Subtasks
                api={api}
                parent={t}
                depth={depth + 1}
                now={now}
                epoch={epoch}
                autoFocusAdd={focusAdd === t.id}
                readOnly={readOnly}
                onCountsChanged={refresh(t.id)}
                onEdit={onEdit}
                onTag={onTag}
                fail={fail}
              />
            )}
          </TaskItem>
        ))}
      </ul>
      {!readOnly && (
        <form onSubmit={add} className="flex gap-1 py-1 pr-1" aria-label={`Add a subtask to “${parent.title}”`}>
          <label htmlFor={`add-sub-${parent.id}`} className="sr-only">
            New subtask of “{parent.title}”
          </label>
          <input
            ref={addRef}
            id={`add-sub-${parent.id}`}
            className="input min-w-0 flex-1"
            placeholder="Add a subtask"
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            data-testid="subtask-input"
          />
          <button type="submit" className="btn-secondary">
            Add<span className="sr-only"> subtask</span>
          </button>
        </form>
      )}
    </div>
  );
}

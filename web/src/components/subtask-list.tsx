"use client";

import { TodoApiError, type TodoApi, type Task } from "@todo-api/client";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import type { Now } from "@/lib/dates";
import { keepFocusNear } from "@/lib/focus";
import { dropTarget, stepTarget } from "@/lib/reorder";
import { completeOnScreen, completing, loaded, settle } from "@/lib/subtask-state";
import { TaskItem } from "./task-item";

/** MAX_DEPTH is the deepest level a subtask may have (the API's rule: four levels in all). */
const MAX_DEPTH = 3;

/** placeAfter is tasks with t right after the one with id afterId (first for null, or when that one is gone). */
function placeAfter(tasks: readonly Task[], t: Task, afterId: string | null): Task[] {
  const at = afterId === null ? 0 : tasks.findIndex((x) => x.id === afterId) + 1;
  return [...tasks.slice(0, at), t, ...tasks.slice(at)];
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
  /** A subtask was deleted: undo (POST /restore) puts it back where it was (the toast's Undo). */
  onDeleted: (t: Task, undo: () => Promise<void>) => void;
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
export function Subtasks({ api, parent, depth, now, epoch, autoFocusAdd, readOnly, onCountsChanged, onDeleted, onEdit, onTag, fail }: Props) {
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
  const [dragging, setDragging] = useState<string | null>(null);
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
    const siblings = tasks ?? [];
    const i = siblings.findIndex((x) => x.id === t.id);
    // Where it was: after the sibling before it (the top when none is).
    const afterId = i > 0 ? (siblings[i - 1]?.id ?? null) : null;
    keepFocusNear(t.id);
    setTasks((ts) => ts && ts.filter((x) => x.id !== t.id));
    try {
      await api.deleteTask({ path: { id: t.id } });
      onCountsChanged();
      onDeleted(t, async () => {
        const { data } = await api.restoreTask({ path: { id: t.id } });
        // The API restores it in its old place among its siblings: so does the screen.
        setTasks((ts) => ts && placeAfter(ts.filter((x) => x.id !== data.id), data, afterId));
        onCountsChanged();
      });
    } catch (e) {
      if (e instanceof TodoApiError && e.status === 404) return; // gone already: what we wanted
      setTasks((ts) => ts && placeAfter(ts, t, afterId));
      fail(e);
    }
  }

  /**
   * move puts t right after afterId among its siblings (null: first), on screen at once, then
   * with POST /move; put back if the API refuses. The focus stays on its checkbox.
   */
  async function move(t: Task, afterId: string | null) {
    const before = tasks ?? [];
    setTasks(placeAfter(before.filter((x) => x.id !== t.id), t, afterId));
    try {
      const { data } = await api.moveTask({ path: { id: t.id }, body: { after_id: afterId } });
      replace(data);
      requestAnimationFrame(() => document.getElementById(`task-${t.id}`)?.focus());
    } catch (e) {
      setTasks(before);
      fail(e);
    }
  }
  /** moveBy moves a subtask one place up (−1) or down (+1): Alt+↑/↓ on its row. */
  const moveBy = (t: Task, delta: -1 | 1) => {
    const after = stepTarget((tasks ?? []).map((x) => x.id), t.id, delta);
    if (after !== undefined) void move(t, after);
  };
  /** dropOn moves the dragged subtask onto target's place. */
  const dropOn = (target: Task) => {
    const id = dragging;
    setDragging(null);
    const list = tasks ?? [];
    const moving = list.find((x) => x.id === id);
    const after = moving && dropTarget(list.map((x) => x.id), moving.id, target.id);
    if (moving && after !== undefined) void move(moving, after);
  };

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
            reorder={!readOnly && (tasks?.length ?? 0) > 1 ? { onKey: moveBy, onDragStart: (x) => setDragging(x.id), onDrop: dropOn, dragging: dragging === t.id } : undefined}
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
                onDeleted={onDeleted}
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

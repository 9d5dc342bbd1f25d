"use client";

import type { Task } from "@todo-api/client";
import { memo, type DragEvent, type KeyboardEvent, type ReactNode } from "react";
import { dueLabel, isOverdue, type Now } from "@/lib/dates";
import { REPEATS } from "@/lib/tasks";

const PRIORITY_STYLE = {
  high: "bg-danger-soft text-danger ring-danger-line",
  medium: "bg-warn-soft text-warn ring-warn-line",
  low: "bg-sunken text-muted ring-line",
} as const;

interface Props {
  task: Task;
  /** A create still on its way: shown, not yet editable. */
  saving: boolean;
  /** A task of a list the user only views: shown, never changed (no toggling, editing, deleting, adding, dragging). */
  readOnly?: boolean;
  now: Now;
  /** In selection mode each row has a checkbox that selects it for a bulk action. */
  selecting: boolean;
  selected: boolean;
  onSelect: (t: Task, on: boolean) => void;
  onToggle: (t: Task) => void;
  onEdit: (t: Task) => void;
  onDelete: (t: Task) => void;
  onTag: (tag: string) => void;
  /** Its subtasks, when it has or may get some: the "2/5" badge folds them open or shut. */
  subtasks?: { expanded: boolean; onExpand: (t: Task, open: boolean) => void; onAdd?: (t: Task) => void };
  /** Reordering by hand (a list in manual order): dragging the row, or Alt+↑/↓ on it. */
  reorder?: {
    onKey: (t: Task, delta: -1 | 1) => void;
    onDragStart: (t: Task) => void;
    onDrop: (t: Task) => void;
    dragging: boolean;
  };
  /** What is shown under the row: its subtasks. */
  children?: ReactNode;
}

/** TaskItem is one row of the list: complete checkbox, title, details, edit and delete; every control at least 44 px. */
export const TaskItem = memo(function TaskItem({
  task,
  saving,
  readOnly,
  now,
  selecting,
  selected,
  onSelect,
  onToggle,
  onEdit,
  onDelete,
  onTag,
  subtasks,
  reorder,
  children,
}: Props) {
  const overdue = isOverdue(task, now);
  const checkboxId = `task-${task.id}`;
  const counts = task.subtasks;
  if (readOnly) {
    subtasks = subtasks && { ...subtasks, onAdd: undefined };
    reorder = undefined;
  }
  const onKeyDown = reorder
    ? (e: KeyboardEvent) => {
        if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
        e.preventDefault();
        // A subtask's row is inside its parent's: the parent does not move too.
        e.stopPropagation();
        reorder.onKey(task, e.key === "ArrowUp" ? -1 : 1);
      }
    : undefined;
  const drag = reorder
    ? {
        draggable: true,
        onDragStart: (e: DragEvent) => {
          e.stopPropagation();
          e.dataTransfer.setData("application/x-todo-task", task.id);
          e.dataTransfer.effectAllowed = "move";
          reorder.onDragStart(task);
        },
        onDragOver: (e: DragEvent) => e.preventDefault(),
        onDrop: (e: DragEvent) => {
          e.preventDefault();
          e.stopPropagation();
          reorder.onDrop(task);
        },
      }
    : {};
  return (
    <li
      data-testid="task"
      data-task-id={task.id}
      data-completed={task.completed}
      data-selected={selected || undefined}
      aria-busy={saving || undefined}
      onKeyDown={onKeyDown}
      {...drag}
      className={`${saving ? "opacity-70" : ""} ${selected ? "bg-accent-soft" : ""} ${reorder?.dragging ? "opacity-50" : ""}`}
    >
      <div className="group flex items-start gap-1 py-1 pl-1 pr-1 sm:pl-2">
        {selecting && (
          <span className="grid size-11 shrink-0 place-items-center">
            <input
              type="checkbox"
              className="size-5 cursor-pointer accent-accent"
              checked={selected}
              onChange={(e) => onSelect(task, e.target.checked)}
              aria-label={`Select “${task.title}”`}
              data-testid="task-select"
            />
          </span>
        )}
        <span className="relative grid size-11 shrink-0 place-items-center">
          <input
            id={checkboxId}
            type="checkbox"
            className={`peer absolute inset-0 size-full appearance-none rounded-full ${readOnly ? "cursor-not-allowed" : "cursor-pointer"}`}
            checked={task.completed}
            disabled={saving}
            // Read-only, yet focusable: j/k still walk a viewer's rows. React reports a
            // checkbox's click as a change even when the click is cancelled: both are guarded.
            aria-disabled={readOnly || undefined}
            onClick={readOnly ? (e) => e.preventDefault() : undefined}
            onChange={() => {
              if (!readOnly) onToggle(task);
            }}
          />
          <span
            aria-hidden="true"
            className={`pointer-events-none grid size-5 place-items-center rounded-full border-2 text-on-accent peer-checked:border-accent peer-checked:bg-accent peer-hover:border-link ${
              task.priority === "high" ? "border-danger" : "border-muted"
            }`}
          >
            {task.completed && (
              <svg viewBox="0 0 16 16" className="size-3" fill="none" stroke="currentColor" strokeWidth="2.5">
                <path d="M3 8.5l3 3 7-7" />
              </svg>
            )}
          </span>
        </span>
        <div className="min-w-0 flex-1 py-2.5">
          <label
            htmlFor={checkboxId}
            data-testid="task-title"
            className={`block cursor-pointer break-words font-medium ${task.completed ? "text-muted line-through" : "text-fg"}`}
          >
            {task.title}
          </label>
          {task.description && <p className="mt-0.5 line-clamp-2 break-words text-sm text-muted">{task.description}</p>}
          <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs empty:hidden">
            {task.priority !== "medium" && (
              <span className={`rounded px-1.5 py-0.5 font-medium capitalize ring-1 ring-inset ${PRIORITY_STYLE[task.priority]}`}>
                <span className="sr-only">Priority: </span>
                {task.priority}
              </span>
            )}
            {task.due_date && (
              <span
                data-testid="task-due"
                data-overdue={overdue}
                className={`rounded px-1.5 py-0.5 ring-1 ring-inset ${overdue ? "bg-danger-soft font-semibold text-danger ring-danger-line" : "text-muted ring-line"}`}
              >
                {overdue ? "Overdue · " : <span className="sr-only">Due </span>}
                <time dateTime={task.due_time ? `${task.due_date}T${task.due_time}` : task.due_date}>{dueLabel(task.due_date, task.due_time, now.date)}</time>
              </span>
            )}
            {task.repeat !== "none" && (
              <span
                data-testid="task-repeat"
                data-repeat={task.repeat}
                title={`Repeats ${REPEATS[task.repeat].toLowerCase()}`}
                className="rounded px-1.5 py-0.5 text-muted ring-1 ring-inset ring-line"
              >
                <span className="sr-only">Repeats: </span>
                <span aria-hidden="true">↻ </span>
                {REPEATS[task.repeat]}
              </span>
            )}
            {task.tags.map((tag) => (
              <button
                key={tag}
                type="button"
                onClick={() => onTag(tag)}
                className="rounded-full bg-accent-soft px-2 py-0.5 text-link hover:underline"
                aria-label={`Show tasks tagged ${tag}`}
              >
                #{tag}
              </button>
            ))}
          </div>
        </div>
        <div className="flex shrink-0">
          {subtasks && counts.total > 0 && (
            <button
              type="button"
              className="btn-ghost min-w-11 px-2 text-xs tabular-nums"
              data-testid="subtask-badge"
              aria-expanded={subtasks.expanded}
              aria-controls={`subtasks-${task.id}`}
              onClick={() => subtasks.onExpand(task, !subtasks.expanded)}
              title={subtasks.expanded ? "Hide subtasks" : "Show subtasks"}
            >
              <span aria-hidden="true">{subtasks.expanded ? "▾" : "▸"} </span>
              {counts.completed}/{counts.total}
              <span className="sr-only"> subtasks done{subtasks.expanded ? ", shown" : ""}</span>
            </button>
          )}
          {subtasks?.onAdd && (
            <button type="button" className="btn-icon" disabled={saving} onClick={() => subtasks.onAdd?.(task)} aria-label={`Add a subtask to “${task.title}”`} title="Add subtask">
              <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.6">
                <path d="M10 4v12M4 10h12" />
              </svg>
            </button>
          )}
          {!readOnly && (
            <>
              <button type="button" className="btn-icon" disabled={saving} onClick={() => onEdit(task)} aria-label={`Edit “${task.title}”`} title="Edit (e)">
                <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.6">
                  <path d="M13.5 3.5l3 3L7 16H4v-3z" />
                </svg>
              </button>
              <button
                type="button"
                className="btn-icon hover:bg-danger-soft hover:text-danger"
                disabled={saving}
                onClick={() => onDelete(task)}
                aria-label={`Delete “${task.title}”`}
                title="Delete (Delete)"
              >
                <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.6">
                  <path d="M4 6h12M8 6V4h4v2M6 6l1 10h6l1-10" />
                </svg>
              </button>
            </>
          )}
        </div>
      </div>
      {children}
    </li>
  );
});

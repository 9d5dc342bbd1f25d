"use client";

import type { Task } from "@todo-api/client";
import { REPEATS, formatDue, isOverdue } from "@/lib/tasks";

const PRIORITY_STYLE = {
  high: "bg-red-50 text-red-700 ring-red-200",
  medium: "bg-amber-50 text-amber-800 ring-amber-200",
  low: "bg-zinc-100 text-zinc-600 ring-zinc-200",
} as const;

interface Props {
  task: Task;
  /** A create still on its way: shown, not yet editable. */
  saving: boolean;
  today: string;
  onToggle: (t: Task) => void;
  onEdit: (t: Task) => void;
  onDelete: (t: Task) => void;
  onTag: (tag: string) => void;
}

/** TaskItem is one row of the list: complete checkbox, title, details, edit and delete. */
export function TaskItem({ task, saving, today, onToggle, onEdit, onDelete, onTag }: Props) {
  const overdue = isOverdue(task, today);
  const checkboxId = `task-${task.id}`;
  return (
    <li
      data-testid="task"
      data-task-id={task.id}
      data-completed={task.completed}
      aria-busy={saving || undefined}
      className={`group flex items-start gap-3 px-4 py-3 ${saving ? "opacity-60" : ""} ${overdue ? "bg-red-50/50" : ""}`}
    >
      <input
        id={checkboxId}
        type="checkbox"
        className="mt-1 size-4 shrink-0 cursor-pointer rounded border-zinc-300 accent-indigo-600"
        checked={task.completed}
        disabled={saving}
        onChange={() => onToggle(task)}
      />
      <div className="min-w-0 flex-1">
        <label
          htmlFor={checkboxId}
          data-testid="task-title"
          className={`block cursor-pointer break-words font-medium ${task.completed ? "text-zinc-400 line-through" : "text-zinc-900"}`}
        >
          {task.title}
        </label>
        {task.description && <p className="mt-0.5 line-clamp-2 break-words text-sm text-zinc-600">{task.description}</p>}
        <div className="mt-1.5 flex flex-wrap items-center gap-1.5 text-xs">
          <span className={`rounded px-1.5 py-0.5 font-medium capitalize ring-1 ring-inset ${PRIORITY_STYLE[task.priority]}`}>
            <span className="sr-only">Priority: </span>
            {task.priority}
          </span>
          {task.due_date && (
            <span
              data-testid="task-due"
              data-overdue={overdue}
              className={`rounded px-1.5 py-0.5 ring-1 ring-inset ${overdue ? "bg-red-100 font-semibold text-red-800 ring-red-300" : "text-zinc-600 ring-zinc-200"}`}
            >
              {overdue ? "Overdue · " : "Due "}
              <time dateTime={task.due_date}>{formatDue(task.due_date)}</time>
            </span>
          )}
          {task.repeat !== "none" && (
            <span
              data-testid="task-repeat"
              data-repeat={task.repeat}
              title={`Repeats ${REPEATS[task.repeat].toLowerCase()}`}
              className="rounded px-1.5 py-0.5 text-zinc-600 ring-1 ring-inset ring-zinc-200"
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
              className="rounded-full bg-indigo-50 px-2 py-0.5 text-indigo-700 hover:bg-indigo-100"
              aria-label={`Show tasks tagged ${tag}`}
            >
              #{tag}
            </button>
          ))}
        </div>
      </div>
      <div className="flex shrink-0 gap-1 sm:opacity-60 sm:group-focus-within:opacity-100 sm:group-hover:opacity-100">
        <button type="button" className="btn-ghost px-2 py-1" disabled={saving} onClick={() => onEdit(task)} aria-label={`Edit “${task.title}”`}>
          Edit
        </button>
        <button
          type="button"
          className="btn-ghost px-2 py-1 text-red-700 hover:bg-red-50 hover:text-red-800"
          disabled={saving}
          onClick={() => onDelete(task)}
          aria-label={`Delete “${task.title}”`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}

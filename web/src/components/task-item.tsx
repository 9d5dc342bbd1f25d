"use client";

import type { Task } from "@todo-api/client";
import { memo } from "react";
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
  now: Now;
  /** In selection mode each row has a checkbox that selects it for a bulk action. */
  selecting: boolean;
  selected: boolean;
  onSelect: (t: Task, on: boolean) => void;
  onToggle: (t: Task) => void;
  onEdit: (t: Task) => void;
  onDelete: (t: Task) => void;
  onTag: (tag: string) => void;
}

/** TaskItem is one row of the list: complete checkbox, title, details, edit and delete; every control at least 44 px. */
export const TaskItem = memo(function TaskItem({ task, saving, now, selecting, selected, onSelect, onToggle, onEdit, onDelete, onTag }: Props) {
  const overdue = isOverdue(task, now);
  const checkboxId = `task-${task.id}`;
  return (
    <li
      data-testid="task"
      data-task-id={task.id}
      data-completed={task.completed}
      data-selected={selected || undefined}
      aria-busy={saving || undefined}
      className={`group flex items-start gap-1 py-1 pl-1 pr-1 sm:pl-2 ${saving ? "opacity-70" : ""} ${selected ? "bg-accent-soft" : ""}`}
    >
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
          className="peer absolute inset-0 size-full cursor-pointer appearance-none rounded-full"
          checked={task.completed}
          disabled={saving}
          onChange={() => onToggle(task)}
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
      </div>
    </li>
  );
});

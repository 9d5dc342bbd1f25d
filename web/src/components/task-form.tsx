"use client";

import type { Priority, Repeat, Task, TaskPatch } from "@todo-api/client";
import { useId, useRef, useState, type FormEvent } from "react";
import { REPEATS, parseTags } from "@/lib/tasks";

/** The editable fields of a task, as the form holds them (strings, "" for none). */
interface Values {
  title: string;
  description: string;
  priority: Priority;
  due_date: string;
  repeat: Repeat;
  tags: string;
  completed: boolean;
}

function valuesOf(t?: Task): Values {
  return {
    title: t?.title ?? "",
    description: t?.description ?? "",
    priority: t?.priority ?? "medium",
    due_date: t?.due_date ?? "",
    repeat: t?.repeat ?? "none",
    tags: t?.tags.join(", ") ?? "",
    completed: t?.completed ?? false,
  };
}

/**
 * The fields the form saves: all of a task's editable fields; `completed` only when the edit
 * form changed it (the list's checkbox may have changed it meanwhile).
 */
export type TaskFields = Required<Pick<TaskPatch, "title" | "description" | "priority" | "due_date" | "repeat" | "tags">> &
  Pick<TaskPatch, "completed">;

/** Errors by field name (title, description, priority, due_date, repeat, tags); "" is the form as a whole. */
export type FormErrors = Record<string, string>;

interface Props {
  /** The task being edited; none for a new one. */
  task?: Task;
  submitLabel: string;
  /** Saves the fields; resolves to the server's field errors, or null when it worked. */
  onSubmit: (body: TaskFields) => Promise<FormErrors | null>;
  onCancel?: () => void;
  /** Create mode: the title alone, the other fields behind "More options"; cleared after saving. */
  compact?: boolean;
}

/** TaskForm is the create form and the edit form: labelled fields, each with the server's message under it. */
export function TaskForm({ task, submitLabel, onSubmit, onCancel, compact = false }: Props) {
  const id = useId();
  const [v, setV] = useState<Values>(() => valuesOf(task));
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  const detailsRef = useRef<HTMLDetailsElement>(null);

  const set = <K extends keyof Values>(k: K, value: Values[K]) => {
    setV((old) => ({ ...old, [k]: value }));
    if (errors[k]) setErrors(({ [k]: _, ...rest }) => rest);
  };
  // A task repeats from its due date: without one it cannot repeat (the API clears it too).
  const setDue = (due: string) => {
    set("due_date", due);
    if (!due) set("repeat", "none");
  };

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!v.title.trim()) {
      setErrors({ title: "Give the task a title." });
      titleRef.current?.focus();
      return;
    }
    setBusy(true);
    const body: TaskFields = {
      title: v.title,
      description: v.description.trim() ? v.description : null,
      priority: v.priority,
      due_date: v.due_date || null,
      repeat: v.due_date ? v.repeat : "none",
      tags: parseTags(v.tags),
    };
    if (task && v.completed !== task.completed) body.completed = v.completed;
    const pending = onSubmit(body);
    if (compact) {
      // The task shows up in the list at once (optimistically); the form is ready for the next.
      setV(valuesOf());
      titleRef.current?.focus();
    }
    const errs = await pending;
    setBusy(false);
    if (errs) {
      // Give the typed values back to fix, unless the next task is being typed already.
      if (compact) setV((cur) => (cur.title || cur.description || cur.tags || cur.due_date ? cur : v));
      setErrors(errs);
      if (errs.title) titleRef.current?.focus();
      // An error in a folded field: unfold it, so the message can be seen.
      else if (detailsRef.current && Object.keys(errs).some((k) => k !== "" && k !== "title")) detailsRef.current.open = true;
    }
  }

  const err = (k: string) =>
    errors[k] ? (
      <p id={`${id}-${k}-error`} className="field-error">
        {errors[k]}
      </p>
    ) : null;
  const a11y = (k: string) => ({
    "aria-invalid": errors[k] ? true : undefined,
    "aria-describedby": errors[k] ? `${id}-${k}-error` : undefined,
  });

  const details = (
    <div className="grid gap-3 sm:grid-cols-2">
      <div className="sm:col-span-2">
        <label className="label" htmlFor={`${id}-description`}>Description</label>
        <textarea
          className="input min-h-20"
          id={`${id}-description`}
          value={v.description}
          onChange={(e) => set("description", e.target.value)}
          {...a11y("description")}
        />
        {err("description")}
      </div>
      <div>
        <label className="label" htmlFor={`${id}-priority`}>Priority</label>
        <select className="input" id={`${id}-priority`} value={v.priority} onChange={(e) => set("priority", e.target.value as Priority)} {...a11y("priority")}>
          <option value="low">Low</option>
          <option value="medium">Medium</option>
          <option value="high">High</option>
        </select>
        {err("priority")}
      </div>
      <div>
        <label className="label" htmlFor={`${id}-due`}>Due date</label>
        <input className="input" id={`${id}-due`} type="date" value={v.due_date} onChange={(e) => setDue(e.target.value)} {...a11y("due_date")} />
        {err("due_date")}
      </div>
      <div>
        <label className="label" htmlFor={`${id}-repeat`}>Repeat</label>
        <select
          className="input disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-400"
          id={`${id}-repeat`}
          value={v.repeat}
          disabled={!v.due_date}
          onChange={(e) => set("repeat", e.target.value as Repeat)}
          {...a11y("repeat")}
          aria-describedby={errors.repeat ? `${id}-repeat-error` : !v.due_date ? `${id}-repeat-hint` : undefined}
        >
          {Object.entries(REPEATS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {errors.repeat ? (
          err("repeat")
        ) : !v.due_date ? (
          <p id={`${id}-repeat-hint`} className="mt-1 text-xs text-zinc-500">Set a due date to repeat the task.</p>
        ) : null}
      </div>
      {task && (
        <div className="flex items-end pb-2">
          <label className="flex cursor-pointer items-center gap-2 text-sm font-medium text-zinc-700">
            <input
              type="checkbox"
              className="size-4 rounded border-zinc-300 accent-indigo-600"
              checked={v.completed}
              onChange={(e) => set("completed", e.target.checked)}
            />
            Completed
          </label>
        </div>
      )}
      <div className="sm:col-span-2">
        <label className="label" htmlFor={`${id}-tags`}>Tags</label>
        <input
          className="input"
          id={`${id}-tags`}
          value={v.tags}
          placeholder="home, errands"
          onChange={(e) => set("tags", e.target.value)}
          {...a11y("tags")}
          aria-describedby={errors.tags ? `${id}-tags-error` : `${id}-tags-hint`}
        />
        {errors.tags ? err("tags") : <p id={`${id}-tags-hint`} className="mt-1 text-xs text-zinc-500">Separate tags with commas.</p>}
      </div>
    </div>
  );

  return (
    <form onSubmit={submit} className="space-y-3" aria-label={compact ? "New task" : "Edit task"}>
      <div className={compact ? "flex items-start gap-2" : ""}>
        <div className="flex-1">
          <label className={compact ? "sr-only" : "label"} htmlFor={`${id}-title`}>Title</label>
          <input
            ref={titleRef}
            className="input"
            id={`${id}-title`}
            value={v.title}
            placeholder={compact ? "Add a task…" : undefined}
            autoComplete="off"
            onChange={(e) => set("title", e.target.value)}
            {...a11y("title")}
          />
          {err("title")}
        </div>
        {compact && (
          <button className="btn-primary shrink-0" type="submit">
            {submitLabel}
          </button>
        )}
      </div>
      {compact ? (
        <details ref={detailsRef} className="group rounded-md text-sm">
          <summary className="cursor-pointer select-none text-zinc-600 hover:text-zinc-900">More options</summary>
          <div className="pt-3">{details}</div>
        </details>
      ) : (
        details
      )}
      {errors[""] && (
        <p role="alert" className="field-error">
          {errors[""]}
        </p>
      )}
      {!compact && (
        <div className="flex justify-end gap-2 pt-2">
          <button className="btn-secondary" type="button" onClick={onCancel}>
            Cancel
          </button>
          <button className="btn-primary" type="submit" disabled={busy}>
            {busy ? "Saving…" : submitLabel}
          </button>
        </div>
      )}
    </form>
  );
}

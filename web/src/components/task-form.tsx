"use client";

import type { List, Priority, Repeat, Task, TaskPatch } from "@todo-api/client";
import { useId, useRef, useState, type FormEvent } from "react";
import { loadChrono, parseQuickAdd, type Chrono } from "@/lib/quick-add";
import { REPEATS, parseTags } from "@/lib/tasks";

/** The editable fields of a task, as the form holds them (strings, "" for none). */
interface Values {
  title: string;
  description: string;
  priority: Priority;
  due_date: string;
  due_time: string;
  repeat: Repeat;
  tags: string;
  completed: boolean;
  /** The task's list ("" for a new task: where the view says). */
  list_id: string;
}

function valuesOf(t?: Task): Values {
  return {
    title: t?.title ?? "",
    description: t?.description ?? "",
    priority: t?.priority ?? "medium",
    due_date: t?.due_date ?? "",
    due_time: t?.due_time ?? "",
    repeat: t?.repeat ?? "none",
    tags: t?.tags.join(", ") ?? "",
    completed: t?.completed ?? false,
    list_id: t?.list_id ?? "",
  };
}

/**
 * The fields the form saves: all of a task's editable fields; `completed` only when the edit
 * form changed it (the list's checkbox may have changed it meanwhile); `list_id` only when
 * the task moves to another list (the edit dialog's List, or quick add's `~List`).
 */
export type TaskFields = Required<Pick<TaskPatch, "title" | "description" | "priority" | "due_date" | "due_time" | "repeat" | "tags">> &
  Pick<TaskPatch, "completed" | "list_id">;

/** Errors by field name (title, description, priority, due_date, due_time, repeat, tags); "" is the form as a whole. */
export type FormErrors = Record<string, string>;

interface Props {
  /** The task being edited; none for a new one. */
  task?: Task;
  submitLabel: string;
  /** Saves the fields; resolves to the server's field errors, or null when it worked. */
  onSubmit: (body: TaskFields) => Promise<FormErrors | null>;
  onCancel?: () => void;
  /**
   * Quick add: the title line alone, read for dates, priority and tags (shown as chips), the
   * other fields behind "More options"; cleared after saving.
   */
  compact?: boolean;
  /** The user's lists: the edit form's List field, and the names quick add knows after `~`. */
  lists?: readonly List[];
}

const CHIP_STYLE = {
  date: "bg-accent-soft text-link ring-link/30",
  priority: "bg-warn-soft text-warn ring-warn-line",
  tag: "bg-accent-soft text-link ring-link/30",
  list: "bg-sunken text-fg ring-line",
} as const;

/** TaskForm is the quick-add form and the edit form: labelled fields, each with the server's message under it. */
export function TaskForm({ task, submitLabel, onSubmit, onCancel, compact = false, lists = [] }: Props) {
  const id = useId();
  const [v, setV] = useState<Values>(() => valuesOf(task));
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const [chrono, setChrono] = useState<Chrono | null>(null);
  // The texts of the chips the user dismissed: kept in the title as typed.
  const [literal, setLiteral] = useState<ReadonlySet<string>>(new Set());
  const titleRef = useRef<HTMLInputElement>(null);
  const detailsRef = useRef<HTMLDetailsElement>(null);

  const wantParser = () => {
    if (compact && !chrono) void loadChrono().then(setChrono, () => {});
  };
  const parsed = compact ? parseQuickAdd(v.title, { now: new Date(), literal, chrono, lists }) : null;

  const set = <K extends keyof Values>(k: K, value: Values[K]) => {
    setV((old) => ({ ...old, [k]: value }));
    if (errors[k]) setErrors(({ [k]: _, ...rest }) => rest);
  };
  // A task repeats from its due date, and has a time only on a date: without one both go.
  const setDue = (due: string) => {
    set("due_date", due);
    if (!due) {
      set("repeat", "none");
      set("due_time", "");
    }
  };

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!v.title.trim()) {
      setErrors({ title: "Give the task a title." });
      titleRef.current?.focus();
      return;
    }
    setBusy(true);
    const typed = v;
    let body: TaskFields = {
      title: v.title,
      description: v.description.trim() ? v.description : null,
      priority: v.priority,
      due_date: v.due_date || null,
      due_time: v.due_date && v.due_time ? v.due_time : null,
      repeat: v.due_date ? v.repeat : "none",
      tags: parseTags(v.tags),
    };
    if (compact) {
      // What the line says — as its chips showed it, with no wait here (typing goes on into
      // the cleared field) — wins over the folded fields; its tags are added to theirs.
      const q = parseQuickAdd(v.title, { now: new Date(), literal, chrono, lists });
      body = {
        ...body,
        title: q.title,
        priority: q.priority ?? body.priority,
        due_date: q.due_date ?? body.due_date,
        due_time: q.due_date ? (q.due_time ?? null) : body.due_time,
        tags: [...new Set([...body.tags.map((t) => t.toLowerCase()), ...q.tags])],
      };
      if (q.list_id) body.list_id = q.list_id;
      if (!body.due_date) body.repeat = "none";
    }
    if (task && v.completed !== task.completed) body.completed = v.completed;
    if (task && v.list_id && v.list_id !== task.list_id) body.list_id = v.list_id;
    const pending = onSubmit(body);
    const typedLiteral = literal;
    if (compact) {
      // The task shows up in the list at once (optimistically); the form is ready for the next.
      setV(valuesOf());
      setLiteral(new Set());
      titleRef.current?.focus();
    }
    const errs = await pending;
    setBusy(false);
    if (errs) {
      // Give the typed values back to fix, unless the next task is being typed already.
      if (compact) {
        setV((cur) => (cur.title || cur.description || cur.tags || cur.due_date ? cur : typed));
        setLiteral((cur) => (cur.size ? cur : typedLiteral));
      }
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
  const a11y = (k: string, hint?: string) => ({
    "aria-invalid": errors[k] ? true : undefined,
    "aria-describedby": errors[k] ? `${id}-${k}-error` : hint,
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
        <label className="label" htmlFor={`${id}-repeat`}>Repeat</label>
        <select
          className="input"
          id={`${id}-repeat`}
          value={v.repeat}
          disabled={!v.due_date}
          onChange={(e) => set("repeat", e.target.value as Repeat)}
          {...a11y("repeat", !v.due_date ? `${id}-repeat-hint` : undefined)}
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
          <p id={`${id}-repeat-hint`} className="hint">Set a due date to repeat the task.</p>
        ) : null}
      </div>
      <div>
        <label className="label" htmlFor={`${id}-due`}>Due date</label>
        <input className="input" id={`${id}-due`} type="date" value={v.due_date} onChange={(e) => setDue(e.target.value)} {...a11y("due_date")} />
        {err("due_date")}
      </div>
      <div>
        <label className="label" htmlFor={`${id}-time`}>Due time</label>
        <input
          className="input"
          id={`${id}-time`}
          type="time"
          value={v.due_time}
          disabled={!v.due_date}
          onChange={(e) => set("due_time", e.target.value)}
          {...a11y("due_time", !v.due_date ? `${id}-time-hint` : undefined)}
        />
        {errors.due_time ? err("due_time") : !v.due_date ? <p id={`${id}-time-hint`} className="hint">Set a due date first.</p> : null}
      </div>
      <div className={task ? "" : "sm:col-span-2"}>
        <label className="label" htmlFor={`${id}-tags`}>Tags</label>
        <input
          className="input"
          id={`${id}-tags`}
          value={v.tags}
          placeholder="home, errands"
          onChange={(e) => set("tags", e.target.value)}
          {...a11y("tags", `${id}-tags-hint`)}
        />
        {errors.tags ? err("tags") : <p id={`${id}-tags-hint`} className="hint">Separate tags with commas.</p>}
      </div>
      {task && lists.length > 0 && (
        <div>
          <label className="label" htmlFor={`${id}-list`}>List</label>
          <select className="input" id={`${id}-list`} value={v.list_id} onChange={(e) => set("list_id", e.target.value)} {...a11y("list_id", task.parent_id ? `${id}-list-hint` : undefined)}>
            {lists.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
          {errors.list_id ? err("list_id") : task.parent_id ? <p id={`${id}-list-hint`} className="hint">Moved alone, a subtask becomes a task of its own there.</p> : null}
        </div>
      )}
      {task && (
        <div className="flex items-center sm:pt-6">
          <label className="flex min-h-11 cursor-pointer items-center gap-3 text-sm font-medium">
            <input type="checkbox" className="size-5 accent-accent" checked={v.completed} onChange={(e) => set("completed", e.target.checked)} />
            Completed
          </label>
        </div>
      )}
    </div>
  );

  const chips = parsed && parsed.tokens.length > 0 && (
    <ul aria-label="Recognised" className="mt-2 flex flex-wrap gap-1.5" data-testid="chips">
      {parsed.tokens.map((t) => (
        <li
          key={`${t.kind}:${t.text}`}
          data-testid="chip"
          data-kind={t.kind}
          className={`inline-flex items-center rounded-full pl-3 text-sm ring-1 ring-inset ${CHIP_STYLE[t.kind]}`}
        >
          {t.label}
          <button
            type="button"
            className="-my-1.5 grid size-11 place-items-center rounded-full hover:bg-hover"
            aria-label={`Keep “${t.text}” as text`}
            title="Keep as text"
            onClick={() => setLiteral((l) => new Set(l).add(t.text))}
          >
            <span aria-hidden="true">✕</span>
          </button>
        </li>
      ))}
    </ul>
  );

  return (
    <form onSubmit={submit} className="space-y-3" aria-label={compact ? "New task" : "Edit task"}>
      <div className={compact ? "flex items-start gap-2" : ""}>
        <div className="min-w-0 flex-1">
          <label className={compact ? "sr-only" : "label"} htmlFor={`${id}-title`}>Title</label>
          <input
            ref={titleRef}
            className="input"
            id={`${id}-title`}
            value={v.title}
            placeholder={compact ? "Add a task… e.g. Pay rent tomorrow 5pm !high #home ~Bills" : undefined}
            autoComplete="off"
            enterKeyHint={compact ? "done" : undefined}
            data-autofocus={compact ? undefined : true}
            data-quick-add={compact || undefined}
            onFocus={wantParser}
            onChange={(e) => {
              wantParser();
              set("title", e.target.value);
            }}
            {...a11y("title", compact && parsed?.tokens.length ? `${id}-parsed` : undefined)}
          />
          {err("title")}
          {compact && parsed && parsed.tokens.length > 0 && (
            <p id={`${id}-parsed`} className="sr-only">
              Saves as “{parsed.title}”, {parsed.tokens.map((t) => t.label).join(", ")}
            </p>
          )}
          {chips}
        </div>
        {compact && (
          <button className="btn-primary shrink-0" type="submit">
            {submitLabel}
          </button>
        )}
      </div>
      {compact ? (
        <details ref={detailsRef} className="group text-sm">
          <summary className="inline-flex min-h-11 cursor-pointer select-none items-center text-muted hover:text-fg">More options</summary>
          <div className="pt-1">{details}</div>
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

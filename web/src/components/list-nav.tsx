"use client";

import type { List } from "@todo-api/client";
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from "react";
import { colorName } from "@/lib/lists";
import { isShared } from "@/lib/roles";
import type { ViewId } from "@/lib/views";

const DRAG_TYPE = "application/x-todo-list";

interface Props {
  /** The lists in the user's order, the inbox first. */
  lists: List[] | null;
  view: ViewId;
  onView: (v: ViewId) => void;
  /** Creates a list; resolves to the API's message when it refused, else null. */
  onCreate: (name: string) => Promise<string | null>;
  /** Moves list id right after afterId (null: first after the inbox): dropped there. */
  onMove: (id: string, afterId: string | null) => void;
}

/** Dot is a list's colour (or an outline without one); the name beside it says the rest. */
export function Dot({ color }: { color: string | null }) {
  return (
    <span
      aria-hidden="true"
      className={`inline-block size-3 shrink-0 rounded-full ${color ? "" : "border border-muted"}`}
      style={color ? { backgroundColor: color } : undefined}
    />
  );
}

/** Shared marks a list with other members: an icon and how many members it has. */
function Shared({ count }: { count: number }) {
  return (
    <span className="flex shrink-0 items-center gap-0.5 text-xs text-muted tabular-nums" data-testid="list-shared" title={`Shared: ${count} members`}>
      <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.6">
        <circle cx="7.5" cy="7" r="2.5" />
        <path d="M2.5 16c0-2.8 2.2-5 5-5s5 2.2 5 5" />
        <circle cx="14" cy="7.5" r="2" />
        <path d="M13.5 11.1c2.3.2 4 2.1 4 4.4" />
      </svg>
      <span aria-hidden="true">{count}</span>
      <span className="sr-only">(shared, {count} members)</span>
    </span>
  );
}

const row = (current: boolean) =>
  `flex min-h-11 w-full items-center gap-2 rounded-lg px-2.5 text-left text-sm transition-colors ${
    current ? "bg-accent-soft font-medium text-link" : "text-fg hover:bg-hover"
  }`;

/**
 * ListNav is the sidebar's second part: the smart views Today and Upcoming, the inbox and the
 * user's lists (drag one onto another to reorder; the list's own header has Move up/down for
 * the keyboard), and a field to create a list. A row on a phone, a column from 1024 px.
 */
export function ListNav({ lists, view, onView, onCreate, onMove }: Props) {
  const [name, setName] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState<string | null>(null);
  // On a phone the new-list field hides behind a button, so the row of lists stays one row.
  const [adding, setAdding] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  // Opened by the phone's button: straight into the field.
  useEffect(() => {
    if (adding) field.current?.focus();
  }, [adding]);
  const own = (lists ?? []).filter((l) => !l.inbox);

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!name.trim()) {
      setError("Give the list a name.");
      return;
    }
    setBusy(true);
    const err = await onCreate(name);
    setBusy(false);
    if (err) setError(err);
    else {
      setName("");
      setAdding(false);
    }
  }

  function drop(e: DragEvent, target: List) {
    e.preventDefault();
    const id = e.dataTransfer.getData(DRAG_TYPE) || dragging;
    setDragging(null);
    if (!id || id === target.id) return;
    if (target.inbox) return onMove(id, null);
    const from = own.findIndex((l) => l.id === id);
    const to = own.findIndex((l) => l.id === target.id);
    // Dropped on a list below: after it; on one above: in its place (after the one before it).
    onMove(id, from < to ? target.id : (own[to - 1]?.id ?? null));
  }

  const item = (v: ViewId, label: string, extra?: { list: List }) => {
    const current = v === view;
    const l = extra?.list;
    return (
      <li
        key={v}
        data-testid={l ? "list-item" : `view-${v}`}
        data-list-id={l?.id}
        draggable={l && !l.inbox ? true : undefined}
        onDragStart={
          l && !l.inbox
            ? (e) => {
                e.dataTransfer.setData(DRAG_TYPE, l.id);
                e.dataTransfer.effectAllowed = "move";
                setDragging(l.id);
              }
            : undefined
        }
        onDragEnd={() => setDragging(null)}
        onDragOver={l && dragging ? (e) => e.preventDefault() : undefined}
        onDrop={l ? (e) => drop(e, l) : undefined}
        className={`shrink-0 ${dragging === l?.id ? "opacity-50" : ""}`}
      >
        <button type="button" className={row(current)} aria-current={current ? "page" : undefined} onClick={() => onView(v)}>
          {l ? <Dot color={l.color} /> : <span aria-hidden="true" className="w-3 text-center text-xs">{v === "today" ? "◎" : "▦"}</span>}
          <span className="min-w-0 flex-1 truncate">{label}</span>
          {l?.color && <span className="sr-only">({colorName(l.color)})</span>}
          {l && isShared(l) && <Shared count={l.member_count} />}
        </button>
      </li>
    );
  };

  return (
    <nav aria-label="Lists" className="mt-2 lg:mt-4">
      {/* One row that scrolls sideways on a phone; a column from 1024 px. */}
      <div className="flex items-center gap-1 overflow-x-auto lg:block lg:overflow-visible">
        <ul className="flex shrink-0 gap-1 lg:flex-col">
          {item("today", "Today")}
          {item("upcoming", "Upcoming")}
        </ul>
        <h2 className="mt-2 hidden px-2.5 text-xs font-semibold uppercase tracking-wide text-muted lg:block">Lists</h2>
        <ul className="flex shrink-0 gap-1 lg:mt-1 lg:flex-col" data-testid="lists">
          {lists === null && <li className="px-2.5 py-3 text-sm text-muted">Loading lists…</li>}
          {(lists ?? []).map((l) => item(`list:${l.id}`, l.name, { list: l }))}
        </ul>
        <button
          type="button"
          className="btn-ghost shrink-0 lg:hidden"
          aria-expanded={adding}
          aria-controls="new-list-form"
          onClick={() => setAdding((a) => !a)}
        >
          <span aria-hidden="true">+</span> Add a list
        </button>
      </div>
      <form id="new-list-form" onSubmit={create} className={`mt-2 gap-1 ${adding ? "flex" : "hidden"} lg:flex`} aria-label="Create a list">
        <label htmlFor="new-list" className="sr-only">
          New list
        </label>
        <input
          id="new-list"
          ref={field}
          className="input min-w-0 flex-1"
          placeholder="New list"
          maxLength={100}
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setError("");
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "new-list-error" : undefined}
        />
        <button type="submit" className="btn-secondary" disabled={busy}>
          Add<span className="sr-only"> list</span>
        </button>
      </form>
      {error && (
        <p id="new-list-error" role="alert" className="mt-1 text-sm text-danger">
          {error}
        </p>
      )}
    </nav>
  );
}

"use client";

import type { List } from "@todo-api/client";
import { useState, type FormEvent } from "react";
import { LIST_COLORS } from "@/lib/lists";

interface Props {
  list: List;
  /** Renames the list; resolves to the API's message when it refused, else null. */
  onRename: (name: string) => Promise<string | null>;
  onColor: (color: string | null) => void;
  onDelete: () => void;
  /** Moves the list one place up (−1) or down (+1) in the sidebar; absent where it cannot go. */
  onMove?: { up?: () => void; down?: () => void };
  /** Opens the share dialog: the owner's Share, a member's People. */
  onShare: () => void;
}

/**
 * ListActions is the header of a list's view: rename, colour, move up or down (the keyboard's
 * way to reorder the sidebar), share and delete. The inbox keeps its name and place; only its
 * colour changes, and it is never shared. A member of someone else's list moves it in their
 * own sidebar and sees its people (and leaves there); the rest is its owner's.
 */
export function ListActions({ list, onRename, onColor, onDelete, onMove, onShare }: Props) {
  const owner = list.role === "owner";
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(list.name);
  const [error, setError] = useState("");

  async function rename(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!name.trim()) return setError("Give the list a name.");
    const err = await onRename(name);
    if (err) setError(err);
    else setRenaming(false);
  }

  if (renaming) {
    return (
      <form onSubmit={rename} className="flex flex-wrap items-center gap-1 border-b border-line px-2 py-1" aria-label="Rename list">
        <label htmlFor="list-name" className="sr-only">
          List name
        </label>
        <input
          id="list-name"
          className="input min-w-0 flex-1"
          value={name}
          maxLength={100}
          autoFocus
          onChange={(e) => {
            setName(e.target.value);
            setError("");
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") setRenaming(false);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "list-name-error" : undefined}
        />
        <button type="submit" className="btn-primary">
          Save
        </button>
        <button type="button" className="btn-ghost" onClick={() => setRenaming(false)}>
          Cancel
        </button>
        {error && (
          <p id="list-name-error" role="alert" className="w-full text-sm text-danger">
            {error}
          </p>
        )}
      </form>
    );
  }

  return (
    <div className="flex flex-wrap items-center gap-1 border-b border-line px-2 py-1" data-testid="list-actions">
      {owner && (
        <>
          <label htmlFor="list-color" className="sr-only">
            Colour of {list.name}
          </label>
          <select id="list-color" className="input w-auto" value={list.color ?? ""} onChange={(e) => onColor(e.target.value || null)}>
            <option value="">No colour</option>
            {LIST_COLORS.map((c) => (
              <option key={c.value} value={c.value}>
                {c.name}
              </option>
            ))}
            {list.color && !LIST_COLORS.some((c) => c.value === list.color) && <option value={list.color}>{list.color}</option>}
          </select>
        </>
      )}
      {!owner && (
        <p className="px-2 text-sm text-muted" data-testid="list-role">
          Shared with you · {list.role}
        </p>
      )}
      {owner && !list.inbox && (
        <button
          type="button"
          className="btn-ghost"
          onClick={() => {
            setName(list.name);
            setRenaming(true);
          }}
        >
          Rename
        </button>
      )}
      {!list.inbox && (
        <>
          <button type="button" className="btn-ghost" disabled={!onMove?.up} onClick={onMove?.up} aria-label={`Move ${list.name} up`}>
            ↑<span className="sr-only sm:not-sr-only"> Up</span>
          </button>
          <button type="button" className="btn-ghost" disabled={!onMove?.down} onClick={onMove?.down} aria-label={`Move ${list.name} down`}>
            ↓<span className="sr-only sm:not-sr-only"> Down</span>
          </button>
          <button type="button" className="btn-ghost" onClick={onShare} aria-haspopup="dialog">
            {owner ? "Share" : "People"}
          </button>
          {owner && (
            <button type="button" className="btn-ghost text-danger" onClick={onDelete}>
              Delete list
            </button>
          )}
        </>
      )}
    </div>
  );
}

"use client";

import { useState, type FormEvent } from "react";
import { parseTags } from "@/lib/tasks";

/** BulkAction is what the bulk bar asks the dashboard to do with the selected tasks. */
export type BulkAction = { action: "complete" | "uncomplete" | "delete" } | { action: "add_tags"; tags: string[] };

/** BulkBar acts on the selected tasks at once (POST /api/tasks/bulk): complete, delete, tag. */
export function BulkBar({
  count,
  total,
  onAction,
  onSelectAll,
  onDone,
}: {
  count: number;
  total: number;
  onAction: (a: BulkAction) => void;
  onSelectAll: () => void;
  onDone: () => void;
}) {
  const [tagging, setTagging] = useState(false);
  const [tags, setTags] = useState("");
  const none = count === 0;
  const addTags = (e: FormEvent) => {
    e.preventDefault();
    const t = parseTags(tags);
    if (t.length === 0) return;
    onAction({ action: "add_tags", tags: t });
    setTags("");
    setTagging(false);
  };
  return (
    <div role="toolbar" aria-label="Selected tasks" className="flex flex-wrap items-center gap-1 border-b border-line bg-sunken px-2 py-1" data-testid="bulk-bar">
      <span className="px-2 text-sm font-medium" aria-live="polite" data-testid="bulk-count">
        {count} selected
      </span>
      {count < total && (
        <button type="button" className="btn-ghost" onClick={onSelectAll}>
          Select all
        </button>
      )}
      <button type="button" className="btn-ghost" disabled={none} onClick={() => onAction({ action: "complete" })}>
        Complete
      </button>
      <button type="button" className="btn-ghost" disabled={none} onClick={() => setTagging((t) => !t)} aria-expanded={tagging}>
        Tag…
      </button>
      <button type="button" className="btn-ghost text-danger" disabled={none} onClick={() => onAction({ action: "delete" })}>
        Delete
      </button>
      <button type="button" className="btn-ghost ml-auto" onClick={onDone}>
        Done
      </button>
      {tagging && (
        <form onSubmit={addTags} className="flex w-full items-center gap-2 pb-1" aria-label="Tag the selected tasks">
          <label className="sr-only" htmlFor="bulk-tags">Tags to add</label>
          <input id="bulk-tags" className="input" placeholder="Tags to add, e.g. home, errands" value={tags} onChange={(e) => setTags(e.target.value)} autoFocus />
          <button type="submit" className="btn-primary" disabled={none}>
            Add tags
          </button>
        </form>
      )}
    </div>
  );
}

"use client";

import type { TagCount } from "@todo-api/client";
import { useState } from "react";
import { DEFAULT_FILTERS, SORTS, isFiltered, type Filters, type SortChoice } from "@/lib/tasks";
import { Modal } from "./modal";

interface Props {
  filters: Filters;
  tags: TagCount[];
  search: string;
  onSearch: (q: string) => void;
  onChange: (f: Filters) => void;
}

/** FilterFields are the priority, tag and sort choices: inline on a wide screen, in a sheet on a phone. */
function FilterFields({ filters, tags, onChange, idPrefix }: Omit<Props, "search" | "onSearch"> & { idPrefix: string }) {
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => onChange({ ...filters, [k]: v });
  return (
    <>
      <div>
        <label className="label text-xs" htmlFor={`${idPrefix}priority`}>Priority</label>
        <select id={`${idPrefix}priority`} className="input" value={filters.priority} onChange={(e) => set("priority", e.target.value as Filters["priority"])}>
          <option value="">Any priority</option>
          <option value="high">High</option>
          <option value="medium">Medium</option>
          <option value="low">Low</option>
        </select>
      </div>
      <div>
        <label className="label text-xs" htmlFor={`${idPrefix}tag`}>Tag</label>
        <select id={`${idPrefix}tag`} className="input" value={filters.tag} onChange={(e) => set("tag", e.target.value)}>
          <option value="">Any tag</option>
          {filters.tag && !tags.some((t) => t.name === filters.tag) && <option value={filters.tag}>#{filters.tag}</option>}
          {tags.map((t) => (
            <option key={t.name} value={t.name}>
              #{t.name} ({t.count})
            </option>
          ))}
        </select>
      </div>
      <div>
        <label className="label text-xs" htmlFor={`${idPrefix}sort`}>Sort</label>
        <select id={`${idPrefix}sort`} className="input" value={filters.sort} onChange={(e) => set("sort", e.target.value as SortChoice)}>
          {Object.entries(SORTS).map(([k, s]) => (
            <option key={k} value={k}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

/** FilterBar is search (always at hand) and the other filters: inline from 640 px, behind "Filters" below. */
export function FilterBar(props: Props) {
  const { filters, search, onSearch, onChange } = props;
  const [sheet, setSheet] = useState(false);
  const active = (filters.priority ? 1 : 0) + (filters.tag ? 1 : 0);
  const clear = () => {
    onSearch("");
    onChange({ ...DEFAULT_FILTERS, sort: filters.sort });
  };
  return (
    <section aria-label="Filters" className="space-y-3">
      <div className="flex items-center gap-2">
        <div className="min-w-0 flex-1">
          <label className="sr-only" htmlFor="search">Search tasks</label>
          <input id="search" type="search" className="input" placeholder="Search…  /" value={search} onChange={(e) => onSearch(e.target.value)} />
        </div>
        <button type="button" className="btn-secondary sm:hidden" onClick={() => setSheet(true)} aria-haspopup="dialog">
          Filters{active > 0 && <span className="rounded-full bg-accent px-1.5 text-xs text-on-accent">{active}</span>}
        </button>
      </div>
      <div className="hidden gap-3 sm:grid sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end">
        <FilterFields {...props} idPrefix="filter-" />
        <button type="button" className="btn-ghost" disabled={!isFiltered(filters) && search === ""} onClick={clear}>
          Clear filters
        </button>
      </div>
      {sheet && (
        <Modal title="Filters" sheet onClose={() => setSheet(false)}>
          {(close) => (
            <div className="grid gap-3">
              <FilterFields {...props} idPrefix="sheet-" />
              <div className="flex justify-end gap-2 pt-2">
                <button type="button" className="btn-ghost" onClick={clear}>
                  Clear filters
                </button>
                <button type="button" className="btn-primary" onClick={close}>
                  Done
                </button>
              </div>
            </div>
          )}
        </Modal>
      )}
    </section>
  );
}

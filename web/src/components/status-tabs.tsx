"use client";

import { useRef, type KeyboardEvent } from "react";
import type { Status } from "@/lib/tasks";

const TABS: { value: Status; label: string }[] = [
  { value: "all", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "completed", label: "Completed" },
];

/** StatusTabs is a tab list (arrow keys move between tabs) over the task list. */
export function StatusTabs({ value, onChange, controls }: { value: Status; onChange: (s: Status) => void; controls: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  function onKeyDown(e: KeyboardEvent, i: number) {
    const n = TABS.length;
    const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const tab = TABS[to];
    if (tab) onChange(tab.value);
    refs.current[to]?.focus();
  }
  return (
    <div role="tablist" aria-label="Show" className="inline-flex rounded-lg bg-zinc-200/70 p-1">
      {TABS.map((t, i) => {
        const selected = t.value === value;
        return (
          <button
            key={t.value}
            ref={(el) => {
              refs.current[i] = el;
            }}
            role="tab"
            type="button"
            aria-selected={selected}
            aria-controls={controls}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(t.value)}
            onKeyDown={(e) => onKeyDown(e, i)}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${selected ? "bg-white text-zinc-900 shadow-sm" : "text-zinc-600 hover:text-zinc-900"}`}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
}

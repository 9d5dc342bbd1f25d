"use client";

import type { TaskStats } from "@todo-api/client";
import type { ViewId } from "@/lib/views";

const CARDS: { view: ViewId; stat: keyof TaskStats; label: string }[] = [
  { view: "all", stat: "total", label: "All" },
  { view: "pending", stat: "pending", label: "Pending" },
  { view: "completed", stat: "completed", label: "Completed" },
  { view: "overdue", stat: "overdue", label: "Overdue" },
];

/**
 * ViewNav is the navigation between views, each with its count (the summary cards): a row on
 * a phone, a column beside the list on a wide screen — where lists will join them.
 */
export function ViewNav({ view, stats, onView }: { view: ViewId; stats: TaskStats | null; onView: (v: ViewId) => void }) {
  return (
    <nav aria-label="Views">
      <ul className="grid grid-cols-4 gap-2 lg:grid-cols-1">
        {CARDS.map(({ view: v, stat, label }) => {
          const current = v === view;
          const alarming = stat === "overdue" && (stats?.overdue ?? 0) > 0;
          return (
            <li key={v}>
              <button
                type="button"
                data-testid={`stat-${stat}`}
                aria-current={current ? "page" : undefined}
                onClick={() => onView(v)}
                className={`flex min-h-11 w-full flex-col items-start rounded-lg border px-2.5 py-1.5 text-left transition-colors sm:px-3 lg:flex-row lg:items-center lg:justify-between ${
                  current ? "border-accent bg-accent-soft" : "border-line bg-card hover:bg-hover"
                }`}
              >
                <span className={`text-xs font-medium sm:text-sm ${current ? "text-link" : "text-muted"}`}>{label}</span>
                <span
                  className={`text-lg font-semibold tabular-nums leading-tight ${alarming ? "text-danger" : "text-fg"}`}
                  data-testid={`stat-${stat}-value`}
                >
                  {stats ? stats[stat] : "–"}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

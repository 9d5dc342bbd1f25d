"use client";

import type { ReactNode } from "react";

/** SkeletonRows stand in for the tasks while the first page loads. */
export function SkeletonRows({ rows = 5 }: { rows?: number }) {
  return (
    <ul aria-hidden="true" className="divide-y divide-line" data-testid="skeleton">
      {Array.from({ length: rows }, (_, i) => (
        <li key={i} className="flex items-center gap-3 px-3 py-3">
          <span className="size-5 shrink-0 animate-pulse rounded-full bg-sunken" />
          <span className="flex-1 space-y-2">
            <span className="block h-3.5 animate-pulse rounded bg-sunken" style={{ width: `${40 + ((i * 23) % 45)}%` }} />
            <span className="block h-2.5 w-24 animate-pulse rounded bg-sunken" />
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * CollapsibleSection is a section whose heading folds it ("Completed (3)"): the button says
 * whether it is open and which list it shows.
 */
export function CollapsibleSection({
  id,
  title,
  open,
  onOpenChange,
  children,
}: {
  id: string;
  title: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-heading`} className="border-t border-line" data-testid={`section-${id}`}>
      <h2 id={`${id}-heading`} className="text-sm font-semibold">
        <button
          type="button"
          className="flex min-h-11 w-full items-center gap-2 px-4 text-left text-muted hover:bg-hover hover:text-fg"
          aria-expanded={open}
          aria-controls={`${id}-body`}
          onClick={() => onOpenChange(!open)}
        >
          <svg aria-hidden="true" viewBox="0 0 16 16" className={`size-4 transition-transform ${open ? "rotate-90" : ""}`} fill="currentColor">
            <path d="M6 3.5l5 4.5-5 4.5z" />
          </svg>
          {title}
        </button>
      </h2>
      <div id={`${id}-body`} hidden={!open}>
        {children}
      </div>
    </section>
  );
}

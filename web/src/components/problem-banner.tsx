"use client";

import { useEffect, useState } from "react";

/** Problem is what keeps the view from loading, once, however many requests it failed. */
export interface Problem {
  message: string;
  /** When the next automatic attempt starts (ms since the epoch); none when it waits for the user. */
  retryAt?: number;
  retrying?: boolean;
}

/** ProblemBanner says what is wrong, when the next attempt comes, and offers to try now. */
export function ProblemBanner({ problem, onRetry }: { problem: Problem; onRetry: () => void }) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!problem.retryAt) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [problem.retryAt]);
  const secs = problem.retryAt ? Math.max(0, Math.ceil((problem.retryAt - Date.now()) / 1000)) : null;
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-danger-line bg-danger-soft px-4 py-2 text-sm text-danger" data-testid="problem">
      <p role="alert" className="min-w-0 flex-1 font-medium">
        {problem.message}
      </p>
      <span className="text-xs" aria-hidden="true" data-testid="problem-next">
        {problem.retrying ? "Trying again…" : secs !== null ? `Trying again in ${secs} s` : ""}
      </span>
      <button type="button" className="btn-secondary" onClick={onRetry} disabled={problem.retrying}>
        Retry
      </button>
    </div>
  );
}

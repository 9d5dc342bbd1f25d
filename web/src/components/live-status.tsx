import type { LiveState } from "@/lib/use-live";

/**
 * LiveStatus says, politely and once (a status region, not a toast), when the live updates
 * are paused — the stream is down and the app polls meanwhile — and nothing while they run.
 */
export function LiveStatus({ state }: { state: LiveState }) {
  return (
    <p role="status" data-testid="live-status" data-live={state} className={state === "down" ? "px-4 py-1 text-xs text-muted" : "sr-only"}>
      {state === "down" ? "Live updates paused — retrying" : ""}
    </p>
  );
}

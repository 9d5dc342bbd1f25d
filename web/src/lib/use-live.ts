// The dashboard's live updates: one `GET /api/events` stream per tab (live.ts, loaded lazily
// once the page is idle), turned into at most one refresh per burst of events; while the
// stream is down, polling instead.
import { useEffect, useRef, useState } from "react";
import type { LiveEvent, LiveStream } from "@todo-api/client";

/** LiveState: "off" until the stream is first tried, then "up" while it is open, "down" once it has not been for QUIET_MS. */
export type LiveState = "off" | "up" | "down";

/**
 * What changed: the lists named by change events, each with the earliest change time a burst
 * named for it (ms); the stream's first opening (what changed since the page's data was read
 * is not on it); or anything (a resync, a reconnect, a poll).
 */
export type Changed = { kind: "lists"; since: ReadonlyMap<string, number> } | { kind: "opened" } | { kind: "all" };

/** LiveHandlers bring the screen up to date; each resolves when done. */
export interface LiveHandlers {
  /** Tasks changed: in these lists, or anywhere. */
  changed: (which: Changed) => Promise<void>;
  /** The user's set of lists changed (created, renamed, deleted, joined, left, removed). */
  lists: () => Promise<void>;
}

/** DEBOUNCE_MS: events within this long of the first of a burst make one refresh. */
export const DEBOUNCE_MS = 150;
/** POLL_MS: how often the view is read (with ETags) while the stream is down. */
export const POLL_MS = 30_000;
/**
 * QUIET_MS: how long the stream may be down before the page says so. The server ends every
 * stream when its token expires and the client is back about 2 s later: no need to flash a note.
 */
export const QUIET_MS = 3000;

/**
 * useLive keeps the tab's event stream open from shortly after the first screen until the
 * page goes, and calls handlers for what the events say — one call per burst (DEBOUNCE_MS
 * after its first event), never two at once, and again after one ends if events came
 * meanwhile, so the last event is never lost. When the stream opens, what changed before is
 * not on it: the first time the handlers check since the page's data was read ("opened"),
 * after a drop everything is read again ("all"). While it is down the view is polled every
 * POLL_MS and when the tab comes back into view.
 */
export function useLive(baseUrl: string, handlers: LiveHandlers): LiveState {
  const [state, setState] = useState<LiveState>("off");
  const h = useRef(handlers);
  h.current = handlers;

  useEffect(() => {
    let stream: LiveStream | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let poller: ReturnType<typeof setInterval> | undefined;
    let quiet: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let all = false;
    let lists = false;
    let opened = false; // the first opening, not yet handled
    let wasUp = false;
    const named = new Map<string, number>();

    const run = async () => {
      timer = undefined;
      running = true;
      const which: Changed | undefined = all
        ? { kind: "all" }
        : opened
          ? { kind: "opened" }
          : named.size > 0
            ? { kind: "lists", since: new Map(named) }
            : undefined;
      // "all" and "opened" cover the lists named meanwhile ("opened" reads every list's feed).
      const listsToo = lists;
      all = lists = opened = false;
      named.clear();
      try {
        if (listsToo) await h.current.lists();
        if (which) await h.current.changed(which);
      } catch {
        // The handlers report their own failures.
      } finally {
        running = false;
        if (!stopped && (all || lists || opened || named.size > 0)) kick();
      }
    };
    const kick = () => {
      if (timer === undefined && !running && !stopped) timer = setTimeout(() => void run(), DEBOUNCE_MS);
    };
    const everything = () => {
      all = lists = true;
      kick();
    };
    const onEvent = (e: LiveEvent) => {
      if (e.type === "change") {
        const at = Date.parse(e.data.changed_at);
        named.set(e.data.list_id, Math.min(at, named.get(e.data.list_id) ?? at));
      } else if (e.type === "lists") lists = true;
      else all = lists = true;
      kick();
    };
    const onStatus = (up: boolean) => {
      if (stopped) return;
      if (!up) {
        // Every failed attempt says so again: the note and the polls keep their own time.
        quiet ??= setTimeout(() => setState("down"), QUIET_MS);
        poller ??= setInterval(everything, POLL_MS);
        return;
      }
      clearInterval(poller);
      poller = undefined;
      clearTimeout(quiet);
      quiet = undefined;
      setState("up");
      // The first time: check what changed since the page's data was read; after a drop: read
      // everything again (the drop may have been long).
      if (wasUp) everything();
      else {
        opened = true;
        kick();
      }
      wasUp = true;
    };
    const onVisible = () => {
      if (document.visibilityState === "visible" && poller !== undefined) everything();
    };
    const start = () => {
      if (stopped) return;
      void import("./live").then(
        ({ openLive }) => {
          if (!stopped) stream = openLive({ baseUrl, onEvent, onStatus });
        },
        () => onStatus(false), // the chunk did not load: poll
      );
    };
    // After the first screen: the stream's code and connection wait for an idle moment.
    const idle = typeof requestIdleCallback === "function" ? requestIdleCallback(start, { timeout: 2000 }) : undefined;
    const fallback = idle === undefined ? setTimeout(start, 500) : undefined;
    window.addEventListener("focus", onVisible);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      if (idle !== undefined) cancelIdleCallback(idle);
      clearTimeout(fallback);
      clearTimeout(timer);
      clearInterval(poller);
      clearTimeout(quiet);
      window.removeEventListener("focus", onVisible);
      document.removeEventListener("visibilitychange", onVisible);
      stream?.close();
    };
  }, [baseUrl]);

  return state;
}

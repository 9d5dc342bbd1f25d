// The dashboard's live updates: one `GET /api/events` stream per tab (live.ts, loaded lazily
// once the page is idle), turned into at most one refresh per burst of events; while the
// stream is down, polling instead.
import { useEffect, useRef, useState } from "react";
import type { LiveEvent, LiveStream } from "@todo-api/client";

/** LiveState: "off" until the stream is first tried, then "up" while it is open, "down" while it is not. */
export type LiveState = "off" | "up" | "down";

/** What changed: the lists named by change events, or everything (a resync, a reconnect, a poll). */
export type Changed = ReadonlySet<string> | "all";

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
 * useLive keeps the tab's event stream open from shortly after the first screen until the
 * page goes, and calls handlers for what the events say — one call per burst (DEBOUNCE_MS
 * after its first event), never two at once, and again after one ends if events came
 * meanwhile, so the last event is never lost. Whenever the stream opens (the first time, and
 * after every drop) everything is refreshed: what changed before it opened is not on it.
 * While it is down the view is polled every POLL_MS and when the tab comes back into view.
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
    let running = false;
    let all = false;
    let lists = false;
    const named = new Set<string>();

    const run = async () => {
      timer = undefined;
      running = true;
      const which: Changed | undefined = all ? "all" : named.size > 0 ? new Set(named) : undefined;
      const listsToo = lists;
      all = lists = false;
      named.clear();
      try {
        if (listsToo) await h.current.lists();
        if (which) await h.current.changed(which);
      } catch {
        // The handlers report their own failures.
      } finally {
        running = false;
        if (!stopped && (all || lists || named.size > 0)) kick();
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
      if (e.type === "change") named.add(e.data.list_id);
      else if (e.type === "lists") lists = true;
      else all = lists = true;
      kick();
    };
    const onStatus = (up: boolean) => {
      if (stopped) return;
      setState(up ? "up" : "down");
      clearInterval(poller);
      poller = undefined;
      if (up) everything();
      else poller = setInterval(everything, POLL_MS);
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
      window.removeEventListener("focus", onVisible);
      document.removeEventListener("visibilitychange", onVisible);
      stream?.close();
    };
  }, [baseUrl]);

  return state;
}

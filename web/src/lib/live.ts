// The live connection of a tab: `GET /api/events` through @todo-api/client's streamEvents
// (fetch + ReadableStream: EventSource cannot send Authorization). Loaded on its own, after
// the first screen (see use-live.ts), so it costs the first screen nothing.
import { streamEvents, type LiveEvent, type LiveStream } from "@todo-api/client";
import { getToken, renewToken } from "./token";

/** LiveOptions: where the API is, and whom to tell. */
export interface LiveOptions {
  baseUrl: string;
  onEvent: (event: LiveEvent) => void;
  /** true: the stream is open; false: it dropped (streamEvents reconnects by itself). */
  onStatus: (up: boolean) => void;
}

/**
 * openLive holds the tab's one event stream until close(). It reconnects with the token
 * source of the app's other calls (in memory, renewed before it expires) and, when a stream
 * ended without ever opening (a 401: the token was refused), with a renewed token.
 */
export function openLive(o: LiveOptions): LiveStream {
  let last: string | null = null;
  let refused = false;
  return streamEvents({
    baseUrl: o.baseUrl,
    getToken: async () => {
      last = refused ? await renewToken(last) : await getToken();
      refused = true; // until the stream opens
      return last;
    },
    onEvent: o.onEvent,
    onStatus: (up) => {
      if (up) refused = false;
      o.onStatus(up);
    },
  });
}

/**
 * streamEvents: the live updates of `GET /api/events` (Server-Sent Events) over `fetch` and a
 * `ReadableStream` — not `EventSource`, which cannot send `Authorization` (and a token in the
 * URL would land in logs). It reconnects by itself: after the server's `retry:` delay (longer
 * after repeated failures, or the `Retry-After` of a 429/503), with a fresh token from
 * `getToken` and the last event's id as `Last-Event-ID`, so the server first replays one
 * `change` per list that changed meanwhile. Events say *when* to sync, never *what*: on
 * `change` sync that list through its feed, on `lists` re-read the lists (and sync any new
 * one), on `resync` sync everything.
 *
 * @example
 * const live = streamEvents({
 *   baseUrl, getToken: () => authClient.token(),
 *   onEvent: (ev) => (ev.type === 'change' ? syncList(ev.data.list_id) : syncAll()),
 *   onStatus: (up) => setLive(up), // false: fall back to polling
 * });
 * // later: live.close();
 */
import type { LiveChange, LiveLists, LiveResync } from './generated/types.gen';

/** One event of the stream, by type. */
export type LiveEvent =
  | { type: 'change'; id: string; data: LiveChange }
  | { type: 'lists'; id: string; data: LiveLists }
  | { type: 'resync'; id: string; data: LiveResync };

/** Options of {@link streamEvents}. */
export interface StreamEventsOptions {
  /** Where the API is served (as for createTodoClient). */
  baseUrl: string;
  /** Returns the bearer token; awaited before every (re)connect, so an expired one is replaced. */
  getToken: () => string | null | undefined | Promise<string | null | undefined>;
  /** Receives every event, in order. */
  onEvent: (event: LiveEvent) => void;
  /** Told true when a stream is open, false when it dropped (until the next one opens). */
  onStatus?: (up: boolean) => void;
  /** The id to resume from (an earlier stream's lastEventId), if any. */
  lastEventId?: string;
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** What {@link streamEvents} returns. */
export interface LiveStream {
  /** Stops for good (no reconnect). */
  close(): void;
  /** The id of the last event received: pass it as `lastEventId` to resume later. */
  readonly lastEventId: string | undefined;
  /** Settles once closed. */
  readonly closed: Promise<void>;
}

const defaultRetryMs = 2000;
const maxRetryMs = 30_000;

/** streamEvents keeps the caller's event stream open until close(). */
export function streamEvents(options: StreamEventsOptions): LiveStream {
  const abort = new AbortController();
  const doFetch = options.fetch ?? globalThis.fetch;
  let lastId = options.lastEventId;
  let retryMs = defaultRetryMs;
  let failures = 0;

  const once = async (): Promise<number | undefined> => {
    const token = await options.getToken();
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (lastId) headers['Last-Event-ID'] = lastId;
    const url = `${options.baseUrl.replace(/\/+$/, '')}/api/events`;
    const res = await doFetch(url, { headers, signal: abort.signal, cache: 'no-store' });
    if (!res.ok || !res.body) {
      const wait = Number.parseInt(res.headers.get('Retry-After') ?? '', 10);
      await res.body?.cancel();
      return Number.isNaN(wait) ? undefined : wait * 1000;
    }
    failures = 0;
    options.onStatus?.(true);
    const parser = new EventParser((type, id, data) => {
      if (id !== undefined) lastId = id;
      if (type !== 'change' && type !== 'lists' && type !== 'resync') return; // newer servers may add types
      options.onEvent({ type, id: lastId ?? '', data: JSON.parse(data) } as LiveEvent);
    }, (ms) => (retryMs = ms));
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return undefined;
      parser.push(value);
    }
  };

  const closed = (async () => {
    while (!abort.signal.aborted) {
      let wait: number | undefined;
      try {
        wait = await once();
      } catch {
        // A network error or an aborted read: reconnect below (or stop, if closed).
      }
      if (abort.signal.aborted) break;
      options.onStatus?.(false);
      failures++;
      const backoff = Math.min(retryMs * 2 ** Math.max(0, failures - 1), maxRetryMs);
      await sleep(Math.max(wait ?? 0, backoff), abort.signal);
    }
  })();

  return {
    close: () => abort.abort(),
    get lastEventId() {
      return lastId;
    },
    closed,
  };
}

/** sleep resolves after ms, or at once when signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

/**
 * EventParser reads the text/event-stream format (the HTML standard's rules): lines end with
 * LF, CRLF or CR; `field: value`; a blank line dispatches the event; `:` lines are comments.
 */
export class EventParser {
  private buf = '';
  private type = '';
  private data: string[] = [];
  private id: string | undefined;

  constructor(
    private readonly dispatch: (type: string, id: string | undefined, data: string) => void,
    private readonly retry: (ms: number) => void = () => {},
  ) {}

  /** push feeds the next chunk of text. */
  push(chunk: string): void {
    this.buf += chunk;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      // A CR at the very end may be the first half of CRLF: wait for more.
      if (!m || (m[0] === '\r' && m.index === this.buf.length - 1)) return;
      const line = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.dispatch(this.type || 'message', this.id, this.data.join('\n'));
      this.type = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry(Number(value));
        break;
    }
  }
}

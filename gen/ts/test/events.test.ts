// The live event stream (streamEvents) against the real server of internal/clienttest (see
// client.test.ts for the environment).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createTodoClient, EventParser, type LiveEvent, streamEvents } from '../src/index';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through \`go test ./internal/clienttest\``);
  return v;
}

const baseUrl = env('TODO_API_URL');
const token = env('TODO_API_TOKEN_C');

/** Events as they come, with a way to wait for the next one that matches. */
class Inbox {
  private readonly seen: LiveEvent[] = [];
  private waiters: (() => void)[] = [];
  push = (ev: LiveEvent) => {
    this.seen.push(ev);
    for (const w of this.waiters.splice(0)) w();
  };
  /** next waits (30 s at most) for an event after position from that matches. */
  async next(from: number, match: (ev: LiveEvent) => boolean): Promise<[LiveEvent, number]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const i = this.seen.findIndex((ev, k) => k >= from && match(ev));
      if (i >= 0) return [this.seen[i]!, i + 1];
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`no matching event within 30 s; saw ${JSON.stringify(this.seen)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }
}

test('EventParser reads the text/event-stream format', () => {
  const got: [string, string | undefined, string][] = [];
  let retry = 0;
  const p = new EventParser((type, id, data) => got.push([type, id, data]), (ms) => (retry = ms));
  p.push('retry: 2000\n\nevent: change\r\nid: v1.5\r');
  p.push('\ndata: {"a":1}\n\n: ping\n\ndata: x\ndata: y\n');
  p.push('\n');
  assert.equal(retry, 2000);
  assert.deepEqual(got, [
    ['change', 'v1.5', '{"a":1}'],
    ['message', 'v1.5', 'x\ny'],
  ]);
});

test('a write reaches the stream; a cut stream reconnects with Last-Event-ID and a fresh token', async () => {
  const todo = createTodoClient({ baseUrl, getToken: () => token });
  const inbox = new Inbox();
  let tokens = 0;
  const lastEventIds: (string | null)[] = [];
  let cut: (() => void) | undefined;
  const statuses: boolean[] = [];
  // A fetch that records each connect's Last-Event-ID and lets the test cut the body, as a
  // dropped connection or a server that stops would.
  const fetchCuttable: typeof fetch = async (input, init) => {
    lastEventIds.push(new Headers(init?.headers).get('Last-Event-ID'));
    const ac = new AbortController();
    init?.signal?.addEventListener('abort', () => ac.abort());
    cut = () => ac.abort();
    return fetch(input, { ...init, signal: ac.signal });
  };
  // The inbox is made by the user's first task, in that task's transaction: a stream hears of
  // it from the `lists` event (and a client then syncs the new list), and may hear the task's
  // change before or without it. This test is about a write to a list the stream already has.
  await todo.createTask({ body: { title: 'Inbox first' } });
  const live = streamEvents({
    baseUrl,
    getToken: () => (tokens++, token),
    onEvent: inbox.push,
    onStatus: (up) => statuses.push(up),
    fetch: fetchCuttable,
  });
  try {
    let [first, at] = await inbox.next(0, (ev) => ev.type === 'lists');
    assert.ok(first.id.startsWith('v1.'), `first event id ${first.id}`);

    const { data: task } = await todo.createTask({ body: { title: 'Live' } });
    let change: LiveEvent;
    [change, at] = await inbox.next(at, (ev) => ev.type === 'change' && ev.data.list_id === task.list_id);
    assert.equal(change.type === 'change' && Date.parse(change.data.changed_at), Date.parse(task.updated_at));

    // Cut the stream, write while it is down: the reconnect replays that list's change.
    const before = live.lastEventId;
    cut!();
    const { data: missed } = await todo.createTask({ body: { title: 'While cut' } });
    [change, at] = await inbox.next(at, (ev) => ev.type === 'change' && ev.data.list_id === missed.list_id &&
      Date.parse(ev.data.changed_at) >= Date.parse(missed.updated_at));
    assert.equal(lastEventIds.length, 2, 'one reconnect');
    assert.equal(lastEventIds[1], before, 'the reconnect sent the last id as Last-Event-ID');
    assert.equal(tokens, 2, 'a fresh token for the reconnect');
    assert.deepEqual(statuses, [true, false, true]);
  } finally {
    live.close();
    await live.closed;
  }
});

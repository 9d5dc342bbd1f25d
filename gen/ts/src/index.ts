/**
 * @todo-api/client — the Todo API's TypeScript client.
 *
 * Everything under `./generated/` is written by `make generate` (@hey-api/openapi-ts with its
 * Fetch client) from api/contracts/openapi.yaml; this file is the only hand-written runtime
 * code. It adds what the contract cannot say:
 *
 * - `createTodoClient({ baseUrl, getToken })` builds a `TodoApi` whose every request carries
 *   `Authorization: Bearer <await getToken()>`;
 * - every non-2xx response is thrown as a {@link TodoApiError} (the RFC 9457 problem, typed);
 * - `getETag`, `getLocation`, `getNextCursor` and `getNextOccurrence` read the response
 *   headers the contract declares but the generated types do not carry;
 * - `isTombstone` and `changedAt` read the entries of the change feeds (`listTaskChanges`,
 *   `listListChanges`);
 * - `syncLists` keeps copies of several lists current, one feed and one sync point per list;
 * - `streamEvents` holds the live event stream (`GET /api/events`, events.ts).
 *
 * @example
 * const todo = createTodoClient({ baseUrl: "https://api.example.com", getToken: () => authClient.token() });
 * const { data: task, response } = await todo.createTask({ body: { title: "Buy milk" } });
 * const page = await todo.listTasks({ query: { status: "pending", limit: 20 } });
 * const cursor = getNextCursor(page); // pass it back with the same query for the next page
 */
import { createClient, createConfig } from './generated/client';
import { TodoApi } from './generated/sdk.gen';
import type { FieldError, List, ListListChangesData, Problem, Task, TaskChange, TaskTombstone } from './generated/types.gen';

export * from './generated/types.gen';
export { TodoApi } from './generated/sdk.gen';
export { EventParser, type LiveEvent, type LiveStream, streamEvents, type StreamEventsOptions } from './events';

/** Options of {@link createTodoClient}. */
export interface TodoClientOptions {
  /** Where the API is served, e.g. `https://api.example.com` (paths start with `/api/`). */
  baseUrl: string;
  /**
   * Returns the bearer token (a JWT from Better Auth: `authClient.token()` in the browser,
   * `auth.api.getToken({ headers })` on the server). Awaited before every request, so it may
   * refresh or cache as it likes; an empty result sends no `Authorization` header.
   */
  getToken: () => string | null | undefined | Promise<string | null | undefined>;
  /** The fetch to send requests with; default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/**
 * createTodoClient returns the generated `TodoApi` bound to its own fetch client: one method
 * per operation (`listTasks`, `createTask`, `getTask`, `replaceTask`, `updateTask`,
 * `completeTask`, `deleteTask`, `restoreTask`, `moveTask`, `bulkTasks`, `listTaskChanges`,
 * `listTags`, `getTaskStats`; for lists `listLists`, `createList`, `getList`, `updateList`,
 * `deleteList`, `restoreList`, `moveList`, `listListChanges`; for sharing `createInvite`,
 * `listInvites`, `revokeInvite`, `getInvite`, `acceptInvite`, `listMembers`, `updateMember`,
 * `removeMember`), each resolving to
 * `{ data, request, response }` on 2xx and rejecting with a {@link TodoApiError} otherwise
 * (a network failure rejects with fetch's own `TypeError`).
 */
export function createTodoClient(options: TodoClientOptions): TodoApi {
  const client = createClient(
    createConfig({
      baseUrl: options.baseUrl,
      throwOnError: true,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );
  client.interceptors.request.use(async (request) => {
    const token = await options.getToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  });
  // The Fetch client hands over the parsed body of every non-2xx response (or the fetch
  // exception, with no response); what this returns is what the call rejects with.
  client.interceptors.error.use((body, response) =>
    response ? TodoApiError.from(body, response) : body,
  );
  return new TodoApi({ client });
}

/**
 * TodoApiError is every non-2xx answer of the API: the `application/problem+json` body
 * (RFC 9457) as typed fields, or the bare HTTP status when the body is something else (a proxy's
 * error page, a `304 Not Modified` to `If-None-Match`).
 */
export class TodoApiError extends Error {
  override readonly name = 'TodoApiError';
  /** HTTP status of the response. */
  readonly status: number;
  /** Problem type URI (`about:blank` for plain HTTP errors). */
  readonly type: string;
  /** Short summary of the problem type. */
  readonly title: string;
  /** What went wrong this time, for people. */
  readonly detail: string | undefined;
  /** Validation failures (422, 400): `field` is a JSON pointer into the body (`/title`) or `query.<name>`. */
  readonly errors: FieldError[];
  /** The server's request id (`instance`, also the `X-Request-ID` header): quote it in bug reports. */
  readonly requestId: string | undefined;
  /** Seconds to wait before retrying (429, 503), from `Retry-After`. */
  readonly retryAfter: number | undefined;
  /** The response itself, for anything else in its headers. */
  readonly response: Response;

  constructor(status: number, problem: Partial<Problem>, response: Response) {
    const title = problem.title ?? (response.statusText || `HTTP ${status}`);
    super(`${status} ${title}${problem.detail ? `: ${problem.detail}` : ''}`);
    this.status = status;
    this.type = problem.type ?? 'about:blank';
    this.title = title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.requestId = problem.instance ?? response.headers.get('X-Request-ID') ?? undefined;
    const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    this.retryAfter = Number.isNaN(retry) ? undefined : retry;
    this.response = response;
  }

  /** from builds the error for a response whose body was already read (parsed JSON or text). */
  static from(body: unknown, response: Response): TodoApiError {
    const isProblem = (response.headers.get('Content-Type') ?? '').startsWith('application/problem+json');
    return new TodoApiError(response.status, isProblem ? problemFields(body) : {}, response);
  }

  /** fieldError is the message for `field` (e.g. `/title`), if the server named that field. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

/** problemFields keeps the members of a problem body that have the contract's types. */
function problemFields(body: unknown): Partial<Problem> {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const p: Partial<Problem> = {};
  const type = str(b.type), title = str(b.title), detail = str(b.detail), instance = str(b.instance);
  if (type !== undefined) p.type = type;
  if (title !== undefined) p.title = title;
  if (detail !== undefined) p.detail = detail;
  if (instance !== undefined) p.instance = instance;
  if (Array.isArray(b.errors)) {
    p.errors = b.errors.filter(
      (e): e is FieldError => typeof e?.field === 'string' && typeof e?.message === 'string',
    );
  }
  return p;
}

/** A call's result (`{ response }`) or a bare Response. */
type WithResponse = { response: Response } | Response;

const headerOf = (r: WithResponse, name: string): string | undefined =>
  ('response' in r ? r.response : r).headers.get(name) ?? undefined;

/**
 * getETag is the response's `ETag`. A task's or a list's (strong): send it as `If-Match`
 * (PUT, PATCH, DELETE) or `If-None-Match` (GET). A collection's (`listTasks`, `getTaskStats`,
 * `listTaskChanges`, `listLists`; weak): send it as `If-None-Match` with the same query — the
 * call then rejects with a `TodoApiError` of status 304 while nothing changed.
 */
export function getETag(r: WithResponse): string | undefined {
  return headerOf(r, 'ETag');
}

/** getLocation is the URL path of a created task or list (`Location` of `createTask`'s or `createList`'s 201). */
export function getLocation(r: WithResponse): string | undefined {
  return headerOf(r, 'Location');
}

/**
 * getNextCursor is the `cursor` of the `Link: <…>; rel="next"` header of a `listTasks` page,
 * or undefined on the last page. A cursor is valid only with the query it came from: call
 * `listTasks({ query: { ...sameQuery, cursor } })`.
 */
export function getNextCursor(r: WithResponse): string | undefined {
  const target = linkTarget(r, 'next');
  if (target === undefined) return undefined;
  return new URL(target, 'http://link.invalid').searchParams.get('cursor') ?? undefined;
}

/**
 * getNextOccurrence is the id of the next occurrence of a repeating task, from the
 * `Link: </api/tasks/{id}>; rel="next-occurrence"` header of `completeTask`, `updateTask` and
 * `replaceTask`; undefined when the task has none (it does not repeat, or the occurrence was
 * deleted). Completing a repeating task creates it; `getTask` reads it.
 */
export function getNextOccurrence(r: WithResponse): string | undefined {
  const target = linkTarget(r, 'next-occurrence');
  return target === undefined ? undefined : /\/api\/tasks\/([^/?#]+)$/.exec(target)?.[1];
}

/** linkTarget is the target of the `Link` header's entry with relation rel (RFC 8288). */
function linkTarget(r: WithResponse, rel: string): string | undefined {
  const link = headerOf(r, 'Link');
  if (!link) return undefined;
  // RFC 8288: `<target>; param=value; rel="next", <target>; …`
  for (const m of link.matchAll(/<([^>]*)>([^,<]*)/g)) {
    const rels = /;\s*rel\s*=\s*"?([^";]*)"?/i.exec(m[2] ?? '')?.[1];
    if (rels?.toLowerCase().split(/\s+/).includes(rel)) return m[1] ?? '';
  }
  return undefined;
}

/**
 * getNextCursor also reads the pages of `listTaskChanges` and `listListChanges`: follow them
 * with the same `updated_after` and the cursor.
 *
 * isTombstone tells the two kinds of change-feed entry apart: a tombstone (`{id, deleted_at}`,
 * the task was deleted — or, in a list's feed, moved to another list: remove it from the local
 * copy) or a whole `Task` (insert or replace it).
 */
export function isTombstone(change: TaskChange): change is TaskTombstone {
  return 'deleted_at' in change;
}

/**
 * changedAt is a change's place in the feed: a task's `updated_at`, a tombstone's
 * `deleted_at`. The last entry of a sync's last page has the greatest; send it back unchanged
 * as `updated_after` to sync again.
 */
export function changedAt(change: TaskChange): string {
  return isTombstone(change) ? change.deleted_at : change.updated_at;
}

/**
 * inboxOf is the caller's inbox among the lists `listLists` returned (always there, and
 * first): the list a task created without `list_id` goes to.
 */
export function inboxOf(lists: readonly List[]): List {
  const inbox = lists.find((l) => l.inbox);
  if (!inbox) throw new Error('no inbox among the lists: pass the whole answer of listLists');
  return inbox;
}

/**
 * sortLists orders lists as `listLists` does: the inbox first, then by `position` compared
 * byte by byte (positions are ASCII) — so a client that put the list `moveList` returned
 * into its copy can re-sort the copy without reading the lists again.
 */
export function sortLists(lists: readonly List[]): List[] {
  return [...lists].sort((a, b) =>
    a.inbox !== b.inbox ? (a.inbox ? -1 : 1) : a.position < b.position ? -1 : a.position > b.position ? 1 : 0,
  );
}


/** ListCopy is the local copy of one list: its tasks by id and its own sync point. */
export interface ListCopy {
  /** The list's live tasks, by id. */
  tasks: Map<string, Task>;
  /** The greatest change time received ({@link changedAt}, as received); undefined before the first sync. */
  since?: string;
}

/** ListsCopy is the local copy of several lists, by list id. */
export type ListsCopy = Map<string, ListCopy>;

/** SyncListsResult says what {@link syncLists} did besides bringing lists up to date. */
export interface SyncListsResult {
  /** The lists dropped from the copy with their tasks: not in `listIds`, or their feed answered 404. */
  dropped: string[];
  /** The lists whose copy was discarded and synced again from the start (their feed answered 410). */
  restarted: string[];
}

/**
 * syncLists brings `copy` up to date with the lists `listIds` — typically the ids `listLists`
 * returned: the caller's own lists and those shared with them alike. Each list syncs through
 * its own feed (`listListChanges`) from its own sync point, page by page to the end: a `Task`
 * replaces its copy, a tombstone (deleted, or moved to another list) removes it. A list's sync
 * point moves only once its last page is in, so a failure part-way leaves one that is safe to
 * sync again from. A list new to `copy` gets a full sync.
 *
 * A list in `copy` but not in `listIds`, and a list whose feed answers `404` (the caller was
 * removed or left, or the list was deleted), is dropped with its tasks. A `410` (the sync
 * point is older than purged tombstones) discards that list's copy and syncs it from the
 * start. Any other error rejects (a {@link TodoApiError}); the lists synced before it keep
 * their progress.
 *
 * @example
 * const copy: ListsCopy = load() ?? new Map();
 * const lists = await todo.listLists();
 * const { dropped } = await syncLists(todo, copy, lists.data.map((l) => l.id));
 */
export async function syncLists(
  todo: TodoApi,
  copy: ListsCopy,
  listIds: readonly string[],
  options: { limit?: number } = {},
): Promise<SyncListsResult> {
  const result: SyncListsResult = { dropped: [], restarted: [] };
  const wanted = new Set(listIds);
  for (const id of [...copy.keys()]) {
    if (!wanted.has(id)) {
      copy.delete(id);
      result.dropped.push(id);
    }
  }
  for (const id of wanted) {
    const list: ListCopy = copy.get(id) ?? { tasks: new Map<string, Task>() };
    try {
      list.since = await syncList(todo, id, list, options.limit);
    } catch (err) {
      if (err instanceof TodoApiError && err.status === 404) {
        copy.delete(id);
        result.dropped.push(id);
        continue;
      }
      if (!(err instanceof TodoApiError && err.status === 410)) throw err;
      result.restarted.push(id);
      list.tasks.clear();
      delete list.since;
      list.since = await syncList(todo, id, list, options.limit);
    }
    copy.set(id, list);
  }
  return result;
}

/** syncList applies the feed of list id after list.since to list.tasks and returns the new sync point. */
async function syncList(todo: TodoApi, id: string, list: ListCopy, limit = 200): Promise<string | undefined> {
  const query: NonNullable<ListListChangesData['query']> = { limit, ...(list.since ? { updated_after: list.since } : {}) };
  let since = list.since;
  let cursor: string | undefined;
  do {
    const page = await todo.listListChanges({ path: { id }, query: cursor ? { ...query, cursor } : query });
    for (const change of page.data) {
      if (isTombstone(change)) list.tasks.delete(change.id);
      else list.tasks.set(change.id, change);
      since = changedAt(change);
    }
    cursor = getNextCursor(page);
  } while (cursor);
  return since;
}

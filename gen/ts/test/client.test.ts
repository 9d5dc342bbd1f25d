// Drives the generated client against a real running server. The server, its throwaway
// database and the tokens come from the Go test internal/clienttest (`go test
// ./internal/clienttest`), which runs `npm test` here with:
//   TODO_API_URL      the server's base URL
//   TODO_API_TOKEN_A  a bearer token for user A
//   TODO_API_TOKEN_B  a bearer token for user B
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  changedAt,
  createTodoClient,
  getETag,
  getLocation,
  getNextCursor,
  getNextOccurrence,
  inboxOf,
  isTombstone,
  type List,
  type ListsCopy,
  type ListTaskChangesData,
  type ListTasksData,
  sortLists,
  syncLists,
  type Task,
  TodoApiError,
} from '../src/index';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through \`go test ./internal/clienttest\``);
  return v;
}

const baseUrl = env('TODO_API_URL');
const tokenA = env('TODO_API_TOKEN_A');
const tokenB = env('TODO_API_TOKEN_B');

// getToken is async, as Better Auth's is; counting calls shows it runs on every request.
let tokenCalls = 0;
const todo = createTodoClient({
  baseUrl,
  getToken: async () => {
    tokenCalls++;
    return tokenA;
  },
});
const other = createTodoClient({ baseUrl, getToken: () => tokenB });

/** rejectsWith asserts that call rejects with a TodoApiError of status and returns it. */
async function rejectsWith(status: number, call: Promise<unknown>): Promise<TodoApiError> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof TodoApiError, `want a TodoApiError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    return err;
  }
  assert.fail(`want a ${status} TodoApiError, the call succeeded`);
}

test('a task from creation to deletion', async (t) => {
  let task: Task;
  let etag: string;

  await t.test('create', async () => {
    const before = tokenCalls;
    const res = await todo.createTask({
      body: { title: '  Buy milk  ', priority: 'high', tags: ['Home', 'errand', 'home'], due_date: '2030-01-15' },
    });
    assert.equal(tokenCalls, before + 1, 'getToken is awaited once per request');
    assert.equal(res.response.status, 201);
    task = res.data;
    assert.equal(task.title, 'Buy milk', 'the title is trimmed');
    assert.deepEqual([...task.tags].sort(), ['errand', 'home'], 'tags are lower-cased and de-duplicated');
    assert.equal(task.completed, false);
    assert.equal(task.completed_at, null);
    assert.equal(task.description, null);
    assert.equal(getLocation(res), `/api/tasks/${task.id}`);
    assert.ok(getETag(res), 'the 201 carries an ETag');
  });

  await t.test('list with filters, paged by the Link cursor', async () => {
    // Five matches (high, pending, tagged `work` or `report`) among decoys.
    const matches = ['Report 3', 'Report 1', 'Report 5', 'Report 2', 'Report 4'];
    for (const [i, title] of matches.entries()) {
      await todo.createTask({ body: { title, priority: 'high', tags: [i % 2 ? 'work' : 'report'] } });
    }
    await todo.createTask({ body: { title: 'Report low', priority: 'low', tags: ['work'] } });
    await todo.createTask({ body: { title: 'Report done', priority: 'high', tags: ['work'], completed: true } });
    await todo.createTask({ body: { title: 'Report untagged', priority: 'high' } });

    const query: NonNullable<ListTasksData['query']> = {
      status: 'pending',
      priority: 'high',
      tag: ['work', 'report'],
      sort: 'title',
      order: 'asc',
      limit: 2,
    };
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await todo.listTasks({ query: cursor ? { ...query, cursor } : query });
      assert.equal(page.response.status, 200);
      pages.push(page.data.map((x) => x.title));
      cursor = getNextCursor(page);
    } while (cursor && pages.length < 10);
    assert.deepEqual(pages, [['Report 1', 'Report 2'], ['Report 3', 'Report 4'], ['Report 5']]);

    const pending = await todo.listTasks({ query: { status: 'completed' } });
    assert.deepEqual(pending.data.map((x) => x.title), ['Report done']);
    assert.equal(getNextCursor(pending), undefined, 'the last page has no next link');
  });

  await t.test('get returns an ETag', async () => {
    const res = await todo.getTask({ path: { id: task.id } });
    assert.deepEqual(res.data, task);
    etag = getETag(res) ?? assert.fail('no ETag');
  });

  await t.test('patch (merge patch) with If-Match', async () => {
    const res = await todo.updateTask({
      path: { id: task.id },
      headers: { 'If-Match': etag },
      body: { title: 'Buy oat milk', description: 'The barista kind', due_date: null },
    });
    assert.equal(res.request.headers.get('Content-Type'), 'application/merge-patch+json');
    assert.equal(res.data.title, 'Buy oat milk');
    assert.equal(res.data.description, 'The barista kind');
    assert.equal(res.data.due_date, null, 'null clears the due date');
    assert.equal(res.data.priority, 'high', 'absent fields are unchanged');
    assert.deepEqual(res.data.tags, task.tags);

    const stale = await rejectsWith(
      412,
      todo.updateTask({ path: { id: task.id }, headers: { 'If-Match': etag }, body: { priority: 'low' } }),
    );
    assert.ok(stale.type, 'the problem has a type');
    etag = getETag(res) ?? assert.fail('no ETag');
  });

  await t.test('toggle and set completion', async () => {
    const on = await todo.completeTask({ path: { id: task.id } });
    assert.equal(on.data.completed, true, 'no body toggles');
    assert.ok(on.data.completed_at, 'completed_at is set');
    const off = await todo.completeTask({ path: { id: task.id } });
    assert.equal(off.data.completed, false, 'no body toggles back');
    assert.equal(off.data.completed_at, null);
    for (let i = 0; i < 2; i++) {
      const set = await todo.completeTask({ path: { id: task.id }, body: { completed: true } });
      assert.equal(set.data.completed, true, '{completed: true} sets it, idempotently');
    }
  });

  await t.test('delete', async () => {
    const res = await todo.deleteTask({ path: { id: task.id } });
    assert.equal(res.response.status, 204);
    await rejectsWith(404, todo.getTask({ path: { id: task.id } }));
  });
});

test('failures come back as typed TodoApiError', async (t) => {
  await t.test('401 with a bad token', async () => {
    const bad = createTodoClient({ baseUrl, getToken: () => 'not-a-jwt' });
    const err = await rejectsWith(401, bad.listTasks());
    assert.equal(err.name, 'TodoApiError');
    assert.ok(err.title, 'the problem has a title');
    assert.ok(err.requestId, 'the problem names the request');
    assert.match(err.response.headers.get('WWW-Authenticate') ?? '', /^Bearer .*error="invalid_token"/);
  });

  await t.test('401 without a token', async () => {
    const anon = createTodoClient({ baseUrl, getToken: () => null });
    const err = await rejectsWith(401, anon.getTaskStats());
    assert.doesNotMatch(err.response.headers.get('WWW-Authenticate') ?? '', /error=/);
  });

  await t.test('404 for another user’s task', async () => {
    const { data: mine } = await todo.createTask({ body: { title: 'Private' } });
    const err = await rejectsWith(404, other.getTask({ path: { id: mine.id } }));
    assert.equal(err.errors.length, 0);
    await rejectsWith(404, other.updateTask({ path: { id: mine.id }, body: { title: 'Stolen' } }));
    await rejectsWith(404, other.deleteTask({ path: { id: mine.id } }));
    const still = await todo.getTask({ path: { id: mine.id } });
    assert.equal(still.data.title, 'Private', 'the owner still has it, unchanged');
  });

  await t.test('422 names the field', async () => {
    const blank = await rejectsWith(422, todo.createTask({ body: { title: '   ' } }));
    assert.ok(blank.fieldError('/title'), `want /title among ${JSON.stringify(blank.errors)}`);
    assert.ok(blank.detail, 'the problem has a detail');

    // A client can never set the owner: unknown properties are refused by name.
    const body = { title: 'x', user_id: 'someone-else' } as unknown as { title: string };
    const unknown = await rejectsWith(422, todo.createTask({ body }));
    assert.deepEqual(unknown.errors.map((e) => e.field), ['/user_id']);
  });
});

/**
 * syncAll follows the change feed from `since` to its end, applying each entry to `copy`,
 * exactly as the contract says a client should, and returns the new sync point.
 */
async function syncAll(copy: Map<string, Task>, since: string | undefined): Promise<string | undefined> {
  const query: NonNullable<ListTaskChangesData['query']> = { limit: 2, ...(since ? { updated_after: since } : {}) };
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await todo.listTaskChanges({ query: cursor ? { ...query, cursor } : query });
    for (const change of page.data) {
      if (isTombstone(change)) copy.delete(change.id);
      else copy.set(change.id, change);
      since = changedAt(change);
    }
    cursor = getNextCursor(page);
  } while (cursor && ++pages < 100);
  return since;
}

test('sync: the change feed, soft delete and restore', async (t) => {
  const copy = new Map<string, Task>();
  let since: string | undefined;

  await t.test('a first sync copies every task', async () => {
    since = await syncAll(copy, undefined);
    const all = await todo.listTasks({ query: { limit: 200 } });
    assert.deepEqual([...copy.keys()].sort(), all.data.map((x) => x.id).sort());
    assert.ok(since, 'a sync point');
  });

  let kept: Task;
  let dropped: Task;
  await t.test('an incremental sync brings creates, changes and deletions', async () => {
    kept = (await todo.createTask({ body: { title: 'Synced' } })).data;
    dropped = (await todo.createTask({ body: { title: 'Synced, then deleted' } })).data;
    await todo.completeTask({ path: { id: kept.id }, body: { completed: true } });
    await todo.deleteTask({ path: { id: dropped.id } });
    const before = since;
    since = await syncAll(copy, since);
    assert.notEqual(since, before);
    assert.equal(copy.get(kept.id)?.completed, true);
    assert.equal(copy.has(dropped.id), false, 'the tombstone removed it');
    const again = await todo.listTaskChanges({ query: { updated_after: since! } });
    assert.deepEqual(again.data, [], 'nothing after the last change');
  });

  await t.test('restore brings a deleted task back, and the feed says so', async () => {
    const res = await todo.restoreTask({ path: { id: dropped.id } });
    assert.equal(res.data.title, 'Synced, then deleted');
    assert.ok(getETag(res), 'the restored task has an ETag');
    since = await syncAll(copy, since);
    assert.equal(copy.get(dropped.id)?.title, 'Synced, then deleted');
    await rejectsWith(404, other.restoreTask({ path: { id: dropped.id } }));
  });

  await t.test('a bad cursor is a 400', async () => {
    const err = await rejectsWith(400, todo.listTaskChanges({ query: { cursor: 'not-a-cursor' } }));
    assert.ok(err.fieldError('query.cursor'));
  });
});

test('conditional GET on the collections', async (t) => {
  await t.test('an unchanged collection is a 304 to its own ETag', async () => {
    const list = await todo.listTasks({ query: { sort: 'title' } });
    const stats = await todo.getTaskStats();
    const feed = await todo.listTaskChanges();
    for (const res of [list, stats, feed]) assert.match(getETag(res) ?? '', /^W\/"/, 'a weak ETag');
    const listTag = getETag(list)!;
    const notModified = await rejectsWith(304, todo.listTasks({ query: { sort: 'title' }, headers: { 'If-None-Match': listTag } }));
    assert.equal(getETag(notModified.response), listTag);
    await rejectsWith(304, todo.getTaskStats({ headers: { 'If-None-Match': getETag(stats)! } }));
    await rejectsWith(304, todo.listTaskChanges({ headers: { 'If-None-Match': getETag(feed)! } }));
    // Another query is another tag.
    const other = await todo.listTasks({ query: { sort: 'title', limit: 1 }, headers: { 'If-None-Match': listTag } });
    assert.equal(other.response.status, 200);
  });

  await t.test('a write changes the tags', async () => {
    const stats = await todo.getTaskStats();
    await todo.createTask({ body: { title: 'Changes the stats' } });
    const after = await todo.getTaskStats({ headers: { 'If-None-Match': getETag(stats)! } });
    assert.equal(after.response.status, 200);
    assert.equal(after.data.total, stats.data.total + 1);
    assert.notEqual(getETag(after), getETag(stats));
  });
});

test('bulk actions', async (t) => {
  const a = (await todo.createTask({ body: { title: 'Bulk A' } })).data;
  const b = (await todo.createTask({ body: { title: 'Bulk B', tags: ['old'] } })).data;
  const unknown = '0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10';

  await t.test('one result per id, in order', async () => {
    const res = await todo.bulkTasks({ body: { action: 'complete', ids: [a.id, unknown, b.id] } });
    assert.deepEqual(res.data.results.map((r) => [r.id, r.status]), [[a.id, 'ok'], [unknown, 'not_found'], [b.id, 'ok']]);
    assert.equal((await todo.getTask({ path: { id: b.id } })).data.completed, true);
  });

  await t.test('tags, with an Idempotency-Key', async () => {
    const req = { body: { action: 'add_tags' as const, ids: [a.id, b.id], tags: ['Bulk'] }, headers: { 'Idempotency-Key': 'ts-bulk-1' } };
    const first = await todo.bulkTasks(req);
    const again = await todo.bulkTasks(req);
    assert.deepEqual(again.data, first.data, 'the replay is the first response');
    assert.deepEqual((await todo.getTask({ path: { id: b.id } })).data.tags, ['old', 'bulk']);
    const reused = await rejectsWith(422, todo.bulkTasks({ ...req, body: { ...req.body, action: 'remove_tags' } }));
    assert.ok(reused.fieldError('header.Idempotency-Key'));
  });

  await t.test("another user's ids are not found, and stay as they were", async () => {
    const res = await other.bulkTasks({ body: { action: 'delete', ids: [a.id, b.id] } });
    assert.deepEqual(res.data.results.map((r) => r.status), ['not_found', 'not_found']);
    assert.equal((await todo.getTask({ path: { id: a.id } })).data.title, 'Bulk A');
  });

  await t.test('a tag action without tags is a 422 naming /tags', async () => {
    const err = await rejectsWith(422, todo.bulkTasks({ body: { action: 'add_tags', ids: [a.id] } }));
    assert.ok(err.fieldError('/tags'));
  });
});

test('manual order', async (t) => {
  const made: Task[] = [];
  for (const title of ['Order 1', 'Order 2', 'Order 3']) made.push((await todo.createTask({ body: { title, tags: ['order'] } })).data);
  const [one, two, three] = made as [Task, Task, Task];
  const order = async () => (await todo.listTasks({ query: { tag: ['order'], sort: 'position' } })).data.map((x) => x.title);

  await t.test('new tasks go to the top', async () => {
    assert.deepEqual(await order(), ['Order 3', 'Order 2', 'Order 1']);
    assert.ok(three.position < two.position, 'positions compare as strings');
  });

  await t.test('move after another task, and to the top', async () => {
    const res = await todo.moveTask({ path: { id: three.id }, body: { after_id: one.id } });
    assert.notEqual(res.data.position, three.position);
    assert.ok(getETag(res));
    assert.deepEqual(await order(), ['Order 2', 'Order 1', 'Order 3']);
    await todo.moveTask({ path: { id: one.id }, body: { after_id: null } });
    assert.deepEqual(await order(), ['Order 1', 'Order 2', 'Order 3']);
  });

  await t.test("after another user's task is a 422 naming /after_id", async () => {
    const theirs = (await other.createTask({ body: { title: 'Theirs' } })).data;
    const err = await rejectsWith(422, todo.moveTask({ path: { id: two.id }, body: { after_id: theirs.id } }));
    assert.ok(err.fieldError('/after_id'));
    await rejectsWith(404, other.moveTask({ path: { id: two.id }, body: { after_id: null } }));
  });
});

test('repeating tasks', async (t) => {
  await t.test('completing one creates its next occurrence, once', async () => {
    const { data: task } = await todo.createTask({
      body: { title: 'Pay rent', due_date: '2030-01-31', due_time: '09:00', repeat: 'monthly' },
    });
    assert.equal(task.repeat, 'monthly');
    const done = await todo.completeTask({ path: { id: task.id }, body: { completed: true } });
    const nextId = getNextOccurrence(done) ?? assert.fail('no Link rel="next-occurrence"');
    const { data: next } = await todo.getTask({ path: { id: nextId } });
    assert.deepEqual([next.due_date, next.due_time, next.repeat, next.completed], ['2030-02-28', '09:00', 'monthly', false]);
    const again = await todo.completeTask({ path: { id: task.id }, body: { completed: true } });
    assert.equal(getNextOccurrence(again), nextId, 'a retry names the same occurrence');
  });

  await t.test('a repeat needs a due date; none has no next occurrence', async () => {
    const err = await rejectsWith(422, todo.createTask({ body: { title: 'No date', repeat: 'daily' } }));
    assert.ok(err.fieldError('/repeat'));
    const { data: once } = await todo.createTask({ body: { title: 'Once' } });
    assert.equal(once.repeat, 'none');
    assert.equal(getNextOccurrence(await todo.completeTask({ path: { id: once.id } })), undefined);
  });
});

test("due times and the caller's time zone", async (t) => {
  await t.test('a due time is stored as given', async () => {
    const { data } = await todo.createTask({ body: { title: 'Dentist', due_date: '2030-05-06', due_time: '09:30' } });
    assert.equal(data.due_time, '09:30');
    const err = await rejectsWith(422, todo.createTask({ body: { title: 'No date', due_time: '09:30' } }));
    assert.ok(err.fieldError('/due_time'));
  });

  await t.test('overdue follows tz', async () => {
    await todo.createTask({ body: { title: 'Long overdue', due_date: '2001-01-01', due_time: '08:00', tags: ['tz-test'] } });
    const stats = await todo.getTaskStats({ query: { tz: 'Asia/Tokyo' } });
    assert.ok(stats.data.overdue >= 1);
    const overdue = await todo.listTasks({ query: { overdue: true, tz: 'Asia/Tokyo', tag: ['tz-test'] } });
    assert.deepEqual(overdue.data.map((x) => x.title), ['Long overdue']);
    const err = await rejectsWith(400, todo.getTaskStats({ query: { tz: 'Mars/Olympus_Mons' } }));
    assert.ok(err.fieldError('query.tz'));
  });
});

test('lists: the inbox, create, rename, order, delete and restore', async (t) => {
  const { data: first } = await todo.listLists();
  const inbox = inboxOf(first);
  assert.equal(inbox.name, 'Inbox');
  assert.equal(first[0]?.id, inbox.id, 'the inbox comes first');

  let groceries: List;
  await t.test('create: trimmed, lower-case colour, last in the order', async () => {
    const res = await todo.createList({ body: { name: '  Groceries ', color: '#2E7D32' } });
    assert.equal(res.response.status, 201);
    groceries = res.data;
    assert.equal(groceries.name, 'Groceries');
    assert.equal(groceries.color, '#2e7d32');
    assert.equal(groceries.inbox, false);
    assert.equal(groceries.role, 'owner');
    assert.equal(getLocation(res), `/api/lists/${groceries.id}`);
    const { data: lists } = await todo.listLists();
    assert.equal(lists.at(-1)?.id, groceries.id);
  });

  await t.test('rename under If-Match; a stale ETag is 412', async () => {
    const got = await todo.getList({ path: { id: groceries.id } });
    const tag = getETag(got)!;
    const renamed = await todo.updateList({ path: { id: groceries.id }, body: { name: 'Shopping' }, headers: { 'If-Match': tag } });
    assert.equal(renamed.data.name, 'Shopping');
    await rejectsWith(412, todo.updateList({ path: { id: groceries.id }, body: { name: 'Late' }, headers: { 'If-Match': tag } }));
  });

  await t.test('the inbox stays: 409', async () => {
    const err = await rejectsWith(409, todo.deleteList({ path: { id: inbox.id } }));
    assert.equal(err.type, 'urn:todo-api:problem:inbox');
    await rejectsWith(409, todo.updateList({ path: { id: inbox.id }, body: { name: 'Mine' } }));
  });

  await t.test('move first; sortLists agrees with the server', async () => {
    const work = (await todo.createList({ body: { name: 'Work' } })).data;
    const moved = (await todo.moveList({ path: { id: work.id }, body: { after_id: null } })).data;
    const { data: lists } = await todo.listLists();
    assert.deepEqual(lists.map((l) => l.id).slice(0, 2), [inbox.id, work.id]);
    const local = sortLists(lists.map((l) => (l.id === moved.id ? moved : l)).reverse());
    assert.deepEqual(local.map((l) => l.id), lists.map((l) => l.id));
  });

  await t.test("delete and restore; another user's list is 404", async () => {
    await rejectsWith(404, other.getList({ path: { id: groceries.id } }));
    await rejectsWith(404, other.deleteList({ path: { id: groceries.id } }));
    await todo.deleteList({ path: { id: groceries.id } });
    await rejectsWith(404, todo.getList({ path: { id: groceries.id } }));
    const back = await todo.restoreList({ path: { id: groceries.id } });
    assert.equal(back.data.name, 'Shopping');
    const task = (await todo.createTask({ body: { title: 'Goes to the inbox' } })).data;
    assert.equal(task.list_id, inbox.id, 'a task created without list_id is in the inbox');
  });
});

test('subtasks: nested under a parent, counted, completed and deleted with it', async (t) => {
  const { data: parent } = await todo.createTask({ body: { title: 'Move house' } });
  const { data: pack } = await todo.createTask({ body: { title: 'Pack', parent_id: parent.id } });
  const { data: books } = await todo.createTask({ body: { title: 'Books', parent_id: pack.id } });

  await t.test("a subtask is in its parent's list, and the parent counts it", async () => {
    assert.equal(pack.list_id, parent.list_id);
    assert.equal(pack.parent_id, parent.id);
    const { data: now } = await todo.getTask({ path: { id: parent.id } });
    assert.deepEqual(now.subtasks, { total: 1, completed: 0 });
    const { data: kids } = await todo.listTasks({ query: { parent_id: parent.id } });
    assert.deepEqual(kids.map((x) => x.id), [pack.id]);
  });

  await t.test('the rules are 422s naming the field', async () => {
    const deep = (await todo.createTask({ body: { title: 'Hardbacks', parent_id: books.id } })).data;
    assert.ok((await rejectsWith(422, todo.createTask({ body: { title: 'Too deep', parent_id: deep.id } }))).fieldError('/parent_id'));
    assert.ok((await rejectsWith(422, todo.updateTask({ path: { id: pack.id }, body: { parent_id: books.id } }))).fieldError('/parent_id'));
    const theirs = (await other.createTask({ body: { title: "B's" } })).data;
    assert.ok((await rejectsWith(422, todo.createTask({ body: { title: 'x', parent_id: theirs.id } }))).fieldError('/parent_id'));
    const repeats = todo.createTask({ body: { title: 'x', parent_id: parent.id, due_date: '2030-01-01', repeat: 'daily' } });
    assert.ok((await rejectsWith(422, repeats)).fieldError('/repeat'));
  });

  await t.test('completing the parent completes the subtree', async () => {
    await todo.completeTask({ path: { id: parent.id }, body: { completed: true } });
    const { data: b } = await todo.getTask({ path: { id: books.id } });
    assert.equal(b.completed, true);
  });

  await t.test('deleting the parent deletes the subtree; restore brings it back', async () => {
    await todo.deleteTask({ path: { id: parent.id } });
    await rejectsWith(404, todo.getTask({ path: { id: books.id } }));
    await todo.restoreTask({ path: { id: parent.id } });
    const { data: b } = await todo.getTask({ path: { id: books.id } });
    assert.equal(b.parent_id, pack.id);
  });
});

// Last in the file: B becomes a member of A's lists here, which the earlier tests do not expect.
test('syncLists: several lists, shared ones included, one feed and one sync point each', async (t) => {
  const groceries = (await todo.createList({ body: { name: 'Sync groceries' } })).data;
  const garden = (await todo.createList({ body: { name: 'Sync garden' } })).data;
  for (const l of [groceries, garden]) {
    const invite = (await todo.createInvite({ path: { id: l.id }, body: { role: 'editor' } })).data;
    await other.acceptInvite({ path: { token: invite.token } });
  }
  const milk = (await todo.createTask({ body: { title: 'Milk', list_id: groceries.id } })).data;
  const rake = (await todo.createTask({ body: { title: 'Rake', list_id: garden.id } })).data;
  const ids = [groceries.id, garden.id];
  const copy: ListsCopy = new Map();

  /** sameAsServer asserts that the copy of list id holds exactly what B reads of it now. */
  async function sameAsServer(id: string) {
    const { data: live } = await other.listTasks({ query: { list_id: id, limit: 200 } });
    const mine = copy.get(id);
    assert.ok(mine, `list ${id} is in the copy`);
    assert.deepEqual(
      [...mine.tasks.values()].map((x) => `${x.id} ${x.title} ${x.updated_at}`).sort(),
      live.map((x) => `${x.id} ${x.title} ${x.updated_at}`).sort(),
    );
  }

  await t.test('a first sync copies each list', async () => {
    const res = await syncLists(other, copy, ids, { limit: 1 });
    assert.deepEqual(res, { dropped: [], restarted: [] });
    for (const id of ids) await sameAsServer(id);
    assert.ok(copy.get(groceries.id)?.tasks.has(milk.id));
    assert.ok(copy.get(groceries.id)?.since, 'a sync point per list');
  });

  await t.test('writes by the owner and the member, a move and a delete', async () => {
    const eggs = (await other.createTask({ body: { title: 'Eggs', list_id: groceries.id } })).data;
    await todo.updateTask({ path: { id: milk.id }, body: { list_id: garden.id } });
    await todo.deleteTask({ path: { id: rake.id } });
    await syncLists(other, copy, ids, { limit: 1 });
    for (const id of ids) await sameAsServer(id);
    assert.ok(copy.get(groceries.id)?.tasks.has(eggs.id), "the member's own write");
    assert.equal(copy.get(groceries.id)?.tasks.has(milk.id), false, 'moved away: a tombstone in the old list');
    assert.equal(copy.get(garden.id)?.tasks.get(milk.id)?.list_id, garden.id, 'and the task in the new one');
    assert.equal(copy.get(garden.id)?.tasks.has(rake.id), false, 'deleted');
  });

  await t.test('a list the member lost is dropped with its tasks', async () => {
    const { data: members } = await todo.listMembers({ path: { id: garden.id } });
    const b = members.find((m) => m.role !== 'owner');
    assert.ok(b, 'B is a member');
    await todo.removeMember({ path: { id: garden.id, user_id: b.user_id } });
    await rejectsWith(404, other.listListChanges({ path: { id: garden.id } }));
    const res = await syncLists(other, copy, ids);
    assert.deepEqual(res.dropped, [garden.id]);
    assert.deepEqual([...copy.keys()], [groceries.id]);
    // A list no longer asked for goes too.
    assert.deepEqual((await syncLists(other, copy, [])).dropped, [groceries.id]);
    assert.equal(copy.size, 0);
  });
});

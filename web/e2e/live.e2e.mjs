// @ts-check
// Live updates in the web app (issue 17): the dashboard holds one `GET /api/events` stream per
// tab and brings the view up to date on its events, without a reload. The same user in two
// tabs (two pages of one context): a task added, completed, deleted in one shows in the other;
// two users on a shared list (two contexts): the editor's task shows for the owner; the stream
// cut by the server (a member removed from a list: the server ends their stream at once) and
// held down (its reconnects aborted) shows "Live updates paused — retrying", and once it can
// reconnect, what changed meanwhile shows up. Screenshots live-*.png.
//
// The number is the point here: a change shows in the other tab within 2 s. Each
// such wait is bounded at LIVE_MS (2 s) plus SLACK_MS for this shared, loaded machine, and the
// measured time is logged; waits that are not the number use the usual bounds.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually, log, noBrowser, resultsDir, sharedEnv } from "./harness.mjs";
import { apiCalls, apiFetch, createTask, expectCount, expectText, row, settled, signUp, tokenOf, trackWrites, uniqueEmail } from "./helpers.mjs";

/** @typedef {import("playwright-core").Page} Page */

/** LIVE_MS is issue 17's bound for a change to show elsewhere; SLACK_MS what a busy CI machine adds. */
const LIVE_MS = 2000;
const SLACK_MS = Number(process.env.E2E_LIVE_SLACK_MS ?? 3000);

const shot = (/** @type {Page} */ page, /** @type {string} */ name) => page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage: true });


/** live is the page's live-status region; data-live says "off", "up" or "down". */
const live = (/** @type {Page} */ page) => page.getByTestId("live-status");

/** liveUp waits for the page's stream to be open. */
async function liveUp(/** @type {Page} */ page, timeout = 20_000) {
  await page.locator('[data-testid=live-status][data-live="up"]').waitFor({ state: "attached", timeout });
}

/**
 * within waits until check passes on page, bounded by the 2 s (+ slack), and returns
 * how long it took from start (the moment the other side's write was answered).
 * @param {string} what @param {number} start @param {() => Promise<void>} check
 */
async function within(what, start, check) {
  await eventually(check, LIVE_MS + SLACK_MS);
  const ms = Date.now() - start;
  log(`live: ${what} after ${ms} ms`);
  return ms;
}

/** answered waits for the page's API write (method, path pattern) to be answered, and returns when. */
const answered = (/** @type {Page} */ page, /** @type {string} */ api, /** @type {string} */ method, /** @type {RegExp} */ p) =>
  page
    .waitForResponse((r) => r.request().method() === method && r.url().startsWith(`${api}/api/`) && p.test(new URL(r.url()).pathname))
    .then(() => Date.now());

describe("live updates (issue 17)", { skip: noBrowser }, () => {
  let web = "";
  let api = "";
  /** @type {import("playwright-core").Browser} */
  let browser;
  /** @type {import("playwright-core").BrowserContext[]} */
  const contexts = [];

  before(async () => {
    ({ browser, web, api } = await sharedEnv());
  }, { timeout: 300_000 });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
  });

  /** context is a browser context of its own (a user of their own). */
  async function context() {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", colorScheme: "light" });
    contexts.push(ctx);
    ctx.setDefaultTimeout(15_000);
    return ctx;
  }

  /** photographFailure runs fn and, when it fails, photographs the page failing() names. @param {() => Page | undefined} failing @param {string} name @param {() => Promise<void>} fn */
  async function photographFailure(failing, name, fn) {
    try {
      await fn();
    } catch (e) {
      await failing()?.screenshot({ path: path.join(resultsDir, `fail-${name}.png`), fullPage: true }).catch(() => {});
      throw e;
    }
  }

  it("the same user in two tabs: a task added, completed and deleted in one shows in the other within 2 s", { timeout: 180_000 }, async () => {
    /** @type {Page | undefined} */
    let failing;
    await photographFailure(() => failing, "live-tabs", async () => {
      const ctx = await context();
      const one = await ctx.newPage();
      failing = one;
      trackWrites(one);
      await signUp(one, web, uniqueEmail("tabs"));
      await settled(one);
      const two = await ctx.newPage();
      trackWrites(two);
      await two.goto(`${web}/dashboard`);
      await settled(two);
      await liveUp(one);
      await liveUp(two);

      // Added in one: in the other.
      const oneCalls = apiCalls(one, api);
      let at = answered(one, api, "POST", /^\/api\/tasks$/);
      await createTask(one, { title: "From tab one" });
      const added = await within("an add in tab one showed in tab two", await at, () => expectCount(row(two, "From tab one"), 1, 200));
      // Tab one gets its own write's event too: it reads the list's feed, finds the screen
      // current, and reads the view no more; the row stays the same element (no flash).
      await settled(one);
      await row(one, "From tab one").evaluate((el) => el.setAttribute("data-seen", "before the check"));
      const afterWrite = () => oneCalls.slice(oneCalls.indexOf("POST /api/tasks 201") + 1);
      await eventually(async () => assert.ok(afterWrite().some((c) => /^GET \/api\/lists\/[0-9a-f-]+\/changes\?\S* 200$/.test(c)), oneCalls.join(", ")));
      await settled(one);
      await expectCount(one.locator('[data-testid=task][data-seen="before the check"]'), 1);
      assert.deepEqual(afterWrite().filter((c) => c.startsWith("GET /api/tasks?")), [], `no re-read of the view: ${oneCalls.join(", ")}`);
      log(`live: tab one's calls around its own add: ${oneCalls.map((c) => c.replace(/\?\S*/, "?…").replace(/[0-9a-f-]{36}/, "{id}")).join(", ")}`);
      await expectCount(two.getByTestId("stat-total-value").filter({ hasText: /^1$/ }), 1);

      // Completed in two: completed in one (it leaves the open tasks for the Completed section).
      at = answered(two, api, "PATCH", /\/complete$/);
      await two.getByRole("checkbox", { name: "From tab one" }).click();
      const done = await within("a completion in tab two showed in tab one", await at, async () => {
        assert.equal(await one.getByRole("checkbox", { name: "From tab one" }).count(), 0, "not among the open tasks any more");
      });
      await expectText(one.getByTestId("stat-completed-value"), "1");
      await shot(one, "live-tabs");

      // Deleted in one (from the Completed section): gone from the other.
      await one.getByRole("button", { name: /^Completed \(1\)$/ }).click();
      at = answered(one, api, "DELETE", /^\/api\/tasks\/[0-9a-f-]+$/);
      await row(one, "From tab one").getByRole("button", { name: "Delete “From tab one”" }).click();
      const deleted = await within("a delete in tab one showed in tab two", await at, async () => {
        assert.equal(await two.getByTestId("stat-total-value").textContent(), "0", "counted no more");
        assert.equal(await row(two, "From tab one").count(), 0, "no row");
      });
      await settled(one);
      await settled(two);
      // The tab's own writes never showed as a problem, and the stream stayed up throughout.
      await expectCount(one.getByTestId("problem"), 0);
      assert.equal(await live(two).getAttribute("data-live"), "up");
      log(`live: two tabs: add ${added} ms, complete ${done} ms, delete ${deleted} ms (bound ${LIVE_MS} ms + ${SLACK_MS} ms slack)`);
    });
  });

  it("two users on a shared list: the editor's task shows for the owner within 2 s, without a reload", { timeout: 240_000 }, async () => {
    /** @type {Page | undefined} */
    let failing;
    await photographFailure(() => failing, "live-shared", async () => {
      const ana = await (await context()).newPage();
      failing = ana;
      trackWrites(ana);
      await signUp(ana, web, uniqueEmail("ana"), { name: "Ana" });
      const anaToken = await tokenOf(ana);
      const list = await (await apiFetch(`${api}/api/lists`, anaToken, { method: "POST", body: JSON.stringify({ name: "Shared live" }) })).json();
      const invited = await apiFetch(`${api}/api/lists/${list.id}/invites`, anaToken, { method: "POST", body: JSON.stringify({ role: "editor" }) });
      assert.equal(invited.status, 201);
      const { token: invite } = await invited.json();

      const ben = await (await context()).newPage();
      failing = ben;
      trackWrites(ben);
      await signUp(ben, web, uniqueEmail("ben"), { name: "Ben" });
      const joined = await apiFetch(`${api}/api/invites/${invite}/accept`, await tokenOf(ben), { method: "POST" });
      assert.equal(joined.status, 200, await joined.text());

      // Ana has the list open; her sidebar learnt that it is shared with the live `lists` event.
      await ana.goto(`${web}/lists/${list.id}`);
      await settled(ana);
      await liveUp(ana);
      await ben.goto(`${web}/lists/${list.id}`);
      await settled(ben);

      const at = answered(ben, api, "POST", /^\/api\/tasks$/);
      await createTask(ben, { title: "Ben's milk" });
      const shown = await within("the editor's task showed for the owner", await at, () => expectCount(row(ana, "Ben's milk"), 1, 200));
      await shot(ana, "live-shared");
      // And the owner's completion shows for the editor.
      const back = answered(ana, api, "PATCH", /\/complete$/);
      await liveUp(ben);
      await ana.getByRole("checkbox", { name: "Ben's milk" }).click();
      const completed = await within("the owner's completion showed for the editor", await back, async () => {
        assert.equal(await ben.getByRole("checkbox", { name: "Ben's milk" }).count(), 0, "not open any more");
      });
      log(`live: shared list: editor → owner ${shown} ms, owner → editor ${completed} ms`);
    });
  });

  it("the stream cut by the server: the indicator shows, the app reconnects and catches up", { timeout: 240_000 }, async () => {
    /** @type {Page | undefined} */
    let failing;
    await photographFailure(() => failing, "live-cut", async () => {
      const ana = await (await context()).newPage();
      failing = ana;
      await signUp(ana, web, uniqueEmail("ana"), { name: "Ana" });
      const anaToken = await tokenOf(ana);
      const list = await (await apiFetch(`${api}/api/lists`, anaToken, { method: "POST", body: JSON.stringify({ name: "Cut" }) })).json();
      const { token: invite } = await (await apiFetch(`${api}/api/lists/${list.id}/invites`, anaToken, { method: "POST", body: JSON.stringify({ role: "viewer" }) })).json();

      const ben = await (await context()).newPage();
      failing = ben;
      trackWrites(ben);
      await signUp(ben, web, uniqueEmail("ben"), { name: "Ben" });
      const benToken = await tokenOf(ben);
      const joined = await apiFetch(`${api}/api/invites/${invite}/accept`, benToken, { method: "POST" });
      assert.equal(joined.status, 200, await joined.text());
      const benId = /** @type {{ sub: string }} */ (JSON.parse(Buffer.from(benToken.split(".")[1] ?? "", "base64url").toString())).sub;
      await ben.goto(`${web}/dashboard`);
      await settled(ben);
      await liveUp(ben);
      await expectCount(ben.getByTestId("list-item").filter({ hasText: /^Cut/ }), 1);
      await expectCount(live(ben).filter({ hasText: /\S/ }), 0); // nothing to say while live

      // Every new stream of Ben's is refused from now on, until the route goes.
      let refused = 0;
      await ben.route(`${api}/api/events`, (route) => {
        refused++;
        return route.abort("connectionreset");
      });
      // The server cuts Ben's stream: he loses a list it told him about.
      const removed = await apiFetch(`${api}/api/lists/${list.id}/members/${encodeURIComponent(benId)}`, anaToken, { method: "DELETE" });
      assert.equal(removed.status, 204, await removed.text());
      await expectText(ben.getByRole("status").filter({ hasText: "Live updates" }), "Live updates paused — retrying");
      assert.equal(await live(ben).getAttribute("data-live"), "down");
      await shot(ben, "live-paused");

      // A change while the stream is down: Ben's own task, made elsewhere (the API directly).
      const made = await apiFetch(`${api}/api/tasks`, benToken, { method: "POST", body: JSON.stringify({ title: "Made while cut" }) });
      assert.equal(made.status, 201);
      await eventually(async () => assert.ok(refused >= 1, "a reconnect was tried"), 20_000);
      assert.equal(await row(ben, "Made while cut").count(), 0, "not shown while the stream is down (the poll comes every 30 s)");

      // The way is open again: the client reconnects by itself (its back-off) and catches up.
      await ben.unroute(`${api}/api/events`);
      await liveUp(ben, 45_000);
      await expectCount(row(ben, "Made while cut"), 1);
      await expectCount(live(ben).filter({ hasText: /\S/ }), 0);
      // The list it lost left the sidebar (the `lists` event; the lost-list handling).
      await expectCount(ben.getByTestId("list-item").filter({ hasText: /^Cut/ }), 0);
      await shot(ben, "live-back");
    });
  });
});

// @ts-check
// Lists and subtasks in the web app (issue 14): the sidebar (inbox and lists: create, rename,
// colour, delete with undo, reorder by dragging and from the keyboard), one list in the main
// pane, the smart views Today and Upcoming on the user's own date, subtasks nested under their
// parent (badge, fold, add inline, completing the parent completes them on screen), reordering
// tasks by dragging and with Alt+↑/↓ (POST /move), moving a task to another list from its edit
// dialog, quick add's `~List`, phone width and keyboard only; axe on each; screenshots.
import { AxeBuilder } from "@axe-core/playwright";
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually, log, noBrowser, resultsDir, sharedEnv } from "./harness.mjs";
import { addDays, apiCalls, apiFetch, expectCount, expectText, openCompleted, settled, signUp, trackWrites, tokenOf, uniqueEmail, zoneDate, zonedInstant } from "./helpers.mjs";

/** @typedef {import("playwright-core").Page} Page */
/** @typedef {import("playwright-core").BrowserContextOptions} ContextOptions */

/** topTitles is the titles of the view's top-level rows, in order (subtasks are nested inside them). */
const topTitles = async (/** @type {Page} */ page) =>
  page
    .locator("[data-testid=task-list] > li[data-testid=task]")
    .evaluateAll((els) =>
      els.filter((el) => /** @type {HTMLElement} */ (el).offsetParent !== null).map((el) => /** @type {HTMLElement} */ (el.querySelector("[data-testid=task-title]"))?.innerText.trim() ?? ""),
    );

/** listNames is the sidebar's lists, in order. */
const listNames = async (/** @type {Page} */ page) => page.getByTestId("list-item").evaluateAll((els) => els.map((el) => /** @type {HTMLElement} */ (el).innerText.replace(/\s*\(.*\)$/, "").trim()));

/** sidebarList is the sidebar's button that opens the list named name. */
const sidebarList = (/** @type {Page} */ page, /** @type {string} */ name) => page.getByTestId("list-item").filter({ hasText: new RegExp(`^${name}`) }).getByRole("button");

const shot = (/** @type {Page} */ page, /** @type {string} */ name) => page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage: true });

/** @param {Page} page @param {string} name */
async function expectNoViolations(page, name) {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  const found = r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  assert.deepEqual(found, [], `axe on ${name}`);
}

describe("lists and subtasks (issue 14)", { skip: noBrowser }, () => {
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

  /**
   * user signs a new user up and returns the dashboard and a caller of the API as that user.
   * @param {{ context?: ContextOptions, clock?: Date }} o
   * @param {{ page?: Page }} shown
   */
  async function user(o, shown) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", ...o.context });
    contexts.push(ctx);
    ctx.setDefaultTimeout(15_000);
    if (o.clock) await ctx.clock.setFixedTime(o.clock);
    const page = await ctx.newPage();
    trackWrites(page);
    shown.page = page;
    await signUp(page, web, uniqueEmail("lists"));
    await settled(page);
    const token = await tokenOf(page);
    /** call sends one request to the API as the user and returns its JSON (or null). */
    const call = async (/** @type {string} */ method, /** @type {string} */ p, /** @type {unknown} */ body = undefined, want = 0) => {
      const r = await apiFetch(`${api}${p}`, token, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await r.text();
      if (want) assert.equal(r.status, want, `${method} ${p}: ${text}`);
      else assert.ok(r.ok, `${method} ${p}: ${r.status} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    return { page, ctx, call };
  }

  const test = (/** @type {string} */ name, /** @type {(shown: { page?: Page }) => Promise<void>} */ fn) =>
    it(name, { timeout: 180_000 }, async () => {
      /** @type {{ page?: Page }} */
      const shown = {};
      try {
        await fn(shown);
      } catch (e) {
        const file = path.join(resultsDir, `failed-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase().slice(0, 80)}.png`);
        await shown.page?.screenshot({ path: file, fullPage: true }).catch(() => {});
        log(`screenshot of the failure: ${file}`);
        throw e;
      }
    });

  test("sidebar: the inbox, create a list, rename it, colour it, delete it and undo (POST /restore brings its tasks back)", async (shown) => {
    const { page } = await user({}, shown);
    const calls = apiCalls(page, api);
    assert.deepEqual(await listNames(page), ["Inbox"]);

    await page.getByLabel("New list").fill("Groceries");
    await page.getByLabel("New list").press("Enter");
    await expectText(page.locator("#view-heading"), "Groceries");
    assert.deepEqual(await listNames(page), ["Inbox", "Groceries"]);
    await expectText(page.getByTestId("empty"), /Nothing in Groceries yet/);

    const quick = page.getByRole("form", { name: "New task" }).getByLabel("Title");
    await quick.fill("Milk");
    await quick.press("Enter");
    await quick.fill("Bread");
    await quick.press("Enter");
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Bread", "Milk"]));
    await settled(page);

    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByLabel("List name").fill("Weekly shop");
    await page.getByLabel("List name").press("Enter");
    await expectText(page.locator("#view-heading"), "Weekly shop");
    await page.getByLabel("Colour of Weekly shop").selectOption({ label: "Green" });
    await eventually(async () => assert.ok(calls.filter((c) => /^PATCH \/api\/lists\/[0-9a-f-]+ 200$/.test(c)).length >= 2, calls.join(", ")));
    await page.reload();
    await settled(page);
    assert.deepEqual(await listNames(page), ["Inbox", "Weekly shop"], "renamed for good");
    await sidebarList(page, "Weekly shop").click();
    assert.equal(await page.getByLabel("Colour of Weekly shop").inputValue(), "#2e7d32");
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Bread", "Milk"]));
    // The inbox keeps its name and cannot be deleted: no such buttons there.
    await sidebarList(page, "Inbox").click();
    await expectCount(page.getByRole("button", { name: "Rename" }), 0);
    await expectCount(page.getByRole("button", { name: "Delete list" }), 0);

    await sidebarList(page, "Weekly shop").click();
    await settled(page);
    await page.getByRole("button", { name: "Delete list" }).click();
    await eventually(async () => assert.deepEqual(await listNames(page), ["Inbox"]));
    await expectText(page.locator("#view-heading"), "All tasks");
    const toast = page.getByTestId("toast").filter({ hasText: "Deleted “Weekly shop” and its tasks." });
    await toast.getByRole("button", { name: "Undo" }).click();
    await eventually(async () => assert.deepEqual(await listNames(page), ["Inbox", "Weekly shop"]));
    assert.ok(calls.some((c) => /^POST \/api\/lists\/[0-9a-f-]+\/restore 200$/.test(c)), calls.join(", "));
    await sidebarList(page, "Weekly shop").click();
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Bread", "Milk"]), 15_000);
    await shot(page, "view-list");
  });

  test("lists reorder: dragging in the sidebar and Move up from the keyboard, saved with POST /api/lists/{id}/move", async (shown) => {
    const { page, call } = await user({}, shown);
    for (const name of ["Alpha", "Beta", "Gamma"]) await call("POST", "/api/lists", { name }, 201);
    await page.reload();
    await settled(page);
    assert.deepEqual(await listNames(page), ["Inbox", "Alpha", "Beta", "Gamma"]);
    const calls = apiCalls(page, api);

    await page.getByTestId("list-item").filter({ hasText: "Gamma" }).dragTo(page.getByTestId("list-item").filter({ hasText: "Alpha" }));
    await eventually(async () => assert.deepEqual(await listNames(page), ["Inbox", "Gamma", "Alpha", "Beta"]));
    await eventually(async () => assert.ok(calls.some((c) => /^POST \/api\/lists\/[0-9a-f-]+\/move 200$/.test(c)), calls.join(", ")));

    // Keyboard only: focus Beta's button, open it, Move up.
    await sidebarList(page, "Beta").focus();
    await page.keyboard.press("Enter");
    await expectText(page.locator("#view-heading"), "Beta");
    await page.getByRole("button", { name: "Move Beta up" }).focus();
    await page.keyboard.press("Enter");
    await eventually(async () => assert.deepEqual(await listNames(page), ["Inbox", "Gamma", "Beta", "Alpha"]));
    await settled(page);
    await eventually(async () => assert.equal(calls.filter((c) => /\/move 200$/.test(c)).length, 2, calls.join(", ")));
    await page.reload();
    await settled(page);
    assert.deepEqual(await listNames(page), ["Inbox", "Gamma", "Beta", "Alpha"], "the order is the API's");
  });

  test("Today and Upcoming on the user's own date (8 pm in New York): overdue and today; the next 7 days under a heading per day", async (shown) => {
    const zone = "America/New_York";
    const today = zoneDate(zone);
    const { page, call } = await user({ context: { timezoneId: zone }, clock: zonedInstant(today, "20:00", zone) }, shown);
    const { id: listId } = await call("POST", "/api/lists", { name: "Work" }, 201);
    for (const [title, due, list] of [
      ["Yesterday's", addDays(today, -1), undefined],
      ["Today's", today, listId],
      ["Tomorrow's", addDays(today, 1), undefined],
      ["In three days", addDays(today, 3), listId],
      ["In eight days", addDays(today, 8), undefined],
      ["No date", undefined, undefined],
    ]) {
      await call("POST", "/api/tasks", { title, ...(due ? { due_date: due } : {}), ...(list ? { list_id: list } : {}) }, 201);
    }
    await page.reload();
    await settled(page);
    const calls = apiCalls(page, api);

    await page.getByTestId("view-today").getByRole("button").click();
    await expectText(page.locator("#view-heading"), "Today");
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Yesterday's", "Today's"]), 15_000);
    assert.ok(calls.some((c) => c.includes(`due_before=${today}`)), `Today asked for the local date ${today}: ${calls.join(", ")}`);
    await shot(page, "view-today");

    await page.getByTestId("view-upcoming").getByRole("button").click();
    await expectText(page.locator("#view-heading"), "Upcoming");
    await eventually(async () => {
      const days = await page.getByTestId("day").evaluateAll((els) => els.map((el) => el.querySelector("h2")?.textContent?.trim() ?? ""));
      const weekday = new Date(`${addDays(today, 3)}T12:00:00Z`).toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" });
      assert.deepEqual(days, ["Today", "Tomorrow", weekday]);
    }, 15_000);
    const inDays = await page.getByTestId("day").evaluateAll((els) => els.map((el) => [...el.querySelectorAll("[data-testid=task-title]")].map((t) => t.textContent?.trim())));
    assert.deepEqual(inDays, [["Today's"], ["Tomorrow's"], ["In three days"]], "eight days out is not upcoming; a task without a date neither");
    await shot(page, "view-upcoming");
  });

  test("subtasks: nested under the parent with a done/total badge, folded and opened, added inline; completing the parent completes them on screen", async (shown) => {
    const { page, call } = await user({}, shown);
    const parent = await call("POST", "/api/tasks", { title: "Plan the trip" }, 201);
    const a = await call("POST", "/api/tasks", { title: "Book flights", parent_id: parent.id }, 201);
    await call("POST", "/api/tasks", { title: "Book hotel", parent_id: parent.id }, 201);
    await call("PATCH", `/api/tasks/${a.id}/complete`, { completed: true }, 200);
    await page.reload();
    await settled(page);
    assert.deepEqual(await topTitles(page), ["Plan the trip"], "subtasks are not rows of their own");
    const row = page.locator(`[data-testid=task][data-task-id="${parent.id}"]`);
    const badge = row.getByTestId("subtask-badge").first();
    await expectText(badge, /1\/2/);
    assert.equal(await badge.getAttribute("aria-expanded"), "false");

    await badge.click();
    assert.equal(await badge.getAttribute("aria-expanded"), "true");
    const subs = row.getByTestId("subtasks").first();
    // In their manual order: a new subtask goes to the top of its siblings.
    await eventually(async () => assert.deepEqual(await subs.getByTestId("task-title").allInnerTexts(), ["Book hotel", "Book flights"]));
    await subs.getByTestId("subtask-input").first().fill("Pack");
    await subs.getByTestId("subtask-input").first().press("Enter");
    await eventually(async () => assert.ok((await subs.getByTestId("task-title").allInnerTexts()).includes("Pack")));
    await expectText(badge, /1\/3/);
    await shot(page, "view-subtasks");

    // Fold and open again: the badge says it; the subtasks are read again.
    await badge.click();
    await expectCount(row.getByTestId("subtasks"), 0);
    await badge.click();
    await expectCount(subs.locator("[data-testid=task]"), 3);

    // Completing the parent completes the whole subtree, on screen at once and in the API.
    await row.getByRole("checkbox", { name: "Plan the trip" }).first().click();
    await eventually(async () => {
      const got = await call("GET", `/api/tasks?parent_id=${parent.id}`);
      assert.ok(got.every((/** @type {{ completed: boolean }} */ t) => t.completed), JSON.stringify(got));
    });
    const after = await call("GET", `/api/tasks/${parent.id}`);
    assert.deepEqual(after.subtasks, { total: 3, completed: 3 });
  });

  test("completing a parent ticks its open subtasks on screen before the API answers", async (shown) => {
    const { page, call } = await user({}, shown);
    const parent = await call("POST", "/api/tasks", { title: "Parent" }, 201);
    for (const title of ["One", "Two"]) await call("POST", "/api/tasks", { title, parent_id: parent.id }, 201);
    await page.reload();
    await settled(page);
    const row = page.locator(`[data-testid=task][data-task-id="${parent.id}"]`);
    await row.getByTestId("subtask-badge").first().click();
    await expectCount(row.locator("[data-testid=subtasks] [data-testid=task][data-completed=false]"), 2);
    // Hold the API's answer: what is on screen is the app's own doing.
    /** @type {() => void} */
    let release = () => {};
    const held = new Promise((r) => (release = () => r(undefined)));
    await page.route(`${api}/api/tasks/${parent.id}/complete`, async (route) => {
      await held;
      await route.continue();
    });
    await row.getByRole("checkbox", { name: "Parent" }).first().click();
    // The parent went to the folded Completed section, its subtree with it: open it.
    await openCompleted(page);
    await expectCount(row.locator("[data-testid=subtasks] [data-testid=task][data-completed=true]"), 2);
    await expectCount(row.locator("[data-testid=subtasks] [data-testid=task][data-completed=false]"), 0);
    release();
    await eventually(async () => {
      const got = await call("GET", `/api/tasks?parent_id=${parent.id}`);
      assert.ok(got.length === 2 && got.every((/** @type {{ completed: boolean }} */ t) => t.completed), JSON.stringify(got));
    });
  });

  test("reorder tasks in a list: drag and drop, and Alt+↑ from the keyboard, saved with POST /move", async (shown) => {
    const { page, call } = await user({}, shown);
    const { id: listId } = await call("POST", "/api/lists", { name: "Chores" }, 201);
    for (const title of ["Three", "Two", "One"]) await call("POST", "/api/tasks", { title, list_id: listId }, 201);
    await page.reload();
    await settled(page);
    await sidebarList(page, "Chores").click();
    await eventually(async () => assert.deepEqual(await topTitles(page), ["One", "Two", "Three"]));
    const calls = apiCalls(page, api);

    const rowOf = (/** @type {string} */ t) => page.locator("[data-testid=task-list] > li[data-testid=task]").filter({ hasText: t });
    await rowOf("Three").dragTo(rowOf("One"));
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Three", "One", "Two"]));
    await eventually(async () => assert.ok(calls.some((c) => /^POST \/api\/tasks\/[0-9a-f-]+\/move 200$/.test(c)), calls.join(", ")));

    await page.getByRole("checkbox", { name: "Two" }).focus();
    await page.keyboard.press("Alt+ArrowUp");
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Three", "Two", "One"]));
    await eventually(async () => assert.equal(calls.filter((c) => /\/move 200$/.test(c)).length, 2, calls.join(", ")));
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.id), await page.getByRole("checkbox", { name: "Two" }).getAttribute("id"), "focus stays on the moved task");
    await page.reload();
    await settled(page);
    await sidebarList(page, "Chores").click();
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Three", "Two", "One"]), 15_000);
  });

  test("deleting a subtask offers Undo (POST /restore): back in its place among its siblings, the badge counts it again; z does the same", async (shown) => {
    const { page, call } = await user({}, shown);
    const parent = await call("POST", "/api/tasks", { title: "Plan the trip" }, 201);
    for (const title of ["Book flights", "Book hotel", "Rent a car"]) await call("POST", "/api/tasks", { title, parent_id: parent.id }, 201);
    await page.reload();
    await settled(page);
    const calls = apiCalls(page, api);
    const row = page.locator(`[data-testid=task][data-task-id="${parent.id}"]`);
    const badge = row.getByTestId("subtask-badge").first();
    await badge.click();
    const subs = row.getByTestId("subtasks").first();
    const subTitles = () => subs.getByTestId("task-title").allInnerTexts();
    await eventually(async () => assert.deepEqual(await subTitles(), ["Rent a car", "Book hotel", "Book flights"]));

    await subs.getByRole("button", { name: "Delete “Book hotel”" }).click();
    await eventually(async () => assert.deepEqual(await subTitles(), ["Rent a car", "Book flights"]));
    await expectText(badge, /0\/2/);
    const toast = page.getByTestId("toast").filter({ hasText: "Deleted “Book hotel”." });
    await shot(page, "subtask-deleted-undo");
    await toast.getByRole("button", { name: "Undo" }).click();
    await eventually(async () => assert.deepEqual(await subTitles(), ["Rent a car", "Book hotel", "Book flights"], "back in its place"));
    await expectText(badge, /0\/3/);
    assert.ok(calls.some((c) => /^POST \/api\/tasks\/[0-9a-f-]+\/restore 200$/.test(c)), `restored through the API: ${calls.join(", ")}`);

    // From the keyboard: z undoes the last delete.
    await subs.getByRole("button", { name: "Delete “Rent a car”" }).click();
    await eventually(async () => assert.deepEqual(await subTitles(), ["Book hotel", "Book flights"]));
    await expectText(page.getByTestId("toast").filter({ hasText: "Deleted “Rent a car”." }), /Deleted “Rent a car”\./);
    await page.mouse.click(5, 5);
    await page.keyboard.press("z");
    await eventually(async () => assert.deepEqual(await subTitles(), ["Rent a car", "Book hotel", "Book flights"]));
    await settled(page);
    const got = await call("GET", `/api/tasks?parent_id=${parent.id}&sort=position&order=asc`);
    assert.deepEqual(got.map((/** @type {{ title: string }} */ t) => t.title), ["Rent a car", "Book hotel", "Book flights"], "restored for good, in their order");
  });

  test("reorder subtasks among their siblings: drag and drop, and keyboard only (Enter on the badge, Tab, Alt+↑/↓), saved with POST /move after a sibling; the parent stays", async (shown) => {
    const { page, call } = await user({}, shown);
    const { id: listId } = await call("POST", "/api/lists", { name: "Trip" }, 201);
    const parent = await call("POST", "/api/tasks", { title: "Plan the trip", list_id: listId }, 201);
    await call("POST", "/api/tasks", { title: "Pack", list_id: listId }, 201);
    for (const title of ["Book flights", "Book hotel", "Rent a car"]) await call("POST", "/api/tasks", { title, parent_id: parent.id }, 201);
    await page.reload();
    await settled(page);
    await sidebarList(page, "Trip").click();
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Pack", "Plan the trip"]));
    const calls = apiCalls(page, api);
    /** saved is the subtasks' order as the API keeps it. */
    const saved = async () => (await call("GET", `/api/tasks?parent_id=${parent.id}&sort=position&order=asc`)).map((/** @type {{ title: string }} */ t) => t.title);
    const row = page.locator(`[data-testid=task][data-task-id="${parent.id}"]`);
    const badge = row.getByTestId("subtask-badge").first();
    const subs = row.getByTestId("subtasks").first();
    const subTitles = () => subs.getByTestId("task-title").allInnerTexts();
    const subRow = (/** @type {string} */ t) => subs.locator("[data-testid=task]").filter({ hasText: t });

    // Keyboard only: open the subtasks with Enter on the badge, Tab to a subtask, Alt+↑/↓.
    await badge.focus();
    await page.keyboard.press("Enter");
    await eventually(async () => assert.deepEqual(await subTitles(), ["Rent a car", "Book hotel", "Book flights"]));
    const target = await page.getByRole("checkbox", { name: "Book flights" }).getAttribute("id");
    for (let i = 0; i < 30 && (await page.evaluate(() => document.activeElement?.id)) !== target; i++) await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.id), target, "Tab reaches the subtask");
    await page.keyboard.press("Alt+ArrowUp");
    await eventually(async () => assert.deepEqual(await subTitles(), ["Rent a car", "Book flights", "Book hotel"]));
    await eventually(async () => assert.equal(calls.filter((c) => /\/move 200$/.test(c)).length, 1, calls.join(", ")));
    assert.equal(await page.evaluate(() => document.activeElement?.id), target, "focus stays on the moved subtask");
    await page.keyboard.press("Alt+ArrowUp");
    await eventually(async () => assert.deepEqual(await subTitles(), ["Book flights", "Rent a car", "Book hotel"]));
    await page.keyboard.press("Alt+ArrowDown");
    await eventually(async () => assert.deepEqual(await subTitles(), ["Rent a car", "Book flights", "Book hotel"]));
    await eventually(async () => assert.equal(calls.filter((c) => /\/move 200$/.test(c)).length, 3, calls.join(", ")));
    assert.deepEqual(await topTitles(page), ["Pack", "Plan the trip"], "Alt+↑ on a subtask moves the subtask, not its parent");
    await settled(page);
    assert.deepEqual(await saved(), ["Rent a car", "Book flights", "Book hotel"], "saved after each key");

    // Drag and drop: "Book hotel" onto "Rent a car"'s place.
    await subRow("Book hotel").dragTo(subRow("Rent a car"));
    await eventually(async () => assert.deepEqual(await subTitles(), ["Book hotel", "Rent a car", "Book flights"]));
    await eventually(async () => assert.equal(calls.filter((c) => /\/move 200$/.test(c)).length, 4, calls.join(", ")));
    assert.deepEqual(await topTitles(page), ["Pack", "Plan the trip"]);
    await shot(page, "subtasks-reordered");
    await settled(page);
    assert.deepEqual(await saved(), ["Book hotel", "Rent a car", "Book flights"], "saved");
    const top = await call("GET", `/api/tasks?list_id=${listId}&top_level=true&sort=position&order=asc`);
    assert.deepEqual(top.map((/** @type {{ title: string }} */ t) => t.title), ["Pack", "Plan the trip"], "the parent did not move");
  });

  test("Upcoming shows every task of the next 7 days, also more than 100 (it pages through the API's Link cursor)", async (shown) => {
    const zone = "America/New_York";
    const today = zoneDate(zone);
    const { page } = await user({ context: { timezoneId: zone }, clock: zonedInstant(today, "09:00", zone) }, shown);
    const token = await tokenOf(page);
    const N = 130;
    // Within the API's per-user rate limit (20/s, bursts of 40): a 429 waits what it says.
    for (let i = 0; i < N; i++) {
      for (;;) {
        const r = await apiFetch(`${api}/api/tasks`, token, { method: "POST", body: JSON.stringify({ title: `Week task ${String(i + 1).padStart(3, "0")}`, due_date: addDays(today, i % 7) }) });
        if (r.status === 429) {
          await new Promise((done) => setTimeout(done, Number(r.headers.get("retry-after") ?? "1") * 1000));
          continue;
        }
        assert.equal(r.status, 201, await r.text());
        break;
      }
    }
    await page.reload();
    await settled(page);
    const calls = apiCalls(page, api);
    await page.getByTestId("view-upcoming").getByRole("button").click();
    await expectText(page.locator("#view-heading"), "Upcoming");
    await eventually(async () => assert.equal(await page.locator("[data-testid=day] [data-testid=task]").count(), N), 20_000);
    await settled(page);
    await expectCount(page.getByRole("button", { name: "Load more" }), 0);
    const perDay = await page.getByTestId("day").evaluateAll((els) => els.map((el) => el.querySelectorAll("[data-testid=task]").length));
    assert.deepEqual(perDay, [19, 19, 19, 19, 18, 18, 18], "seven days, each with all of its tasks");
    assert.ok(calls.some((c) => /^GET \/api\/tasks\?.*cursor=/.test(c)), `the second page by its cursor: ${calls.join(", ")}`);
    await shot(page, "view-upcoming-130");
  });

  test("move a task to another list from its edit dialog; quick add's ~List puts a task into a list", async (shown) => {
    const { page, call } = await user({}, shown);
    await call("POST", "/api/lists", { name: "Groceries" }, 201);
    await call("POST", "/api/lists", { name: "Weekly shop" }, 201);
    await call("POST", "/api/tasks", { title: "Buy stamps" }, 201);
    await page.reload();
    await settled(page);

    await sidebarList(page, "Inbox").click();
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Buy stamps"]));
    await page.getByRole("button", { name: "Edit “Buy stamps”" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.getByLabel("List").selectOption({ label: "Groceries" });
    await dialog.getByRole("button", { name: "Save" }).click();
    await expectText(page.getByTestId("toast").filter({ hasText: "Moved" }), /Moved “Buy stamps” to Groceries\./);
    await expectCount(dialog, 0);
    await eventually(async () => assert.deepEqual(await topTitles(page), []), 15_000);
    await sidebarList(page, "Groceries").click();
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Buy stamps"]));

    // Quick add: "~weekly shop" (any case, a name with a space) is the list, shown as a chip.
    await sidebarList(page, "Inbox").click();
    const quick = page.getByRole("form", { name: "New task" }).getByLabel("Title");
    await quick.fill("Oat milk ~weekly shop !high");
    await eventually(async () => {
      const chips = await page.getByTestId("chip").allInnerTexts();
      assert.ok(chips.some((c) => c.startsWith("List: Weekly shop")), chips.join(" | "));
    });
    await quick.press("Enter");
    await expectText(page.getByTestId("toast").filter({ hasText: "Oat milk" }), /it is in Weekly shop/);
    await sidebarList(page, "Weekly shop").click();
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Oat milk"]));
    // In a list's view, quick add adds to that list.
    await quick.fill("Eggs");
    await quick.press("Enter");
    await eventually(async () => assert.deepEqual(await topTitles(page), ["Eggs", "Oat milk"]));
    await settled(page);
    const tasks = await call("GET", "/api/tasks?q=Eggs");
    const lists = await call("GET", "/api/lists");
    assert.equal(lists.find((/** @type {{ id: string }} */ l) => l.id === tasks[0].list_id)?.name, "Weekly shop");
  });

  test("phone width (390×844) and keyboard only: lists reachable, touch targets ≥ 44 px, axe finds nothing (light and dark)", async (shown) => {
    const { page, call, ctx } = await user({ context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } }, shown);
    const parent = await call("POST", "/api/tasks", { title: "Trip" }, 201);
    await call("POST", "/api/tasks", { title: "Passport", parent_id: parent.id }, 201);
    await call("POST", "/api/lists", { name: "Errands" }, 201);
    await page.reload();
    await settled(page);
    // Keyboard only: the phone's "Add a list" button opens the field with the focus in it.
    assert.equal(await page.getByLabel("New list").isVisible(), false, "on a phone the field waits behind its button");
    await page.getByRole("button", { name: "Add a list" }).focus();
    await page.keyboard.press("Enter");
    await eventually(async () => assert.equal(await page.evaluate(() => document.activeElement?.id), "new-list"));
    await page.keyboard.type("Garden");
    await page.keyboard.press("Enter");
    await expectText(page.locator("#view-heading"), "Garden");
    for (const el of await page.locator("nav[aria-label=Lists] button, [data-testid=list-actions] button, [data-testid=list-actions] select, [data-testid=subtask-badge]").all()) {
      const box = await el.boundingBox();
      if (!box) continue;
      assert.ok(box.height >= 44 && box.width >= 44, `${await el.innerText()}: ${box.width}×${box.height}`);
    }
    await expectNoViolations(page, "list view (phone)");
    await shot(page, "view-list-phone");
    await sidebarList(page, "Inbox").click();
    const row = page.locator(`[data-testid=task][data-task-id="${parent.id}"]`);
    await row.getByTestId("subtask-badge").first().click();
    await expectCount(row.locator("[data-testid=subtasks] [data-testid=task]"), 1);
    await expectNoViolations(page, "subtasks (phone)");
    await shot(page, "view-subtasks-phone");
    await ctx.close();

    const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "dark", storageState: undefined });
    contexts.push(dark);
    const p2 = await dark.newPage();
    shown.page = p2;
    await signUp(p2, web, uniqueEmail("listsdark"));
    await settled(p2);
    await p2.getByLabel("New list").fill("Evening");
    await p2.getByLabel("New list").press("Enter");
    await expectText(p2.locator("#view-heading"), "Evening");
    await expectNoViolations(p2, "list view (dark)");
    await shot(p2, "view-list-dark");
    await p2.getByTestId("view-upcoming").getByRole("button").click();
    await settled(p2);
    await expectNoViolations(p2, "upcoming (dark)");
    await shot(p2, "view-upcoming-dark");
  });
});

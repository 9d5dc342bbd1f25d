// @ts-check
// What a new user of Todoist or Microsoft To Do expects on day one (issue 15), one test per
// expectation, each with a user of its own: undo after delete, the user's own clock and zone,
// quick add, the Completed section, phone width, bulk changes and the summary cards, the
// keyboard, the API going away and coming back, and the calls the app makes.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually, log, noBrowser, resultsDir, sharedEnv } from "./harness.mjs";
import {
  addDays,
  apiCalls,
  alerts,
  apiFetch,
  chipLabels,
  completedToggle,
  createTask,
  expectDue,
  expectCount,
  expectStats,
  expectText,
  openCompleted,
  seed,
  settled,
  trackWrites,
  signUp,
  titles,
  tokenOf,
  uniqueEmail,
  zoneDate,
  zonedInstant,
} from "./helpers.mjs";

/** @typedef {import("playwright-core").Page} Page */
/** @typedef {import("playwright-core").BrowserContext} BrowserContext */
/** @typedef {import("playwright-core").BrowserContextOptions} ContextOptions */

describe("day one (issue 15)", { skip: noBrowser }, () => {
  let web = "";
  let api = "";
  /** @type {import("playwright-core").Browser} */
  let browser;
  /** @type {BrowserContext[]} */
  const contexts = [];
  /** @type {string[]} */
  const pageErrors = [];

  before(async () => {
    ({ browser, web, api } = await sharedEnv());
  }, { timeout: 300_000 });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
  });

  /**
   * user signs a new user up in a context of its own and returns the dashboard, with tasks
   * seeded through the API when given (then reloaded and settled).
   * @param {{ context?: ContextOptions, clock?: Date, tasks?: Array<Record<string, unknown>> }} o
   * @param {{ page?: Page }} shown where the test's failure screenshot is taken
   */
  async function user(o, shown) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", ...o.context });
    contexts.push(ctx);
    ctx.setDefaultTimeout(15_000);
    if (o.clock) await ctx.clock.setFixedTime(o.clock);
    const page = await ctx.newPage();
    trackWrites(page);
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await signUp(page, web, uniqueEmail("dayone"));
    /** @type {Array<{ id: string, title: string }>} */
    let seeded = [];
    if (o.tasks) {
      seeded = await seed(page, api, o.tasks);
      await page.reload();
    }
    await settled(page);
    return { page, ctx, seeded };
  }

  /** test runs fn, and on failure keeps a screenshot of the page it names. */
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

  test("1 undo after delete: one task (POST /restore) and several at once (bulk restore) come back where they were", async (shown) => {
    const { page } = await user({ tasks: [{ title: "Gamma", tags: ["x"] }, { title: "Beta" }, { title: "Alpha" }] }, shown);
    const calls = apiCalls(page, api);
    await eventually(async () => assert.deepEqual(await titles(page), ["Alpha", "Beta", "Gamma"]));

    await page.getByRole("button", { name: "Delete “Beta”" }).click();
    await eventually(async () => assert.deepEqual(await titles(page), ["Alpha", "Gamma"]));
    const toast = page.getByTestId("toast").filter({ hasText: "Deleted “Beta”." });
    await toast.getByRole("button", { name: "Undo" }).click();
    await eventually(async () => assert.deepEqual(await titles(page), ["Alpha", "Beta", "Gamma"], "back in its place"));
    await expectStats(page, { total: 3 });
    assert.ok(calls.some((c) => /^POST \/api\/tasks\/[0-9a-f-]+\/restore 200$/.test(c)), `restored through the API: ${calls.join(", ")}`);

    // Several at once: select, delete, undo with the keyboard (z).
    await page.getByRole("button", { name: "Select", exact: true }).click();
    await page.getByRole("checkbox", { name: "Select “Alpha”" }).check();
    await page.getByRole("checkbox", { name: "Select “Gamma”" }).check();
    await expectText(page.getByTestId("bulk-count"), "2 selected");
    await page.getByRole("toolbar", { name: "Selected tasks" }).getByRole("button", { name: "Delete" }).click();
    await eventually(async () => assert.deepEqual(await titles(page), ["Beta"]));
    await expectText(page.getByTestId("toast").filter({ hasText: "Deleted 2 tasks." }), /Deleted 2 tasks\./);
    await expectStats(page, { total: 1 });
    await page.mouse.click(5, 5);
    await page.keyboard.press("z");
    await eventually(async () => assert.deepEqual(await titles(page), ["Alpha", "Beta", "Gamma"]));
    await expectStats(page, { total: 3 });
    assert.ok(calls.includes("POST /api/tasks/bulk 200"), `bulk calls: ${calls.join(", ")}`);
    await page.reload();
    await settled(page);
    await eventually(async () => assert.deepEqual(await titles(page), ["Alpha", "Beta", "Gamma"], "restored for good"));
  });

  // At 8 pm in New York it is already tomorrow in UTC; at 8 am in Auckland it is still
  // yesterday there. Today, overdue and the labels follow the user's own clock and zone.
  for (const c of [
    { zone: "America/New_York", at: "20:00" },
    { zone: "Pacific/Auckland", at: "08:00" },
  ]) {
    test(`2 dates on the user's clock (${c.zone}, ${c.at}): Today / Tomorrow / weekday, overdue on the local date, tz sent to the API`, async (shown) => {
      const today = zoneDate(c.zone);
      const weekday = new Date(`${addDays(today, 3)}T12:00:00Z`).toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" });
      const { page } = await user({
        context: { timezoneId: c.zone },
        clock: zonedInstant(today, c.at, c.zone),
        tasks: [
          { title: "Due yesterday", due_date: addDays(today, -1) },
          { title: "Due today", due_date: today },
          { title: "Due tomorrow", due_date: addDays(today, 1) },
          { title: "Due in three days", due_date: addDays(today, 3) },
        ],
      }, shown);
        const row = (/** @type {string} */ title) => page.getByTestId("task").filter({ hasText: title });
      const due = (/** @type {string} */ title) => row(title).getByTestId("task-due");
      await expectCount(page.getByTestId("task-due"), 4);
      assert.equal(await due("Due today").getAttribute("data-overdue"), "false", "due today is not overdue at this hour");
      assert.equal(await due("Due yesterday").getAttribute("data-overdue"), "true", "due yesterday is overdue");
      await expectDue(row("Due yesterday"), "Overdue · Yesterday");
      await expectDue(row("Due today"), "Due Today");
      await expectDue(row("Due tomorrow"), "Due Tomorrow");
      await expectDue(row("Due in three days"), `Due ${weekday}`);
      // The API counts on the same local date: only yesterday's task is overdue.
      await expectStats(page, { total: 4, overdue: 1 });

      const calls = apiCalls(page, api);
      await page.getByTestId("stat-overdue").click();
      await eventually(async () => assert.deepEqual(await titles(page), ["Due yesterday"]));
      const tz = encodeURIComponent(c.zone);
      assert.ok(calls.some((x) => x.startsWith("GET /api/tasks?") && x.includes("overdue=true") && x.includes(`tz=${tz}`)), `the overdue filter with tz: ${calls.join(", ")}`);
      // The counts, asked again when the tab regains focus, carry the zone too.
      const stats = page.waitForResponse((r) => r.url().startsWith(`${api}/api/tasks/stats`) && r.request().method() === "GET");
      await page.evaluate(() => window.dispatchEvent(new Event("focus")));
      assert.equal(new URL((await stats).url()).searchParams.get("tz"), c.zone, "the stats with tz");
      await page.reload();
      await settled(page);

      // A due time counts to the minute on the local clock.
      const [h] = c.at.split(":").map(Number);
      const before = `${String((h ?? 12) - 1).padStart(2, "0")}:00`;
      const later = `${String((h ?? 12) + 1).padStart(2, "0")}:00`;
      await seed(page, api, [
        { title: "An hour ago", due_date: today, due_time: before },
        { title: "In an hour", due_date: today, due_time: later },
      ]);
      await page.reload();
      await settled(page);
      await expectDue(row("An hour ago"), new RegExp(`^Overdue · Today ${Number(before.slice(0, 2)) % 12 || 12}:00 [AP]M$`));
      await expectDue(row("In an hour"), new RegExp(`^Due Today ${Number(later.slice(0, 2)) % 12 || 12}:00 [AP]M$`));
      assert.equal(await due("In an hour").getAttribute("data-overdue"), "false");
    });
  }

  test("3 quick add reads dates, times, priority and tags, shows them as chips before saving, keeps words as typed on request; the editor has the due time", async (shown) => {
    const { page } = await user({}, shown);
    const form = page.getByRole("form", { name: "New task" });
    const title = form.getByLabel("Title");
    await title.fill("Pay rent tomorrow 5pm !high #home");
    const chips = form.getByTestId("chip");
    await eventually(async () => assert.deepEqual(await chipLabels(page), ["Tomorrow 5:00 PM", "High priority", "#home"]));
    await title.press("Enter");
    const item = page.getByTestId("task").filter({ hasText: "Pay rent" });
    await expectCount(item, 1);
    await settled(page);
    await expectText(item.getByTestId("task-title"), "Pay rent");
    await expectDue(item, "Due Tomorrow 5:00 PM");
    await expectText(item, /high/i);
    await expectText(item, /#home/);
    const token = await tokenOf(page);
    const id = (await item.getAttribute("data-task-id")) ?? "";
    const saved = /** @type {Record<string, unknown>} */ (await (await apiFetch(`${api}/api/tasks/${id}`, token)).json());
    const tomorrow = await page.evaluate(() => {
      const d = new Date(Date.now() + 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    });
    assert.deepEqual(
      { title: saved.title, due_date: saved.due_date, due_time: saved.due_time, priority: saved.priority, tags: saved.tags },
      { title: "Pay rent", due_date: tomorrow, due_time: "17:00", priority: "high", tags: ["home"] },
    );

    // p1 works too; a chip dismissed keeps its words in the title, as typed.
    await title.fill("Book club friday p1");
    await eventually(async () => assert.deepEqual((await chipLabels(page)).slice(1), ["High priority"]));
    assert.equal(await chips.first().getAttribute("data-kind"), "date");
    await form.getByRole("button", { name: "Keep “friday” as text" }).click();
    await eventually(async () => assert.deepEqual(await chipLabels(page), ["High priority"]));
    await title.press("Enter");
    const club = page.getByTestId("task").filter({ hasText: "Book club friday" });
    await expectCount(club, 1);
    await settled(page);
    await expectText(club.getByTestId("task-title"), "Book club friday");
    assert.equal(await club.getByTestId("task-due").count(), 0, "no due date");

    // The editor shows and changes the due time.
    await page.getByRole("button", { name: "Edit “Pay rent”" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    assert.equal(await dialog.getByLabel("Due time").inputValue(), "17:00");
    await dialog.getByLabel("Due time").fill("18:30");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expectCount(dialog, 0);
    await expectDue(item, "Due Tomorrow 6:30 PM");
  });

  test("4 completed tasks fold into a Completed (n) section at the end of the view", async (shown) => {
    const { page } = await user({ tasks: [{ title: "Three" }, { title: "Two" }, { title: "One" }] }, shown);
    assert.equal(await completedToggle(page).count(), 0, "no section while nothing is completed");
    await page.getByRole("checkbox", { name: "Two" }).click();
    await eventually(async () => assert.deepEqual(await titles(page), ["One", "Three"]));
    await expectText(completedToggle(page), "Completed (1)");
    assert.equal(await completedToggle(page).getAttribute("aria-expanded"), "false");
    await page.getByRole("checkbox", { name: "One" }).click();
    await expectText(completedToggle(page), "Completed (2)");
    await settled(page);
    await page.reload();
    await settled(page);
    await eventually(async () => assert.deepEqual(await titles(page), ["Three"], "folded after a reload too"));
    await openCompleted(page);
    await eventually(async () => assert.deepEqual(await titles(page), ["Three", "One", "Two"], "at the end of the view"));
    const sectionTop = await page.getByTestId("section-done").evaluate((el) => el.getBoundingClientRect().top);
    const threeBottom = await page.getByTestId("task").filter({ hasText: "Three" }).evaluate((el) => el.getBoundingClientRect().bottom);
    assert.ok(sectionTop >= threeBottom, "below the open tasks");
    await page.getByRole("checkbox", { name: "Two" }).click();
    await eventually(async () => assert.deepEqual(await titles(page), ["Two", "Three", "One"], "reopened: back with the open tasks"));
    await expectText(completedToggle(page), "Completed (1)");
  });

  test("5 phone width (390×844): at least 5 tasks above the fold, 44 px touch targets, the add box within reach, filters in a sheet", async (shown) => {
    const tasks = Array.from({ length: 10 }, (_, i) => ({
      title: `Phone task ${String(10 - i).padStart(2, "0")}`,
      ...(i % 3 === 0 ? { due_date: addDays(zoneDate("UTC"), i), tags: ["home"] } : {}),
      ...(i % 4 === 0 ? { priority: "high" } : {}),
    }));
    const { page } = await user({ context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, tasks }, shown);
    await page.evaluate(() => window.scrollTo(0, 0));
    const fold = await page.evaluate(() => {
      const rows = [...document.querySelectorAll("[data-testid=task]")].map((r) => r.getBoundingClientRect());
      return { above: rows.filter((r) => r.top >= 0 && r.bottom <= window.innerHeight).length, firstTop: rows[0]?.top ?? -1, rowHeight: rows[0]?.height ?? -1 };
    });
    log(`phone: ${fold.above} tasks above the fold of 844 px (first at ${fold.firstTop.toFixed(0)} px, ${fold.rowHeight.toFixed(0)} px a row)`);
    assert.ok(fold.above >= 5, `only ${fold.above} tasks above the fold`);

    const small = await page.evaluate(() =>
      [...document.querySelectorAll("main button, main input, main select, nav button, header button, [data-testid=task] input")]
        .filter((el) => /** @type {HTMLElement} */ (el).offsetParent !== null)
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ el, r }) => (r.width < 44 || r.height < 44) && !el.closest("[data-testid=task] .flex-wrap"))
        .map(({ el, r }) => `${el.tagName.toLowerCase()} “${el.getAttribute("aria-label") ?? /** @type {HTMLElement} */ (el).innerText ?? ""}” ${r.width.toFixed(0)}×${r.height.toFixed(0)}`),
    );
    assert.deepEqual(small, [], "every touch target is at least 44×44 px");

    const add = page.getByRole("form", { name: "New task" }).getByLabel("Title");
    const inView = async () => add.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; });
    assert.ok(await inView(), "the add box is on screen");
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await eventually(async () => assert.ok(await inView(), "the add box stays within reach when scrolled"));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);

    await page.getByRole("button", { name: "Filters" }).click();
    const sheet = page.getByRole("dialog", { name: "Filters" });
    await sheet.getByLabel("Priority").selectOption("high");
    await sheet.getByRole("button", { name: "Done" }).click();
    await expectCount(sheet, 0);
    await eventually(async () => assert.deepEqual(await titles(page), ["Phone task 02", "Phone task 06", "Phone task 10"]));
  });

  test("6 several tasks at once: complete, tag and delete through POST /api/tasks/bulk; the Overdue card opens the overdue tasks", async (shown) => {
    const today = zoneDate("UTC");
    const { page } = await user({
      tasks: [
        { title: "Late one", due_date: addDays(today, -3) },
        { title: "Late two", due_date: addDays(today, -1) },
        { title: "On time", due_date: addDays(today, 2) },
        { title: "Whenever" },
      ],
    }, shown);
    const calls = apiCalls(page, api);
    await page.getByRole("button", { name: "Select", exact: true }).click();
    const bar = page.getByRole("toolbar", { name: "Selected tasks" });
    await page.getByRole("checkbox", { name: "Select “Whenever”" }).check();
    await page.getByRole("checkbox", { name: "Select “On time”" }).check();
    await bar.getByRole("button", { name: "Tag…" }).click();
    await bar.getByLabel("Tags to add").fill("batch, Later");
    await bar.getByRole("button", { name: "Add tags" }).click();
    await expectCount(page.getByTestId("task").filter({ hasText: "#batch" }), 2);
    await expectCount(page.getByTestId("task").filter({ hasText: "#later" }), 2);

    await page.getByRole("button", { name: "Select", exact: true }).click();
    await page.getByRole("checkbox", { name: "Select “Whenever”" }).check();
    await page.getByRole("checkbox", { name: "Select “On time”" }).check();
    await bar.getByRole("button", { name: "Complete" }).click();
    await eventually(async () => assert.deepEqual(await titles(page), ["Late one", "Late two"].reverse()));
    await expectStats(page, { total: 4, completed: 2, pending: 2, overdue: 2 });
    assert.equal(calls.filter((c) => c === "POST /api/tasks/bulk 200").length, 2, `one request per bulk action: ${calls.join(", ")}`);
    await page.reload();
    await settled(page);
    await openCompleted(page);
    await expectCount(page.getByTestId("task").filter({ hasText: "#batch" }), 2);
    assert.equal(await page.getByTestId("task").filter({ hasText: "Whenever" }).getAttribute("data-completed"), "true");

    await page.getByTestId("stat-overdue").click();
    await expectText(page.locator("#view-heading"), "Overdue");
    assert.equal(await page.getByTestId("stat-overdue").getAttribute("aria-current"), "page");
    await eventually(async () => assert.deepEqual(await titles(page), ["Late two", "Late one"]));
    await page.getByTestId("stat-total").click();
    await expectText(page.locator("#view-heading"), "All tasks");
    await eventually(async () => assert.deepEqual((await titles(page)).slice(0, 2), ["Late two", "Late one"]));
  });

  test("6 keyboard only: n adds, / searches, j/k move, c completes, e edits, Delete deletes, z undoes, ? shows the shortcuts", async (shown) => {
    const { page } = await user({}, shown);
    await page.mouse.click(5, 5);
    await page.keyboard.press("n");
    await page.keyboard.type("Keys one");
    await page.keyboard.press("Enter");
    await page.keyboard.type("Keys two");
    await page.keyboard.press("Enter");
    await page.keyboard.type("Keys three");
    await page.keyboard.press("Enter");
    await expectCount(page.getByTestId("task"), 3);
    await settled(page);
    await page.keyboard.press("Escape"); // leaves the field
    const focused = () => page.evaluate(() => document.activeElement?.closest("[data-testid=task]")?.querySelector("[data-testid=task-title]")?.textContent ?? "");
    await page.keyboard.press("j");
    assert.equal(await focused(), "Keys three");
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    assert.equal(await focused(), "Keys one");
    await page.keyboard.press("k");
    assert.equal(await focused(), "Keys two");

    await page.keyboard.press("c");
    await eventually(async () => assert.deepEqual(await titles(page), ["Keys three", "Keys one"], "completed into the folded section"));
    await expectText(completedToggle(page), "Completed (1)");
    await settled(page);
    await eventually(async () => assert.equal(await focused(), "Keys one", "completed into the folded section: focus on the next task"));
    await page.keyboard.press("k");
    assert.equal(await focused(), "Keys three");
    await page.keyboard.press("e");
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await expectCount(dialog, 1);
    assert.equal(await dialog.getByLabel("Title").evaluate((el) => el === document.activeElement), true, "focus in the title");
    await page.keyboard.press("Escape");
    await expectCount(dialog, 0);
    assert.equal(await focused(), "Keys three", "focus back on the task");

    await page.keyboard.press("Delete");
    await eventually(async () => assert.deepEqual(await titles(page), ["Keys one"]));
    await expectText(page.getByTestId("toast").filter({ hasText: "Deleted" }), /Deleted “Keys three”/);
    assert.equal(await focused(), "Keys one", "focus on the neighbour");
    await page.keyboard.press("z");
    await eventually(async () => assert.deepEqual(await titles(page), ["Keys three", "Keys one"]));

    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "search");
    await page.keyboard.type("three");
    await eventually(async () => assert.deepEqual(await titles(page), ["Keys three"]));
    await page.keyboard.press("Escape");
    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expectCount(help, 1);
    await expectText(help, /Next task/);
    await page.keyboard.press("Escape");
    await expectCount(help, 0);
  });

  test("7 the API stopped: skeletons, one message, automatic retries with back-off, a Retry button; restarted: the tasks come back by themselves", async (shown) => {
    const { page } = await user({ tasks: [{ title: "Still here" }] }, shown);
    // Skeletons while the first page is on its way.
    /** @type {() => void} */
    let release = () => {};
    const held = new Promise((r) => (release = () => r(undefined)));
    await page.route((u) => u.href.startsWith(`${api}/api/tasks?`), async (route) => {
      if (route.request().method() !== "GET") return route.continue();
      await held;
      return route.continue();
    });
    await page.getByTestId("stat-pending").click();
    await expectCount(page.getByTestId("skeleton"), 1);
    assert.equal(await page.locator("#task-list").getAttribute("aria-busy"), "true");
    release();
    await expectCount(page.getByTestId("skeleton"), 0);
    await eventually(async () => assert.deepEqual(await titles(page), ["Still here"]));
    await page.unrouteAll();

    // The API stops: every request is refused, as by a closed port.
    /** @type {number[]} */
    const attempts = [];
    await page.route((u) => u.href.startsWith(`${api}/`), (route) => {
      if (route.request().method() === "GET" && route.request().url().includes("/api/tasks?") && route.request().url().includes("status=pending")) attempts.push(Date.now());
      return route.abort("connectionrefused");
    });
    // The page's first screen came from the server; the next view is the browser's to read.
    await page.getByTestId("stat-total").click();
    await expectCount(page.getByTestId("problem"), 1);
    await expectText(page.getByTestId("problem").getByRole("alert"), /Could not reach the server/);
    await eventually(async () => assert.ok(attempts.length >= 4, `${attempts.length} attempts`), 40_000);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] ?? 0));
    log(`retries while the API was away, ms apart: ${gaps.join(", ")}`);
    // Backing off: 1, 2, then 4 s between attempts at least (a busy machine only adds to them).
    assert.ok((gaps[0] ?? 0) >= 950 && (gaps[1] ?? 0) >= 1900 && (gaps[2] ?? 0) >= 3800, `backing off: ${gaps.join(", ")} ms`);
    assert.equal(await alerts(page).count(), 1, "one message, not one per failed request");
    assert.equal(await page.getByTestId("toast").count(), 0, "no toasts stacked up");
    const before = attempts.length;
    await page.getByTestId("problem").getByRole("button", { name: "Retry" }).click();
    await eventually(async () => assert.ok(attempts.length > before, "Retry tries at once"));
    assert.equal(await alerts(page).count(), 1);

    // The API is back: the next automatic attempt brings the tasks, no click needed.
    await page.unrouteAll();
    await eventually(async () => assert.deepEqual(await titles(page), ["Still here"]), 40_000);
    await expectCount(page.getByTestId("problem"), 0);
    await expectStats(page, { total: 1 });
  });

  test("9 fewer calls: preconnect to the API, counts refreshed with If-None-Match (304), two calls per create or toggle", async (shown) => {
    const { page } = await user({ tasks: [{ title: "Counted", tags: ["a"] }] }, shown);
    const html = await (await page.request.get(`${web}/dashboard`)).text();
    const preconnect = /<link[^>]*rel="preconnect"[^>]*>/.exec(html)?.[0] ?? "";
    assert.ok(preconnect.includes(`href="${api}`) && preconnect.includes("crossorigin"), `preconnect to the API in the page: ${preconnect}`);
    // This counts the calls a write makes. The live stream's reads (the view again with its
    // ETags, on the event of this very write) are live.e2e.mjs's: here the stream is kept shut.
    await page.route(`${api}/api/events`, (route) => route.abort("connectionrefused"));
    await page.reload();
    await settled(page);
    await page.locator('[data-testid=live-status][data-live="down"]').waitFor({ state: "attached" });

    const calls = apiCalls(page, api);
    await page.getByRole("checkbox", { name: "Counted" }).click();
    await expectStats(page, { completed: 1 });
    await settled(page);
    assert.deepEqual(calls.map((c) => c.replace(/[0-9a-f-]{36}/, "{id}").replace(/\?.*? /, "? ")), ["PATCH /api/tasks/{id}/complete 200", "GET /api/tasks/stats? 200"]);

    calls.length = 0;
    const form = page.getByRole("form", { name: "New task" });
    await form.getByLabel("Title").fill("Another");
    await form.getByLabel("Title").press("Enter");
    await expectStats(page, { total: 2 });
    await settled(page);
    assert.deepEqual(calls.map((c) => c.replace(/\?.*? /, "? ")), ["POST /api/tasks 201", "GET /api/tasks/stats? 200"]);

    // Back to the tab: the counts are asked again with the last ETag. (The stats' ETag also
    // moves with the minute, so a minute turning in between makes one 200: ask again.)
    await eventually(async () => {
      const revalidated = page.waitForResponse((r) => r.url().startsWith(`${api}/api/tasks/stats`) && r.request().method() === "GET");
      await page.evaluate(() => window.dispatchEvent(new Event("focus")));
      const r = await revalidated;
      assert.ok((await r.request().headerValue("if-none-match"))?.startsWith('W/"'), "sent with the ETag of the last answer");
      assert.equal(r.status(), 304, "unchanged counts cost a 304");
    }, 130_000);
    await expectStats(page, { total: 2, completed: 1 });
  });

  test("9 the first screen hydrates without formatting a date in the browser (no Intl: ICU's first use costs 50–100 ms); the zone is asked again only when the clock's offset changes", async (shown) => {
    const today = zoneDate("America/New_York");
    const far = addDays(today, 20);
    const { page, ctx } = await user({
      context: { timezoneId: "America/New_York" },
      tasks: [
        { title: "Due today at five", due_date: today, due_time: "17:00" },
        { title: "Due tomorrow", due_date: addDays(today, 1) },
        { title: "Due in three days", due_date: addDays(today, 3) },
        { title: "Due in twenty days", due_date: far },
      ],
    }, shown);
    // Count every way a page can reach ICU's date formatting, from before the page's own scripts.
    await ctx.addInitScript(() => {
      /** @type {string[]} */
      const used = [];
      Object.assign(window, { __intlUsed: used });
      const DTF = Intl.DateTimeFormat;
      Intl.DateTimeFormat = /** @type {typeof Intl.DateTimeFormat} */ (
        new Proxy(DTF, {
          construct: (t, args) => (used.push(`new Intl.DateTimeFormat(${JSON.stringify(args)})`), Reflect.construct(t, args)),
          apply: (t, self, args) => (used.push(`Intl.DateTimeFormat(${JSON.stringify(args)})`), Reflect.apply(t, self, args)),
        })
      );
      for (const m of /** @type {const} */ (["toLocaleDateString", "toLocaleTimeString", "toLocaleString"])) {
        const orig = Date.prototype[m];
        Date.prototype[m] = function (/** @type {any[]} */ ...args) {
          used.push(`Date.${m}`);
          return orig.apply(this, /** @type {any} */ (args));
        };
      }
    });
    const hydrated = () =>
      eventually(async () =>
        assert.ok(
          await page.getByTestId("task").first().evaluate((el) => Object.keys(el).some((k) => k.startsWith("__reactFiber"))),
          "the list is hydrated",
        ),
      );
    // Effects run once the hydrated tree is committed: wait for a frame and a task after it.
    const effectsRun = () => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
    const intlUsed = () => page.evaluate(() => /** @type {string[]} */ (/** @type {any} */ (window).__intlUsed));
    const weekday = new Date(`${addDays(today, 3)}T12:00:00Z`).toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" });
    const farLabel = new Date(`${far}T12:00:00Z`).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC", ...(far.slice(0, 4) === today.slice(0, 4) ? {} : { year: "numeric" }) });

    await page.reload();
    await hydrated();
    await effectsRun();
    const row = (/** @type {string} */ title) => page.getByTestId("task").filter({ hasText: title });
    await expectDue(row("Due today at five"), /^(Due|Overdue ·) Today 5:00 PM$/);
    await expectDue(row("Due tomorrow"), "Due Tomorrow");
    await expectDue(row("Due in three days"), `Due ${weekday}`);
    await expectDue(row("Due in twenty days"), `Due ${farLabel}`);
    assert.deepEqual(await intlUsed(), [], "hydrating the first screen formatted dates in the browser");

    // The zone is asked again (one formatter) when the clock's offset is not the one it was written with.
    await ctx.addCookies([{ name: "tzo", value: "12345", url: web }]);
    await page.reload();
    await hydrated();
    await effectsRun();
    await eventually(async () => assert.equal((await ctx.cookies(web)).find((c) => c.name === "tzo")?.value, String(await page.evaluate(() => new Date().getTimezoneOffset()))));
    assert.equal((await ctx.cookies(web)).find((c) => c.name === "tz")?.value, encodeURIComponent("America/New_York"));
    assert.deepEqual(await intlUsed(), ["Intl.DateTimeFormat([])"], "the zone, asked once");

    // A label the server did not write is made in the browser (the counting above can see it).
    await createTask(page, { title: "Book the dentist", due: addDays(today, 14) });
    await expectCount(row("Book the dentist"), 1, 30_000);
    await eventually(async () => assert.ok((await intlUsed()).some((u) => u.startsWith("new Intl.DateTimeFormat")), `a new label is formatted: ${await intlUsed()}`));
  });

  test("9 the first screen is in the page's first paint: its rows are shown without scripts, and loading moves nothing (no layout shift)", async (shown) => {
    // Lighthouse's dashboard: 30 tasks on a phone. A row that is not in the first frame makes
    // the largest paint wait for the scripts, and what it pushes down counts as layout shift.
    const tasks = Array.from({ length: 30 }, (_, i) => ({
      title: `First paint task ${String(i + 1).padStart(2, "0")} with a realistic title`,
      ...(i % 3 === 0 ? { due_date: addDays(zoneDate("UTC"), (i % 9) - 3) } : {}),
      ...(i % 4 === 0 ? { tags: ["home", "errands"].slice(0, 1 + (i % 2)) } : {}),
      ...(i % 5 === 0 ? { priority: "high" } : {}),
      ...(i % 6 === 0 ? { completed: true } : {}),
    }));
    const phone = { viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true };
    const { page, ctx } = await user({ context: phone, tasks }, shown);

    // Scripts off: what the HTML alone shows (React's streamed Suspense boundaries are revealed by script).
    const bare = await browser.newContext({ ...phone, locale: "en-US", javaScriptEnabled: false, storageState: await ctx.storageState() });
    contexts.push(bare);
    const html = await bare.newPage();
    shown.page = html;
    await html.goto(`${web}/dashboard`);
    const rows = html.getByTestId("task");
    assert.equal(await rows.count(), 20, "the first page of rows (PAGE_SIZE) is in the HTML");
    assert.ok(await rows.first().isVisible(), "the first row is shown without scripts");
    assert.equal(await html.getByTestId("task-title").first().textContent(), "First paint task 30 with a realistic title");
    // …and so is everything above them: a part that came later would push the rows down.
    for (const [what, el] of /** @type {const} */ ([
      ["the views with their counts", html.getByRole("button", { name: /^All\s*30$/ })],
      ["the lists", html.getByRole("button", { name: "Inbox" })],
      ["the add box", html.getByRole("form", { name: "New task" }).getByLabel("Title")],
      ["the filters", html.getByRole("button", { name: "Filters" })],
    ]))
      assert.ok(await el.isVisible(), `${what}: shown without scripts`);

    // Scripts on: from the first paint to hydrated and settled, nothing on screen moves.
    shown.page = page;
    await ctx.addInitScript(() => {
      /** @type {string[]} */
      const shifts = [];
      Object.assign(window, { __shifts: shifts });
      new PerformanceObserver((l) => {
        for (const e of /** @type {any[]} */ (l.getEntries())) {
          if (e.hadRecentInput) continue;
          const what = (e.sources ?? []).map((/** @type {any} */ s) => `${s.node?.nodeName ?? "?"} "${(s.node?.textContent ?? "").trim().slice(0, 20)}" y ${s.previousRect.y}→${s.currentRect.y}`);
          shifts.push(`${e.value.toFixed(4)} at ${e.startTime.toFixed(0)} ms: ${what.join("; ")}`);
        }
      }).observe({ type: "layout-shift", buffered: true });
    });
    await page.reload();
    await eventually(async () =>
      assert.ok(await page.getByTestId("task").first().evaluate((el) => Object.keys(el).some((k) => k.startsWith("__reactFiber"))), "the list is hydrated"),
    );
    await settled(page);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
    assert.deepEqual(await page.evaluate(() => /** @type {string[]} */ (/** @type {any} */ (window).__shifts)), [], "layout shifts while the dashboard loads");
  });

  test("no uncaught errors in the pages", async () => {
    assert.deepEqual(pageErrors, []);
  });
});

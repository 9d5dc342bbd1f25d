// @ts-check
// The product end to end, in Debian's Chromium: sign up, manage tasks, isolation between users,
// token renewal, sign out. Run with `make test-e2e` (or `npm run test:e2e` in web/).
//
// The steps share one stack and build on each other (the first user's tasks), so they run in
// order and a failed step skips the rest. Screenshots and the servers' logs land in
// web/test-results/.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually, log, noBrowser, resultsDir, sharedEnv } from "./harness.mjs";
import {
  PASSWORD,
  apiFetch,
  completedToggle,
  createTask,
  dues,
  expectCount,
  expectStats,
  expectText,
  openCompleted,
  settled,
  signUp,
  titles,
  tokenOf,
  uniqueEmail,
  utcDate,
} from "./helpers.mjs";

/** @typedef {import("playwright-core").Page} Page */

describe("todo web app", { skip: noBrowser }, () => {
  /** @type {import("playwright-core").Browser} */
  let browser;
  /** @type {import("playwright-core").BrowserContext} */
  let ctxA;
  /** @type {Page} */
  let page;
  /** The page a failing step's screenshot shows. */
  /** @type {Page | undefined} */
  let shown;
  /** @type {string[]} */
  const pageErrors = [];
  let broken = false;
  let web = "";
  let api = "";
  let taskIdA = "";
  const emailA = uniqueEmail("alice");

  /** step is one test; after a failure the rest are skipped (they build on each other). */
  const step = (/** @type {string} */ name, /** @type {() => Promise<void>} */ fn) =>
    it(name, async (t) => {
      if (broken) return t.skip("an earlier step failed");
      shown = page;
      try {
        await fn();
      } catch (e) {
        broken = true;
        const file = path.join(resultsDir, `failed-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.png`);
        await shown?.screenshot({ path: file, fullPage: true }).catch(() => {});
        log(`screenshot of the failure: ${file}`);
        throw e;
      }
    });

  before(async () => {
    ({ browser, web, api } = await sharedEnv());
    ctxA = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    ctxA.setDefaultTimeout(15_000);
    page = await ctxA.newPage();
    page.on("pageerror", (e) => pageErrors.push(String(e)));
  }, { timeout: 300_000 });

  after(async () => {
    await ctxA?.close().catch(() => {});
  }, { timeout: 60_000 });

  step("the dashboard sends a visitor to sign in; signing up lands on an empty dashboard", async () => {
    await page.goto(`${web}/dashboard`);
    await page.waitForURL(`${web}/sign-in`);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(`${web}/sign-up`);
    await signUp(page, web, emailA);
    await expectText(page.getByTestId("empty"), /Nothing to do yet/);
    await expectStats(page, { total: 0, pending: 0, completed: 0, overdue: 0 });
  });

  step("creates three tasks, the overdue one highlighted", async () => {
    await createTask(page, { title: "Buy milk", priority: "high", due: utcDate(-2), tags: "Home, errands" });
    await createTask(page, { title: "Write report", priority: "medium", due: utcDate(7), tags: "work" });
    await createTask(page, { title: "Call mom", priority: "low", due: "", tags: "" });
    await expectCount(page.getByTestId("task"), 3);
    await settled(page);
    assert.deepEqual(await titles(page), ["Call mom", "Write report", "Buy milk"]);
    const milk = page.getByTestId("task").filter({ hasText: "Buy milk" });
    await expectText(milk.getByTestId("task-due"), /^Overdue/);
    assert.equal(await milk.getByTestId("task-due").getAttribute("data-overdue"), "true");
    assert.equal(await milk.getByRole("button", { name: "Show tasks tagged home" }).count(), 1, "tags are lower-cased by the API");
    await expectStats(page, { total: 3, pending: 3, completed: 0, overdue: 1 });
    taskIdA = (await milk.getAttribute("data-task-id")) ?? "";
    assert.match(taskIdA, /^[0-9a-f-]{36}$/);
  });

  step("a new task the API refuses is taken back, and the reason shown under its field", async () => {
    const form = page.getByRole("form", { name: "New task" });
    await form.getByText("More options").click(); // fold: the error must unfold it
    await createTask(page, { title: "Too long a tag", tags: "x".repeat(40) });
    await expectText(form.locator(".field-error"), /32 characters/);
    assert.equal(await form.locator("details").evaluate((d) => /** @type {HTMLDetailsElement} */ (d).open), true);
    assert.equal(await form.getByLabel("Tags").getAttribute("aria-invalid"), "true");
    assert.equal(await form.getByLabel("Title").inputValue(), "Too long a tag", "the typed values are given back");
    await expectCount(page.getByTestId("task"), 3);
    await form.getByLabel("Title").fill("");
    await form.getByLabel("Tags").fill("");
    await form.getByText("More options").click();
  });

  step("toggles one complete", async () => {
    await page.getByRole("checkbox", { name: "Write report" }).click();
    await expectStats(page, { total: 3, pending: 2, completed: 1 });
    await eventually(async () => assert.deepEqual(await titles(page), ["Call mom", "Buy milk"], "moved out of the open tasks"));
    await expectText(completedToggle(page), "Completed (1)");
    assert.equal(await completedToggle(page).getAttribute("aria-expanded"), "false", "the Completed section starts folded");
    await settled(page);
    await completedToggle(page).click();
    assert.equal(await page.getByTestId("task").filter({ hasText: "Write report" }).getAttribute("data-completed"), "true");
    await completedToggle(page).click(); // folded again, as first seen
    await page.locator("form[aria-label='New task'] details").evaluate((d) => d.removeAttribute("open")); // folded, as first seen
    await page.mouse.click(5, 5); // nothing focused or hovered
    await page.screenshot({ path: path.join(resultsDir, "dashboard.png"), fullPage: true });
  });

  step("the summary cards open their views (also by keyboard); completed tasks fold at the end of All", async () => {
    await page.getByTestId("stat-pending").click();
    await eventually(async () => assert.deepEqual(await titles(page), ["Call mom", "Buy milk"]));
    await expectText(page.locator("#view-heading"), "Pending");
    await page.getByTestId("stat-completed").focus();
    await page.keyboard.press("Enter");
    assert.equal(await page.getByTestId("stat-completed").getAttribute("aria-current"), "page");
    await eventually(async () => assert.deepEqual(await titles(page), ["Write report"]));
    await page.getByTestId("stat-total").click();
    await eventually(async () => assert.deepEqual(await titles(page), ["Call mom", "Buy milk"]));
    await openCompleted(page);
    await eventually(async () => assert.deepEqual(await titles(page), ["Call mom", "Buy milk", "Write report"]));
  });

  step("searches, and filters by priority and tag", async () => {
    await page.getByLabel("Search tasks").fill("MILK");
    await eventually(async () => assert.deepEqual(await titles(page), ["Buy milk"]));
    await page.getByLabel("Search tasks").fill("");
    await expectCount(page.getByTestId("task"), 3);
    const filters = page.getByRole("region", { name: "Filters" });
    await filters.getByLabel("Priority").selectOption("high");
    await eventually(async () => assert.deepEqual(await titles(page), ["Buy milk"]));
    await filters.getByLabel("Priority").selectOption("");
    await filters.getByLabel("Tag").selectOption("work");
    await eventually(async () => assert.deepEqual(await titles(page), ["Write report"]));
    await filters.getByRole("button", { name: "Clear filters" }).click();
    await filters.getByLabel("Sort").selectOption("title");
    await eventually(async () => assert.deepEqual(await titles(page), ["Buy milk", "Call mom", "Write report"]));
    await filters.getByLabel("Sort").selectOption("newest");
    await expectCount(page.getByTestId("task"), 3);
  });

  step("edits a task; a field the API refuses is shown next to the field and rolled back", async () => {
    await page.getByRole("button", { name: "Edit “Call mom”" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.getByLabel("Title").fill("x".repeat(201));
    await dialog.getByRole("button", { name: "Save" }).click();
    await expectText(dialog.locator(".field-error"), /200/);
    assert.equal(await dialog.getByLabel("Title").getAttribute("aria-invalid"), "true");
    await expectCount(page.getByTestId("task").filter({ hasText: "Call mom" }), 1); // rolled back

    await dialog.getByLabel("Title").fill("Call mom and dad");
    await dialog.getByLabel("Description").fill("Sunday afternoon");
    await dialog.getByLabel("Priority").selectOption("high");
    await dialog.getByLabel("Due date").fill(utcDate(3));
    await dialog.getByLabel("Tags").fill("family");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expectCount(dialog, 0);
    const item = page.getByTestId("task").filter({ hasText: "Call mom and dad" });
    await expectCount(item, 1);
    await settled(page);
    await expectText(item, /Sunday afternoon/);
    await expectText(item, /#family/);
    await expectText(item, /high/i);
  });

  step("deletes a task", async () => {
    await page.getByRole("button", { name: "Delete “Buy milk”" }).click();
    await expectCount(page.getByTestId("task").filter({ hasText: "Buy milk" }), 0);
    await expectText(page.getByTestId("toast").first(), /Deleted “Buy milk”/);
    await expectStats(page, { total: 2, pending: 1, completed: 1, overdue: 0 });
  });

  step("a change that does not reach the API is undone, with a message", async () => {
    // The connection drops after a second: long enough to see the change shown before the answer.
    await page.route(`${api}/api/tasks/**`, (route) =>
      route.request().method() === "OPTIONS" ? route.continue() : setTimeout(() => void route.abort("internetdisconnected"), 1000),
    );
    try {
      const box = page.getByRole("checkbox", { name: "Call mom and dad" });
      await box.click();
      assert.equal(await box.isChecked(), true, "shown completed at once");
      await eventually(async () => assert.equal(await box.isChecked(), false, "toggle rolled back"));
      await expectText(page.getByRole("alert").filter({ hasText: "Could not reach the server" }).first(), /Could not reach/);

      await page.getByRole("button", { name: "Delete “Write report”" }).click();
      assert.deepEqual(await titles(page), ["Call mom and dad"], "removed at once");
      await eventually(async () => assert.deepEqual(await titles(page), ["Call mom and dad", "Write report"], "delete rolled back"));
      await expectStats(page, { total: 2, pending: 1, completed: 1 });
    } finally {
      await page.unrouteAll();
    }
    const dismiss = page.getByRole("button", { name: "Dismiss" });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
  });

  step("after a reload everything is still there", async () => {
    await page.reload();
    await expectCount(page.getByTestId("task"), 1);
    // Counted rows may still be hidden: React's server render can stream a section in a hidden
    // <div> and reveal it a moment later, so wait for what is on screen.
    await eventually(async () => assert.deepEqual(await titles(page), ["Call mom and dad"], "the completed one is folded away"));
    await openCompleted(page);
    await eventually(async () => assert.deepEqual(await titles(page), ["Call mom and dad", "Write report"]));
    const call = page.getByTestId("task").filter({ hasText: "Call mom and dad" });
    await expectText(call, /Sunday afternoon/);
    await expectText(call, /#family/);
    assert.equal(await page.getByRole("checkbox", { name: "Write report" }).isChecked(), true);
    await expectStats(page, { total: 2, pending: 1, completed: 1, overdue: 0 });
    taskIdA = (await call.getAttribute("data-task-id")) ?? "";
  });

  step("works at phone width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await expectCount(page.getByTestId("task"), 2);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 390px`);
    await page.screenshot({ path: path.join(resultsDir, "dashboard-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  step("works from the keyboard alone", async () => {
    const title = page.getByRole("form", { name: "New task" }).getByLabel("Title");
    await title.focus();
    await page.keyboard.type("Keyboard task");
    await page.keyboard.press("Enter");
    const item = page.getByTestId("task").filter({ hasText: "Keyboard task" });
    await expectCount(item, 1);
    await settled(page);
    assert.ok(await title.evaluate((el) => el === document.activeElement), "focus stays in the title field for the next task");

    await page.getByRole("checkbox", { name: "Keyboard task" }).focus();
    await page.keyboard.press("Space");
    await eventually(async () => assert.equal(await item.getAttribute("data-completed"), "true"));
    await settled(page);
    // It went to the Completed section: open it, from the keyboard too.
    if ((await completedToggle(page).getAttribute("aria-expanded")) === "false") {
      await completedToggle(page).focus();
      await page.keyboard.press("Enter");
    }

    const edit = page.getByRole("button", { name: "Edit “Keyboard task”" });
    await edit.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await expectCount(dialog, 1);
    assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), "focus moves into the dialog");
    await page.keyboard.press("Escape");
    await expectCount(dialog, 0);

    await page.getByRole("button", { name: "Delete “Keyboard task”" }).focus();
    await page.keyboard.press("Enter");
    await expectCount(item, 0);
    await eventually(async () =>
      assert.ok(await page.evaluate(() => document.activeElement?.getAttribute("type") === "checkbox"), "focus moves to a neighbouring task"),
    );
    await expectStats(page, { total: 2, pending: 1, completed: 1 });
  });

  step("a task added while the list is still loading is kept", async () => {
    // The view's first page is read before the new task is saved and arrives after.
    let delayed = 0;
    await page.route(
      (url) => url.href.startsWith(`${api}/api/tasks?`),
      async (route) => {
        if (route.request().method() !== "GET") return route.continue();
        delayed++;
        const response = await route.fetch(); // the list as it is before the new task…
        await new Promise((r) => setTimeout(r, 1500)); // …arrives after it was saved
        await route.fulfill({ response });
      },
    );
    try {
      await page.getByTestId("stat-pending").click();
      await createTask(page, { title: "Added early" });
      await eventually(async () => assert.deepEqual(await titles(page), ["Added early", "Call mom and dad"]), 15_000);
      await settled(page);
      assert.equal(delayed, 1, "the first page was held back");
    } finally {
      await page.unrouteAll();
    }
    await page.getByRole("button", { name: "Delete “Added early”" }).click();
    await expectStats(page, { total: 2 });
    await page.getByTestId("stat-total").click();
    await page.reload();
    await expectCount(page.getByTestId("task"), 1); // the completed one folded
  });

  step("a token the API refuses (401) is renewed and the call retried", async () => {
    const p = await ctxA.newPage();
    shown = p;
    try {
      let tokenCalls = 0;
      /** @type {string[]} */
      const seen = [];
      p.on("response", (r) => {
        if (r.url().startsWith(`${api}/api/`) && r.request().method() !== "OPTIONS") seen.push(`${new URL(r.url()).pathname} ${r.status()}`);
      });
      // The first token this page gets is poisoned: its signature no longer matches.
      await p.route("**/api/auth/token", async (route) => {
        const response = await route.fetch();
        if (++tokenCalls > 1) return route.fulfill({ response });
        const { token } = /** @type {{ token: string }} */ (await response.json());
        const [h, c, s = ""] = token.split(".");
        const sig = s.slice(0, 8) + (s[8] === "A" ? "B" : "A") + s.slice(9);
        return route.fulfill({ response, json: { token: `${h}.${c}.${sig}` } });
      });
      let loads = 0;
      p.on("request", (r) => {
        if (r.isNavigationRequest()) loads++;
      });
      await p.goto(`${web}/dashboard`); // the first screen comes from the server
      await expectCount(p.getByTestId("task"), 1);
      await expectStats(p, { total: 2 });
      await p.getByTestId("stat-completed").click(); // the browser's first call to the API
      await eventually(async () => assert.deepEqual(await titles(p), ["Write report"]));
      const tasksCalls = seen.filter((s) => s.startsWith("/api/tasks "));
      assert.deepEqual(tasksCalls, ["/api/tasks 401", "/api/tasks 200"], "refused with the poisoned token, then retried with a renewed one");
      assert.equal(loads, 1, "recovered within the page, without reloading it");
      assert.equal(tokenCalls, 2, "one renewal for all the calls that got 401");
      assert.equal(await p.getByTestId("toast").count(), 0, "no error shown");

      // Close to its expiry (15 min), the cached token is renewed before it is used.
      await p.unrouteAll();
      let renewals = 0;
      p.on("request", (r) => {
        if (r.url().endsWith("/api/auth/token")) renewals++;
      });
      seen.length = 0;
      await p.clock.setFixedTime(new Date(Date.now() + 14.5 * 60_000));
      await p.getByTestId("stat-pending").click();
      await eventually(async () => assert.deepEqual(await titles(p), ["Call mom and dad"]));
      assert.equal(renewals, 1, "renewed once, ahead of exp");
      await p.getByTestId("stat-total").click();
      await expectCount(p.getByTestId("task"), 1);
      assert.equal(renewals, 1, "the renewed token is cached");
      assert.ok(!seen.some((s) => s.endsWith(" 401")), `no 401 after renewing ahead of time: ${seen.join(", ")}`);
    } finally {
      await p.close();
    }
  });

  step("a second user sees none of the first user's tasks; the API answers 404 for them", async () => {
    const ctxB = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    ctxB.setDefaultTimeout(15_000);
    try {
      const b = await ctxB.newPage();
      shown = b;
      b.on("pageerror", (e) => pageErrors.push(String(e)));
      await signUp(b, web, uniqueEmail("bob"));
      await expectText(b.getByTestId("empty"), /Nothing to do yet/);
      await expectStats(b, { total: 0 });

      const tokenB = await tokenOf(b);
      const tokenA = await tokenOf(page);
      const url = `${api}/api/tasks/${taskIdA}`;
      assert.equal((await apiFetch(url, tokenA)).status, 200, "the owner reads it");
      for (const [method, body] of [["GET"], ["PATCH", '{"title":"mine now"}'], ["DELETE"]]) {
        const r = await apiFetch(url, tokenB, { method, body });
        assert.equal(r.status, 404, `${method} with the other user's token`);
        assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/);
      }
      const stillThere = /** @type {{ title: string }} */ (await (await apiFetch(url, tokenA)).json());
      assert.equal(stillThere.title, "Call mom and dad");

      // "Load more" pages by the Link cursor: 25 tasks are two pages of 20.
      for (let i = 1; i <= 25; i++) {
        const r = await apiFetch(`${api}/api/tasks`, tokenB, { method: "POST", body: JSON.stringify({ title: `Bob's task ${String(i).padStart(2, "0")}` }) });
        assert.equal(r.status, 201);
      }
      await b.reload();
      await expectCount(b.getByTestId("task"), 20);
      await b.getByRole("button", { name: "Load more" }).click();
      await expectCount(b.getByTestId("task"), 25);
      await expectCount(b.getByRole("button", { name: "Load more" }), 0);
      assert.equal((await titles(b)).at(-1), "Bob's task 01");
      assert.ok(!(await titles(b)).some((t) => t.includes("Call mom")), "none of alice's tasks");
    } finally {
      await ctxB.close();
    }
  });

  step("signing out ends the session: the dashboard redirects to sign in", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${web}/sign-in`);
    await page.goto(`${web}/dashboard`);
    await page.waitForURL(`${web}/sign-in`);
    assert.equal(await page.evaluate(async () => (await fetch("/api/auth/token")).status), 401);
  });

  step("signing in again: a wrong password is refused, the right one brings the tasks back", async () => {
    await page.getByLabel("Email").fill(emailA);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expectText(page.locator("form [role=alert]"), /invalid/i);
    assert.equal(page.url(), `${web}/sign-in`);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${web}/dashboard`);
    await expectCount(page.getByTestId("task"), 1);
    await openCompleted(page);
    await eventually(async () => assert.deepEqual(await titles(page), ["Call mom and dad", "Write report"]));
  });

  step("a repeating task: Repeat needs a due date; completing it shows the next occurrence at once, and it persists", async () => {
    const form = page.getByRole("form", { name: "New task" });
    await form.getByText("More options").click();
    const repeat = form.getByLabel("Repeat");
    const hint = async () => page.locator(`[id="${await repeat.getAttribute("aria-describedby")}"]`).innerText();
    assert.equal(await repeat.isDisabled(), true, "no due date, no repeat");
    assert.match(await hint(), /due date/, "the disabled select says why");
    await form.getByLabel("Due date").fill(utcDate(2));
    assert.equal(await repeat.isEnabled(), true);
    await repeat.selectOption("weekly");
    await form.getByLabel("Due date").fill("");
    assert.equal(await repeat.inputValue(), "none", "clearing the due date resets Repeat");
    assert.equal(await repeat.isDisabled(), true);

    // The API's refusal of /repeat is shown under the field: the request loses its due date on the way.
    await page.route(`${api}/api/tasks`, (route) => {
      const r = route.request();
      if (r.method() !== "POST") return route.continue();
      return route.continue({ postData: JSON.stringify({ ...JSON.parse(r.postData() ?? "{}"), due_date: null }) });
    });
    try {
      await createTask(page, { title: "Water the plants", due: utcDate(2), repeat: "weekly" });
      await expectText(form.locator(".field-error"), /needs a due_date/);
      assert.equal(await repeat.getAttribute("aria-invalid"), "true");
      assert.match(await hint(), /needs a due_date/, "the message describes the field");
    } finally {
      await page.unrouteAll();
    }
    const item = page.getByTestId("task").filter({ hasText: "Water the plants" });
    await expectCount(item, 0);
    assert.equal(await repeat.inputValue(), "weekly", "the typed values are given back");
    await form.getByLabel("Title").press("Enter");
    await expectCount(item, 1);
    await settled(page);
    await expectText(item.getByTestId("task-repeat"), /Weekly/);
    assert.equal(await item.getByTestId("task-repeat").getAttribute("title"), "Repeats weekly");
    await expectStats(page, { total: 3, pending: 2, completed: 1 });
    await form.getByText("More options").click();

    // Completing it: the next occurrence, due a week later, shows at the top without a reload.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await item.getByRole("checkbox").click();
    await expectCount(item, 2);
    await settled(page);
    assert.equal(await page.getByTestId("task").first().getAttribute("data-task-id"), await item.first().getAttribute("data-task-id"));
    assert.deepEqual(await dues(item), [utcDate(9), utcDate(2)]);
    assert.deepEqual(await item.evaluateAll((els) => els.map((el) => el.getAttribute("data-completed"))), ["false", "true"]);
    await expectText(item.first().getByTestId("task-repeat"), /Weekly/);
    await expectText(page.getByTestId("toast").filter({ hasText: "Next:" }), /^Next: Water the plants due \w+ \d+/);
    await expectStats(page, { total: 4, pending: 2, completed: 2 });

    // Completing the occurrence in the edit dialog does the same.
    await page.getByRole("button", { name: "Edit “Water the plants”" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    assert.equal(await dialog.getByLabel("Repeat").inputValue(), "weekly");
    await dialog.getByLabel("Completed").check();
    await dialog.getByRole("button", { name: "Save" }).click();
    await expectCount(dialog, 0);
    await expectCount(item, 3);
    await settled(page);
    assert.deepEqual(await dues(item), [utcDate(16), utcDate(9), utcDate(2)]);
    await expectStats(page, { total: 5, pending: 2, completed: 3 });
    assert.equal(await page.evaluate(() => "sameDocument" in window), true, "all without a reload");

    await page.reload();
    await settled(page);
    await openCompleted(page);
    await expectCount(item, 3);
    assert.deepEqual(await dues(item), [utcDate(16), utcDate(9), utcDate(2)]);
    assert.deepEqual(await item.evaluateAll((els) => els.map((el) => el.getAttribute("data-completed"))), ["false", "true", "true"]);
    await expectCount(item.getByTestId("task-repeat"), 3);
  });

  step("no uncaught errors in the pages", async () => {
    assert.deepEqual(pageErrors, []);
  });
});

// @ts-check
// Accessibility and polish (issue 15, item 8): axe-core finds nothing on sign-in, the dashboard
// with tasks, a dialog and at phone width, in the light and the dark theme; the theme toggle
// and the system setting; a toast never covers the last row; the 404 page. Screenshots of
// every view (desktop, phone, dark) land in web/test-results/.
import { AxeBuilder } from "@axe-core/playwright";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually, log, noBrowser, resultsDir, sharedEnv } from "./harness.mjs";
import { addDays, expectCount, expectText, openCompleted, seed, settled, signUp, titles, uniqueEmail, zoneDate } from "./helpers.mjs";

/** @typedef {import("playwright-core").Page} Page */

/** What the axe runs found, page by page, written to test-results/axe.json. */
/** @type {Record<string, { violations: number, passes: number, incomplete: number }>} */
const axeSummary = {};

/**
 * expectNoViolations runs axe-core (every rule of WCAG 2.x A/AA and its best practices) on the
 * page as it is and fails with the violations it finds.
 * @param {Page} page
 * @param {string} name
 */
async function expectNoViolations(page, name) {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  axeSummary[name] = { violations: r.violations.length, passes: r.passes.length, incomplete: r.incomplete.length };
  const found = r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => `${n.target.join(" ")} ${n.failureSummary?.replace(/\n/g, " ") ?? ""}`).join("\n    ")}`);
  assert.deepEqual(found, [], `axe on ${name}`);
}

const shot = (/** @type {Page} */ page, /** @type {string} */ name) => page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage: true });

describe("accessibility and polish (issue 15, item 8)", { skip: noBrowser }, () => {
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
    writeFileSync(path.join(resultsDir, "axe.json"), `${JSON.stringify(axeSummary, null, 2)}\n`);
    log(`axe: ${Object.entries(axeSummary).map(([k, v]) => `${k} ${v.violations} violations (${v.passes} rules passed)`).join("; ")}`);
  });

  /** @param {import("playwright-core").BrowserContextOptions} [opts] */
  async function context(opts = {}) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", ...opts });
    ctx.setDefaultTimeout(15_000);
    contexts.push(ctx);
    return ctx;
  }

  it("axe finds no violations on sign-in, the dashboard with tasks, dialogs and phone width, light and dark; every view photographed", { timeout: 300_000 }, async () => {
    for (const scheme of /** @type {const} */ (["light", "dark"])) {
      const ctx = await context({ colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto(`${web}/sign-in`);
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains("dark")), scheme === "dark", "the system's scheme is followed");
      await expectNoViolations(page, `sign-in (${scheme})`);
      await shot(page, `sign-in-${scheme}`);

      await signUp(page, web, uniqueEmail(`axe-${scheme}`));
      const today = zoneDate("UTC");
      await seed(page, api, [
        { title: "Renew passport", due_date: addDays(today, -2), priority: "high", tags: ["admin"] },
        { title: "Water the plants", due_date: today, repeat: "weekly" },
        { title: "Book dentist", due_date: addDays(today, 1), due_time: "09:30", description: "Ask about the check-up" },
        { title: "Read a book", priority: "low", tags: ["home", "fun"] },
        { title: "Plan the trip", due_date: addDays(today, 4), tags: ["travel"] },
        { title: "Done already", completed: true },
      ]);
      await page.reload();
      await settled(page);
      await openCompleted(page);
      await expectNoViolations(page, `dashboard with tasks (${scheme})`);

      for (const [view, stat] of [["all", "total"], ["pending", "pending"], ["completed", "completed"], ["overdue", "overdue"]]) {
        await page.getByTestId(`stat-${stat}`).click();
        await settled(page);
        await page.mouse.click(1, 1);
        await shot(page, `view-${view}-desktop-${scheme}`);
      }
      await page.getByTestId("stat-total").click();
      await settled(page);

      // A dialog: editing a task (the form with every field), and the shortcuts.
      await page.getByRole("button", { name: "Edit “Book dentist”" }).click();
      await expectCount(page.getByRole("dialog", { name: "Edit task" }), 1);
      await expectNoViolations(page, `edit dialog (${scheme})`);
      await shot(page, `dialog-edit-${scheme}`);
      await page.keyboard.press("Escape");
      await page.keyboard.press("?");
      await expectCount(page.getByRole("dialog", { name: "Keyboard shortcuts" }), 1);
      await expectNoViolations(page, `shortcuts dialog (${scheme})`);
      await page.keyboard.press("Escape");

      // Quick add with its chips, and the selection bar.
      await page.getByRole("form", { name: "New task" }).getByLabel("Title").fill("Call the bank friday 10am !high #admin");
      await expectCount(page.getByTestId("chip"), 3);
      await page.getByRole("button", { name: "Select", exact: true }).click();
      await page.getByRole("checkbox", { name: "Select “Read a book”" }).check();
      await expectNoViolations(page, `quick add chips and selection (${scheme})`);
      await page.getByRole("button", { name: "Select", exact: true }).click();
      await page.getByRole("form", { name: "New task" }).getByLabel("Title").fill("");

      // Phone width, and its filter sheet.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await expectNoViolations(page, `phone width (${scheme})`);
      for (const [view, stat] of [["all", "total"], ["pending", "pending"], ["completed", "completed"], ["overdue", "overdue"]]) {
        await page.getByTestId(`stat-${stat}`).click();
        await settled(page);
        await shot(page, `view-${view}-phone-${scheme}`);
      }
      await page.getByTestId("stat-total").click();
      await page.getByRole("button", { name: "Filters" }).click();
      await expectCount(page.getByRole("dialog", { name: "Filters" }), 1);
      await expectNoViolations(page, `phone filter sheet (${scheme})`);
      await shot(page, `filters-phone-${scheme}`);
      await page.keyboard.press("Escape");
      await ctx.close();
    }
  });

  it("every page has one <main>; the theme toggle switches light and dark and keeps the choice", async () => {
    const ctx = await context({ colorScheme: "light" });
    const page = await ctx.newPage();
    await signUp(page, web, uniqueEmail("theme"));
    assert.equal(await page.locator("main").count(), 1);
    const toggle = page.getByRole("button", { name: "Dark mode" });
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    await toggle.click();
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains("dark")), true);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, "rgb(9, 9, 11)", "the dark page");
    await page.reload();
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains("dark")), true, "the choice is kept");
    assert.equal(await page.getByRole("button", { name: "Dark mode" }).getAttribute("aria-pressed"), "true");
    await page.getByRole("button", { name: "Dark mode" }).click();
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains("dark")), false);
    await page.goto(`${web}/sign-in`); // signed in: sent on to the dashboard, which has its <main>
    assert.equal(await page.locator("main").count(), 1);
  });

  it("toasts never cover the last row's buttons (phone width)", async () => {
    const ctx = await context({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await signUp(page, web, uniqueEmail("toast"));
    await seed(page, api, Array.from({ length: 14 }, (_, i) => ({ title: `Row ${String(14 - i).padStart(2, "0")}` })));
    await page.reload();
    await settled(page);
    // No toast, no reserved space: the page is not restyled on load for a height of 0 (a
    // custom property on <html> restyles every element; Lighthouse saw a long task there).
    assert.equal(await page.evaluate(() => document.documentElement.style.getPropertyValue("--toast-space")), "", "--toast-space set with no toast");
    await page.getByRole("button", { name: "Delete “Row 14”" }).click();
    await expectText(page.getByTestId("toast").first(), /Deleted “Row 14”/);
    // More messages: two changes that cannot reach the API (the same problem twice).
    await page.route(`${api}/api/tasks/**`, (route) =>
      ["PATCH", "DELETE"].includes(route.request().method()) ? route.abort("internetdisconnected") : route.continue(),
    );
    await page.getByRole("checkbox", { name: "Row 01" }).click();
    await expectCount(page.getByTestId("toast").filter({ hasText: "Could not reach the server" }), 1);
    await page.getByRole("button", { name: "Delete “Row 02”" }).click();
    await eventually(async () => assert.deepEqual((await titles(page)).slice(0, 2), ["Row 01", "Row 02"], "the refused changes are undone"));
    await expectCount(page.getByTestId("toast").filter({ hasText: "Could not reach the server" }), 1); // shown once, not stacked
    await page.unrouteAll();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const last = page.getByTestId("task").last();
    assert.equal(await last.getByTestId("task-title").innerText(), "Row 13", "the oldest task left is the last row");
    for (const name of ["Edit “Row 13”", "Delete “Row 13”"]) {
      const hit = await page.getByRole("button", { name }).evaluate((b) => {
        const r = b.getBoundingClientRect();
        const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return { free: b === at || b.contains(at), at: at?.closest("[data-testid]")?.getAttribute("data-testid") ?? at?.tagName };
      });
      assert.ok(hit.free, `${name} is covered by ${hit.at}`);
    }
    await shot(page, "toast-over-last-row-phone");
    // Once the toasts are gone, so is the space kept for them.
    const dismiss = page.getByTestId("toast").getByRole("button", { name: "Dismiss" });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    await eventually(async () => assert.equal(await page.evaluate(() => document.documentElement.style.getPropertyValue("--toast-space")), ""));
  });

  it("an unknown address gets a styled 404 page with the way back", async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const r = await page.goto(`${web}/no-such-page`);
    assert.equal(r?.status(), 404);
    await expectText(page.getByRole("heading", { level: 1 }), "This page does not exist");
    assert.equal(await page.locator("main").count(), 1);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(bg, "rgba(0, 0, 0, 0)", "styled: the app's background");
    await expectNoViolations(page, "404");
    await shot(page, "not-found");
    await page.getByRole("link", { name: "Back to your tasks" }).click();
    await page.waitForURL(`${web}/sign-in`);
    await eventually(async () => assert.deepEqual(await titles(page), []));
  });
});

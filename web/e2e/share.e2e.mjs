// @ts-check
// Sharing a list in the web app (issue 16), with two users in two browser contexts: Ana shares
// her list from its Share dialog (an invite link per role, shown once; pending invites,
// revoke), Ben follows the link — signs up first and comes back to it — and joins as an
// editor, adds a task, and Ana sees it; Ana makes Ben a viewer (his edit controls go) and
// removes him (the list leaves his sidebar and its address is not found). An unknown or revoked
// invite says so. axe on the Share dialog and the invite page, light and dark; screenshots
// (desktop, phone, dark) of both.
import { AxeBuilder } from "@axe-core/playwright";
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually, log, noBrowser, resultsDir, sharedEnv } from "./harness.mjs";
import { apiCalls, apiFetch, expectCount, expectText, row, settled, signUp, tokenOf, trackWrites, uniqueEmail } from "./helpers.mjs";

/** @typedef {import("playwright-core").Page} Page */

const shot = (/** @type {Page} */ page, /** @type {string} */ name) => page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage: true });

/** @param {Page} page @param {string} name */
async function expectNoViolations(page, name) {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]).analyze();
  const found = r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  assert.deepEqual(found, [], `axe on ${name}`);
}

/**
 * photograph checks the page with axe and photographs it as name: light at 1280 px, dark, and
 * a 390×844 phone (light); then puts the page back as it was.
 * @param {Page} page @param {string} name
 */
async function photograph(page, name) {
  await expectNoViolations(page, `${name} (light)`);
  await shot(page, name);
  // The system's dark scheme, and the class the theme script would have set at load.
  const theme = async (/** @type {"light" | "dark"} */ scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate((dark) => document.documentElement.classList.toggle("dark", dark), scheme === "dark");
    // Buttons fade between the themes' colours (transition-colors): axe run mid-fade measured
    // a half-way colour's contrast. Check the theme, not the fade.
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {}))).then(() => undefined));
  };
  await theme("dark");
  await expectNoViolations(page, `${name} (dark)`);
  await shot(page, `${name}-dark`);
  await theme("light");
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, `${name}-phone`);
  if (size) await page.setViewportSize(size);
}

/** sidebarList is the sidebar's row of the list named name. */
const sidebarList = (/** @type {Page} */ page, /** @type {string} */ name) => page.getByTestId("list-item").filter({ hasText: new RegExp(`^${name}`) });

/** sidebarNames is the names of the sidebar's lists, in order. */
const sidebarNames = async (/** @type {Page} */ page) =>
  page.getByTestId("list-item").evaluateAll((els) => els.map((el) => /** @type {HTMLElement} */ (el.querySelector("button span.flex-1"))?.innerText.trim() ?? ""));


describe("sharing a list (issue 16)", { skip: noBrowser }, () => {
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

  /** browse opens a page in a browser context of its own (a user of their own), signed out. */
  async function browse() {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", colorScheme: "light" });
    contexts.push(ctx);
    ctx.setDefaultTimeout(15_000);
    const page = await ctx.newPage();
    trackWrites(page);
    return page;
  }

  it("Ana shares a list, Ben joins from the link and adds a task, Ana sees it, makes Ben a viewer, removes him", { timeout: 300_000 }, async () => {
    /** @type {Page | undefined} */
    let failing;
    try {
      // Ana: a list, its Share dialog, an editor's link (and a viewer's, revoked).
      const ana = await browse();
      failing = ana;
      await signUp(ana, web, uniqueEmail("ana"), { name: "Ana" });
      await settled(ana);
      const anaCalls = apiCalls(ana, api);
      const created = await apiFetch(`${api}/api/lists`, await tokenOf(ana), { method: "POST", body: JSON.stringify({ name: "Groceries" }) });
      assert.equal(created.status, 201);
      const list = /** @type {{ id: string }} */ (await created.json());
      await ana.reload();
      await sidebarList(ana, "Groceries").getByRole("button").click();
      await expectText(ana.locator("#view-heading"), "Groceries");
      await ana.waitForURL(`${web}/lists/${list.id}`);
      await expectCount(sidebarList(ana, "Groceries").getByTestId("list-shared"), 0); // not shared yet

      await ana.getByRole("button", { name: "Share", exact: true }).click();
      const dialog = ana.getByRole("dialog", { name: "Share “Groceries”" });
      await expectText(dialog, /No pending invites\./);
      await dialog.getByLabel("Role").selectOption("viewer");
      await dialog.getByRole("button", { name: "Create link" }).click();
      const link = dialog.getByLabel(/^Invite link \(viewer\)/);
      const revokedUrl = await eventually(async () => {
        const v = await link.inputValue();
        assert.match(v, new RegExp(`^${web}/invite/[A-Za-z0-9_-]{22,}$`));
        return v;
      });
      await dialog.getByLabel("Role").selectOption("editor");
      await dialog.getByRole("button", { name: "Create link" }).click();
      const inviteUrl = await eventually(async () => {
        const v = await dialog.getByLabel(/^Invite link \(editor\)/).inputValue();
        assert.match(v, new RegExp(`^${web}/invite/[A-Za-z0-9_-]{22,}$`));
        return v;
      });
      assert.notEqual(inviteUrl, revokedUrl);
      await expectCount(dialog.getByTestId("invite"), 2);
      // The owner's name (the token's `name` claim) is known from the first invite on.
      await expectText(dialog.getByTestId("members"), /^Ana \(you\)\s*Owner$/);
      await dialog.getByRole("button", { name: /^Revoke the viewer invite/ }).click();
      await expectCount(dialog.getByTestId("invite"), 1);
      await expectText(dialog.getByTestId("invite"), /^Editor · expires/);
      assert.ok(anaCalls.some((c) => /^DELETE \/api\/lists\/[0-9a-f-]+\/invites\/[0-9a-f-]+ 204$/.test(c)), anaCalls.join(", "));
      await dialog.getByRole("button", { name: "Copy link" }).click();
      await expectText(dialog.getByRole("status"), /^(Copied|Selected)/);
      await photograph(ana, "share-dialog");
      await dialog.getByRole("button", { name: "Done" }).click();
      await expectCount(ana.getByRole("dialog"), 0);

      // Ben: the link while signed out → sign in (or up), then back to the invite.
      const ben = await browse();
      failing = ben;
      await ben.goto(inviteUrl);
      await ben.waitForURL(`${web}/sign-in?next=${encodeURIComponent(new URL(inviteUrl).pathname)}`);
      await ben.getByRole("link", { name: "Create an account" }).click();
      await ben.waitForURL(/\/sign-up\?next=/);
      await signUp(ben, web, uniqueEmail("ben"), { form: ben.url(), name: "Ben", landsOn: inviteUrl });
      await expectText(ben.getByTestId("invite-offer"), "Ana invites you to Groceries as editor");
      await photograph(ben, "invite");

      // Unknown and revoked invites: a clear not-found page.
      for (const url of [revokedUrl, `${web}/invite/AAAAAAAAAAAAAAAAAAAAAA`]) {
        const r = await ben.goto(url);
        assert.equal(r?.status(), 404, url);
        await expectText(ben.getByRole("heading", { level: 1 }), "This invite link is not valid");
      }
      await expectNoViolations(ben, "invite not found");

      await ben.goto(inviteUrl);
      await ben.getByRole("button", { name: "Join Groceries" }).click();
      await ben.waitForURL(`${web}/lists/${list.id}`, { timeout: 30_000 });
      await settled(ben);
      await expectText(ben.locator("#view-heading"), "Groceries");
      await expectText(sidebarList(ben, "Groceries").getByTestId("list-shared"), /2/);
      // An editor: tasks yes, the owner's controls no.
      await expectText(ben.getByTestId("list-role"), /editor/);
      for (const name of ["Rename", "Delete list", "Share"]) {
        await expectCount(ben.getByRole("button", { name, exact: true }), 0);
      }
      await expectCount(ben.getByLabel("Colour of Groceries"), 0);
      await ben.getByRole("button", { name: "People" }).click();
      const people = ben.getByRole("dialog", { name: "People in “Groceries”" });
      await expectText(people.getByTestId("members"), /Ana\s*Owner\s*Ben \(you\)\s*Editor/);
      await expectCount(people.getByRole("button", { name: "Leave list" }), 1);
      await expectCount(people.getByRole("button", { name: "Create link" }), 0);
      await people.getByRole("button", { name: "Done" }).click();

      const benCalls = apiCalls(ben, api);
      const quick = ben.getByRole("form", { name: "New task" }).getByLabel("Title");
      await quick.fill("Oat milk");
      await quick.press("Enter");
      await settled(ben);
      await eventually(async () => assert.ok(benCalls.some((c) => c === "POST /api/tasks 201"), `Ben's create: ${benCalls.join(", ")}`));
      await expectCount(row(ben, "Oat milk"), 1);

      // Ana sees Ben's task (after a reload: live updates are issue 17) and the list as shared.
      failing = ana;
      await ana.reload();
      await settled(ana);
      await expectCount(row(ana, "Oat milk"), 1);
      await expectText(sidebarList(ana, "Groceries").getByTestId("list-shared"), /2/);

      // Ana makes Ben a viewer: his edit controls go.
      await ana.getByRole("button", { name: "Share", exact: true }).click();
      await expectText(dialog.getByTestId("members"), /Ben\s*Editor/);
      await dialog.getByLabel("Role of Ben").selectOption("viewer");
      await eventually(async () => assert.ok(anaCalls.some((c) => /^PATCH \/api\/lists\/[0-9a-f-]+\/members\/[^ ]+ 200$/.test(c)), anaCalls.join(", ")));
      assert.equal(await dialog.getByLabel("Role of Ben").inputValue(), "viewer");

      failing = ben;
      await ben.reload();
      await settled(ben);
      const oat = row(ben, "Oat milk");
      await expectCount(oat, 1);
      await expectCount(ben.getByTestId("viewer-note"), 1);
      await expectCount(ben.getByRole("form", { name: "New task" }), 0);
      await expectCount(oat.getByRole("button", { name: /^(Edit|Delete|Add a subtask to)/ }), 0);
      assert.equal(await oat.getAttribute("draggable"), null, "no dragging");
      await expectCount(ben.getByRole("button", { name: "Select" }), 0);
      await expectText(ben.getByTestId("list-role"), /viewer/);
      // Its checkbox says so, and neither a click nor the keyboard's shortcuts change the task.
      const box = oat.getByRole("checkbox");
      assert.equal(await box.getAttribute("aria-disabled"), "true");
      const writesBefore = benCalls.filter((c) => !c.startsWith("GET ")).length;
      await box.click({ force: true });
      await box.focus();
      for (const key of ["c", "Delete", "e"]) await ben.keyboard.press(key);
      await settled(ben);
      assert.equal(await box.isChecked(), false, "not toggled");
      await expectCount(ben.getByRole("dialog"), 0);
      await expectCount(oat, 1);
      assert.equal(benCalls.filter((c) => !c.startsWith("GET ")).length, writesBefore, `a viewer's clicks and keys write nothing: ${benCalls.join(", ")}`);

      // Ana removes Ben: the list leaves his sidebar, its address is not found.
      failing = ana;
      await dialog.getByRole("button", { name: "Remove Ben" }).click();
      await expectCount(dialog.getByTestId("member"), 1);
      await dialog.getByRole("button", { name: "Done" }).click();
      await eventually(async () => assert.equal(await sidebarList(ana, "Groceries").getByTestId("list-shared").count(), 0));

      failing = ben;
      // Not a reload: Ben's tab is live, so it may have left the list's address already (the
      // list leaves his sidebar and the view goes back to All tasks on the `lists` event).
      const gone = await ben.goto(`${web}/lists/${list.id}`);
      assert.equal(gone?.status(), 404, "the list's address");
      await expectText(ben.getByRole("heading", { level: 1 }), "This list is not available");
      await ben.goto(`${web}/dashboard`);
      await settled(ben);
      await eventually(async () => assert.deepEqual(await sidebarNames(ben), ["Inbox"]));
    } catch (e) {
      const file = path.join(resultsDir, "failed-share.png");
      await failing?.screenshot({ path: file, fullPage: true }).catch(() => {});
      log(`screenshot of the failure: ${file}`);
      throw e;
    }
  });

  it("a viewer joins from a link and leaves from People: the list leaves the sidebar at once and its address is not found", { timeout: 180_000 }, async () => {
    /** @type {Page | undefined} */
    let failing;
    try {
      const ana = await browse();
      failing = ana;
      await signUp(ana, web, uniqueEmail("ana"), { name: "Ana" });
      const token = await tokenOf(ana);
      const list = await (await apiFetch(`${api}/api/lists`, token, { method: "POST", body: JSON.stringify({ name: "Trip" }) })).json();
      const invited = await apiFetch(`${api}/api/lists/${list.id}/invites`, token, { method: "POST", body: JSON.stringify({ role: "viewer" }) });
      assert.equal(invited.status, 201);
      const { token: invite } = await invited.json();

      const cy = await browse();
      failing = cy;
      await signUp(cy, web, uniqueEmail("cy"), { name: "Cy" });
      await cy.goto(`${web}/invite/${invite}`);
      await expectText(cy.getByTestId("invite-offer"), "Ana invites you to Trip as viewer");
      await cy.getByRole("button", { name: "Join Trip" }).click();
      await cy.waitForURL(`${web}/lists/${list.id}`, { timeout: 30_000 });
      await settled(cy);
      await expectCount(cy.getByTestId("viewer-note"), 1);
      await cy.getByRole("button", { name: "People" }).click();
      const people = cy.getByRole("dialog", { name: "People in “Trip”" });
      await expectText(people.getByTestId("members"), /Ana\s*Owner\s*Cy \(you\)\s*Viewer/);
      await expectNoViolations(cy, "people dialog");
      await people.getByRole("button", { name: "Leave list" }).click();
      await expectCount(cy.getByRole("dialog"), 0);
      await expectText(cy.getByTestId("toast").filter({ hasText: "You left" }), /You left “Trip”\./);
      await expectText(cy.locator("#view-heading"), "All tasks");
      assert.equal(new URL(cy.url()).pathname, "/dashboard");
      assert.deepEqual(await sidebarNames(cy), ["Inbox"]);
      const gone = await cy.goto(`${web}/lists/${list.id}`);
      assert.equal(gone?.status(), 404);
      await expectText(cy.getByRole("heading", { level: 1 }), "This list is not available");
    } catch (e) {
      const file = path.join(resultsDir, "failed-share-leave.png");
      await failing?.screenshot({ path: file, fullPage: true }).catch(() => {});
      log(`screenshot of the failure: ${file}`);
      throw e;
    }
  });
});

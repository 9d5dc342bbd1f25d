// @ts-check
// What the browser tests share: waiting for conditions (never for a fixed time), reading the
// list, signing up, creating tasks through the UI or the API.
import assert from "node:assert/strict";
import { eventually, log } from "./harness.mjs";

/** @typedef {import("playwright-core").Page} Page */
/** @typedef {import("playwright-core").Locator} Locator */

export const PASSWORD = "correct horse battery";

export const uniqueEmail = (/** @type {string} */ who) => `${who}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;

/** utcDate is the UTC date `days` from now (YYYY-MM-DD). */
export const utcDate = (/** @type {number} */ days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** zoneDate is the date in an IANA zone at instant `at` (YYYY-MM-DD). */
export const zoneDate = (/** @type {string} */ zone, at = new Date()) => new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(at);

/** addDays moves a YYYY-MM-DD date by n days. */
export const addDays = (/** @type {string} */ date, /** @type {number} */ n) => {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + n)).toISOString().slice(0, 10);
};

/**
 * zonedInstant is the instant at which the wall clock of `zone` shows `date` `time`.
 * @param {string} date YYYY-MM-DD
 * @param {string} time HH:MM
 * @param {string} zone
 */
export function zonedInstant(date, time, zone) {
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  let t = wall;
  for (let i = 0; i < 3; i++) {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
        .formatToParts(new Date(t))
        .map((p) => [p.type, p.value]),
    );
    const shown = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
    t += wall - shown;
  }
  return new Date(t);
}

/** expectCount waits until locator matches n elements. */
export async function expectCount(/** @type {Locator} */ locator, /** @type {number} */ n, timeout = 10_000) {
  await eventually(async () => assert.equal(await locator.count(), n, `${locator} count`), timeout);
}

/** expectText waits until the locator's text is (or matches) want. */
export async function expectText(/** @type {Locator} */ locator, /** @type {string | RegExp} */ want, timeout = 10_000) {
  await eventually(async () => {
    const got = (await locator.innerText()).trim();
    if (typeof want === "string") assert.equal(got, want, `${locator} text`);
    else assert.match(got, want, `${locator} text`);
  }, timeout);
}

/** textOf is the text of the element as a screen reader reads it: hidden-from-sight words included, spaces collapsed. */
export const textOf = async (/** @type {Locator} */ locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();

/** expectDue waits until the due label of a task row reads want ("Due Today", "Overdue · Yesterday"). */
export async function expectDue(/** @type {Locator} */ row, /** @type {string | RegExp} */ want, timeout = 10_000) {
  await eventually(async () => {
    const got = await textOf(row.getByTestId("task-due"));
    if (typeof want === "string") assert.equal(got, want);
    else assert.match(got, want);
  }, timeout);
}

/** chipLabels is what the quick-add chips say, in order. */
export const chipLabels = async (/** @type {Page} */ page) =>
  page.getByTestId("chip").evaluateAll((els) => els.map((el) => el.firstChild?.textContent ?? ""));

/** alerts is the messages shown with role=alert (Next.js's empty route announcer is one too, and is left out). */
export const alerts = (/** @type {Page} */ page) => page.getByRole("alert").filter({ hasText: /\S/ });

/** dues is the due dates (YYYY-MM-DD, "" for none) of the tasks in locator's order. */
export const dues = async (/** @type {Locator} */ tasks) =>
  tasks.evaluateAll((els) => els.map((el) => el.querySelector("[data-testid=task-due] time")?.getAttribute("datetime")?.slice(0, 10) ?? ""));

/** titles is the titles of the tasks on screen (a folded section's are not), in list order. */
export const titles = async (/** @type {Page} */ page) =>
  page.getByTestId("task-title").evaluateAll((els) => els.filter((el) => /** @type {HTMLElement} */ (el).offsetParent !== null).map((el) => /** @type {HTMLElement} */ (el).innerText.trim()));

/** settled waits for the list to be loaded with no change in flight. */
export async function settled(/** @type {Page} */ page) {
  await expectCount(page.locator("[data-testid=task][aria-busy]"), 0);
  await expectCount(page.locator("[data-testid=task-list][aria-busy=true]"), 0);
  // A task whose write is in flight may not be on screen (folded into Completed, say), so
  // its busy mark cannot be seen: on a tracked page, wait for the writes themselves.
  const writes = writesInFlight.get(page);
  if (writes) await eventually(async () => assert.equal(writes.size, 0, `writes in flight: ${[...writes].join(", ")}`), 15_000);
}

/** @type {WeakMap<Page, Set<string>>} */
const writesInFlight = new WeakMap();

/**
 * trackWrites makes settled wait for every write (any method but GET, HEAD and OPTIONS)
 * the page has sent and not yet seen answered or failed. Call it on a new page.
 */
export function trackWrites(/** @type {Page} */ page) {
  /** @type {Set<string>} */
  const writes = new Set();
  /** @type {WeakMap<import("playwright-core").Request, string>} */
  const names = new WeakMap();
  let n = 0;
  writesInFlight.set(page, writes);
  page.on("request", (req) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method())) return;
    const name = `${req.method()} ${new URL(req.url()).pathname} #${++n}`;
    names.set(req, name);
    writes.add(name);
  });
  const done = (/** @type {import("playwright-core").Request} */ req) => {
    const name = names.get(req);
    if (name) writes.delete(name);
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
}

export async function expectStats(/** @type {Page} */ page, /** @type {Record<string, number>} */ want) {
  for (const [k, v] of Object.entries(want)) await expectText(page.getByTestId(`stat-${k}-value`), String(v));
}

/** completedSection is the "Completed (n)" heading button of the view. */
export const completedToggle = (/** @type {Page} */ page) => page.getByRole("button", { name: /^Completed \(\d+\+?\)$/ });

/** openCompleted unfolds the Completed section, if folded. */
export async function openCompleted(/** @type {Page} */ page) {
  const b = completedToggle(page);
  if ((await b.getAttribute("aria-expanded")) === "false") await b.click();
}

/**
 * signUp creates an account through the sign-up form. Better Auth limits sign-ups per address
 * (3 in 10 s) and every test signs up from 127.0.0.1: on its 429 the form is sent again once
 * the wait the answer names (X-Retry-After) has passed. By default the form is /sign-up, the
 * name the address's local part, and it ends on the dashboard; `o` changes that (a sign-up
 * that came from an invite link goes back to it).
 * @param {Page} page
 * @param {string} web
 * @param {string} email
 * @param {{ form?: string, name?: string, landsOn?: string }} [o]
 */
export async function signUp(page, web, email, o = {}) {
  await page.goto(o.form ?? `${web}/sign-up`);
  await page.getByLabel("Name").fill(o.name ?? email.split("@")[0] ?? "someone");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  for (let attempt = 1; ; attempt++) {
    const answer = page.waitForResponse((r) => r.url().endsWith("/api/auth/sign-up/email") && r.request().method() === "POST", { timeout: 60_000 });
    await page.getByRole("button", { name: "Create account" }).click();
    const r = await answer;
    if (r.status() === 429 && attempt < 10) {
      const wait = Number((await r.headerValue("x-retry-after")) ?? "10");
      log(`sign-up rate-limited (429): again in ${wait} s, as the answer says`);
      await new Promise((done) => setTimeout(done, (wait + 0.2) * 1000));
      continue;
    }
    assert.equal(r.status(), 200, `sign-up of ${email}: ${r.status()} ${await r.text().catch(() => "")}`);
    // Hashing the password is slow on a busy machine: allow for it.
    await page.waitForURL(o.landsOn ?? `${web}/dashboard`, { timeout: 60_000 });
    return;
  }
}

/** createTask fills the new-task form (the optional fields behind "More options") and submits it with Enter. */
export async function createTask(
  /** @type {Page} */ page,
  /** @type {{ title: string, priority?: string, due?: string, repeat?: string, tags?: string, description?: string }} */ t,
) {
  const form = page.getByRole("form", { name: "New task" });
  if (t.priority || t.due || t.repeat || t.tags || t.description) {
    const details = form.locator("details");
    if (!(await details.evaluate((d) => /** @type {HTMLDetailsElement} */ (d).open))) await form.getByText("More options").click();
    if (t.description) await form.getByLabel("Description").fill(t.description);
    if (t.priority) await form.getByLabel("Priority").selectOption(t.priority);
    await form.getByLabel("Due date").fill(t.due ?? "");
    if (t.repeat) await form.getByLabel("Repeat").selectOption(t.repeat);
    await form.getByLabel("Tags").fill(t.tags ?? "");
  }
  const title = form.getByLabel("Title");
  await title.fill(t.title);
  await title.press("Enter");
}

/** apiFetch calls the API from the test process (not the browser) with a bearer token. */
export async function apiFetch(/** @type {string} */ url, /** @type {string} */ token, /** @type {RequestInit} */ init = {}) {
  return fetch(url, { ...init, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...init.headers } });
}

/** tokenOf asks Better Auth for the page's user's token, as the app does. */
export const tokenOf = async (/** @type {Page} */ page) =>
  page.evaluate(async () => /** @type {{ token: string }} */ (await (await fetch("/api/auth/token")).json()).token);

/**
 * seed creates tasks through the API as the page's user (fast, no UI) and returns them in
 * the order created.
 * @param {Page} page
 * @param {string} api
 * @param {Array<Record<string, unknown>>} tasks
 * @returns {Promise<Array<{ id: string, title: string }>>}
 */
export async function seed(page, api, tasks) {
  const token = await tokenOf(page);
  const out = [];
  for (const t of tasks) {
    const r = await apiFetch(`${api}/api/tasks`, token, { method: "POST", body: JSON.stringify(t) });
    const text = await r.text();
    assert.equal(r.status, 201, `seed ${JSON.stringify(t)}: ${text}`);
    out.push(/** @type {{ id: string, title: string }} */ (JSON.parse(text)));
  }
  return out;
}

/**
 * apiCalls records the API requests a page makes (not the CORS preflights) as "METHOD /path?query STATUS".
 * @param {Page} page
 * @param {string} api
 */
export function apiCalls(page, api) {
  /** @type {string[]} */
  const calls = [];
  page.on("response", (r) => {
    if (!r.url().startsWith(`${api}/api/`) || r.request().method() === "OPTIONS") return;
    const u = new URL(r.url());
    calls.push(`${r.request().method()} ${u.pathname}${u.search} ${r.status()}`);
  });
  return calls;
}

/** row is the task row titled title (its title exactly). */
export const row = (/** @type {Page} */ page, /** @type {string} */ title) =>
  page.getByTestId("task").filter({ has: page.getByTestId("task-title").getByText(title, { exact: true }) });

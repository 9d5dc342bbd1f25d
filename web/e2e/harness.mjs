// @ts-check
// What the end-to-end suite needs around it: Debian's Chromium, the Go binaries, the
// production build, and the whole stack (throwaway PostgreSQL, the API, the web app) on free
// ports — started here and stopped by PID, also when a test fails or the run is interrupted.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import { build, webDir } from "../scripts/build.mjs";

export const repoDir = path.dirname(webDir);
export const resultsDir = path.join(webDir, "test-results");
const binDir = path.join(webDir, ".e2e", "bin");

export const isCI = /^(1|true|yes)$/i.test(process.env.CI ?? "");

/** The flags every Chromium of the suite runs with. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/**
 * findChromium returns the browser to drive: $CHROMIUM_PATH, else Debian's /usr/bin/chromium.
 * Nothing is ever downloaded.
 * @returns {string | undefined}
 */
export function findChromium() {
  for (const p of [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (p && existsSync(p)) return p;
  }
  return undefined;
}

/** The browser the suite drives, if this machine has one. */
export const chromiumPath = findChromium();

/** noBrowser is the reason to skip the browser tests (no Chromium), or false. */
export const noBrowser = chromiumPath ? false : "Chromium not found (/usr/bin/chromium); under CI=true this fails";

/** @param {string} msg */
export const log = (msg) => console.error(`e2e: ${msg}`);

/** @template T @param {string} what @param {() => T} fn @returns {T} */
export function timed(what, fn) {
  const t = Date.now();
  const r = fn();
  log(`${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return r;
}

/** prepare builds the API and the stack runner (go build) and the web app (when its sources changed). */
export function prepare() {
  mkdirSync(binDir, { recursive: true });
  timed("go build (todo-api, todo-stack)", () => {
    for (const [out, pkg] of [
      ["todo-api", "./cmd/todo-api"],
      ["todo-stack", "./cmd/todo-stack"],
    ]) {
      execFileSync("go", ["build", "-o", path.join(binDir, out), pkg], { cwd: repoDir, stdio: "inherit" });
    }
  });
  build({ log, force: process.env.BUILD_FORCE === "1" });
}

/**
 * @typedef {{ web: string, api: string, stop: () => Promise<void> }} Stack
 */

/**
 * startStack runs cmd/todo-stack with a throwaway cluster and free ports and resolves once the
 * API and the web app answer. Its logs (and the servers') go to test-results/logs/.
 * @returns {Promise<Stack>}
 */
export async function startStack() {
  const logDir = path.join(resultsDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const stderr = openSync(path.join(logDir, "stack.log"), "w");
  const child = spawn(
    path.join(binDir, "todo-stack"),
    [
      "-ephemeral",
      "-host", "127.0.0.1",
      "-web-port", "0",
      "-api-port", "0",
      "-web", webDir,
      "-api-bin", path.join(binDir, "todo-api"),
      "-log-dir", logDir,
      "-json",
      // If this process dies without stopping it, the stack sees its stdin close and stops.
      "-watch-stdin",
    ],
    { cwd: repoDir, stdio: ["pipe", "pipe", stderr] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start cmd/todo-stack");
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));

  let stopping = /** @type {Promise<void> | undefined} */ (undefined);
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, "SIGTERM");
      const timer = setTimeout(() => {
        log(`the stack (pid ${pid}) did not stop within 40 s: killing it`);
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
      }, 40_000);
      await exited;
      clearTimeout(timer);
    })());
  // An interrupted run still cleans up.
  for (const sig of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.once(sig, () => {
      void stop().finally(() => process.exit(130));
    });
  }

  const lines = createInterface({ input: /** @type {import("node:stream").Readable} */ (child.stdout) });
  const ready = new Promise((resolve, reject) => {
    lines.once("line", (l) => resolve(JSON.parse(l)));
    void exited.then((code) => reject(new Error(`cmd/todo-stack exited (${code}) before it was ready: see ${path.join(logDir, "stack.log")}`)));
  });
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("cmd/todo-stack was not ready within 3 minutes")), 180_000).unref());
  try {
    const info = /** @type {{ web: string, api: string }} */ (await Promise.race([ready, timeout]));
    return { web: info.web, api: info.api, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** resetResults empties test-results/ (screenshots, logs) for this run; the last Lighthouse reports (make audit-web) stay. */
export function resetResults() {
  mkdirSync(resultsDir, { recursive: true });
  for (const name of readdirSync(resultsDir)) {
    if (name !== "lighthouse") rmSync(path.join(resultsDir, name), { recursive: true, force: true });
  }
}

/**
 * eventually retries fn until it stops throwing, or throws its last error after timeoutMs.
 * @template T
 * @param {() => Promise<T>} fn
 * @param {number} [timeoutMs]
 * @returns {Promise<T>}
 */
export async function eventually(fn, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * @typedef {{ stack: Stack, browser: import("playwright-core").Browser, web: string, api: string }} Env
 */

/** @type {Promise<Env> | undefined} */
let shared;

/**
 * sharedEnv is the one stack and browser every test file of a run uses: started on first use
 * (test-results/ emptied, binaries and app built), stopped by closeShared.
 * @returns {Promise<Env>}
 */
export function sharedEnv() {
  shared ??= (async () => {
    resetResults();
    prepare();
    const t = Date.now();
    const stack = await startStack();
    log(`stack up in ${((Date.now() - t) / 1000).toFixed(1)} s: web ${stack.web}, api ${stack.api}`);
    const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
    return { stack, browser, web: stack.web, api: stack.api };
  })();
  return shared;
}

/** closeShared closes the browser and stops the stack, if they were started. */
export async function closeShared() {
  if (!shared) return;
  const env = await shared.catch(() => undefined);
  await env?.browser.close().catch(() => {});
  await env?.stack.stop();
}

// @ts-check
// `npm --prefix web run probe`: the dashboard's load measured in figures that do not depend on
// how busy the machine is (unlike Lighthouse's score), on a throwaway stack with the same user
// and 30 tasks as `make audit-web`:
//
//   - the scripts the page loads before its first paint (count, bytes on the wire and
//     uncompressed): Lighthouse's simulated LCP counts every one of them;
//   - the JavaScript loaded by the time the page is idle, and how much of it never ran
//     (Chrome's precise coverage: bytes of functions and blocks never executed);
//   - the main thread's long tasks (> 50 ms) from navigation to idle under 4× CPU throttling
//     (Lighthouse's mobile multiplier): count, longest, and their blocking time (sum of the
//     part above 50 ms, as in TBT). These vary with load too, but far less than a score.
//
// PROBE_RUNS (default 3) cold loads; the medians are printed, with the per-chunk coverage of the
// last run. PROBE_PATH (default /dashboard) picks the page.
import path from "node:path";
import { writeFileSync, mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, findChromium, log, prepare, resultsDir, startStack } from "./harness.mjs";
import { addDays, PASSWORD, seed, uniqueEmail, zoneDate } from "./helpers.mjs";

const RUNS = Number(process.env.PROBE_RUNS ?? 3);
const PAGE = process.env.PROBE_PATH ?? "/dashboard";
/** PROBE_PROFILE=1 also prints where the main thread's time went (self time by function, and by script). */
const PROFILE = process.env.PROBE_PROFILE === "1";
/** PROBE_TIMELINE=1 prints each run's long tasks beside the scripts' arrival and the first paint. */
const TIMELINE = process.env.PROBE_TIMELINE === "1";

/**
 * printProfile prints the functions and scripts with the most self time in a CPU profile.
 * @param {{ nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number, columnNumber: number } }>, samples?: number[], timeDeltas?: number[] }} profile
 */
function printProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<string, number>} */
  const fn = new Map();
  /** @type {Map<string, number>} */
  const file = new Map();
  (profile.samples ?? []).forEach((id, i) => {
    const n = byId.get(id);
    const dt = (profile.timeDeltas?.[i + 1] ?? 0) / 1000;
    if (!n) return;
    const f = n.callFrame;
    const where = f.url ? f.url.replace(/^.*\/_next\//, "") : "(native)";
    const key = `${f.functionName || "(anonymous)"} ${where}:${f.lineNumber}:${f.columnNumber}`;
    fn.set(key, (fn.get(key) ?? 0) + dt);
    file.set(where, (file.get(where) ?? 0) + dt);
  });
  const top = (/** @type {Map<string, number>} */ m, n = 25) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `    ${v.toFixed(1).padStart(7)} ms  ${k}`).join("\n");
  console.log(`  self time by script:\n${top(file, 15)}\n  self time by function:\n${top(fn)}`);
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const kib = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KiB`;

/**
 * unusedBytes is how many characters of a script's source no executed function or block
 * covered: ranges are painted outermost first, so a nested range's count overrides its parent's.
 * @param {number} length
 * @param {Array<{ ranges: Array<{ startOffset: number, endOffset: number, count: number }> }>} functions
 */
function unusedBytes(length, functions) {
  const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  const used = new Uint8Array(length);
  for (const r of ranges) used.fill(r.count > 0 ? 1 : 0, r.startOffset, Math.min(r.endOffset, length));
  let unused = 0;
  for (const u of used) if (!u) unused++;
  return unused;
}

/**
 * printLongTasks prints the renderer main thread's tasks over 50 ms in a trace, each with what
 * took its time: the scripts evaluated (by file), functions called, compiling, style and layout.
 * @param {{ traceEvents: Array<{ name: string, ph: string, ts: number, dur?: number, pid: number, tid: number, args?: any }> }} trace
 */
function printLongTasks(trace) {
  const ev = trace.traceEvents;
  const main = ev.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain" && ev.some((x) => x.pid === e.pid && x.name === "ParseHTML"));
  if (!main) return;
  const mine = ev.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === "X" && e.dur !== undefined);
  const nav = ev.find((e) => e.name === "navigationStart" && e.pid === main.pid)?.ts ?? mine[0]?.ts ?? 0;
  for (const t of mine.filter((e) => e.name === "RunTask" && (e.dur ?? 0) > 50_000)) {
    const end = t.ts + (t.dur ?? 0);
    /** @type {Map<string, number>} */
    const parts = new Map();
    for (const e of mine) {
      if (e === t || e.ts < t.ts || e.ts >= end) continue;
      const what =
        e.name === "EvaluateScript" ? `evaluate ${String(e.args?.data?.url ?? "").replace(/^.*\//, "")}` :
        e.name === "v8.compile" || e.name === "v8.compileModule" ? `compile ${String(e.args?.data?.url ?? e.args?.fileName ?? "").replace(/^.*\//, "")}` :
        ["FunctionCall", "TimerFire", "FireAnimationFrame", "EventDispatch", "ParseHTML", "UpdateLayoutTree", "Layout", "Paint", "MajorGC", "MinorGC", "V8.GC_SCAVENGER"].includes(e.name) ? e.name :
        undefined;
      if (what) parts.set(what, (parts.get(what) ?? 0) + (e.dur ?? 0) / 1000);
    }
    const top = [...parts].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ");
    console.log(`    task at ${((t.ts - nav) / 1000).toFixed(0)} ms: ${((t.dur ?? 0) / 1000).toFixed(0)} ms  (${top})`);
  }
}

prepare();
const stack = await startStack();
const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
try {
  // Lighthouse's mobile emulation: a Moto G Power sized screen.
  const ctx = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true, locale: "en-US" });
  const setup = await ctx.newPage();
  await setup.goto(`${stack.web}/sign-up`);
  await setup.getByLabel("Name").fill("Probe");
  await setup.getByLabel("Email").fill(uniqueEmail("probe"));
  await setup.getByLabel("Password").fill(PASSWORD);
  await setup.getByRole("button", { name: "Create account" }).click();
  await setup.waitForURL(`${stack.web}/dashboard`, { timeout: 60_000 });
  const today = zoneDate("UTC");
  await seed(
    setup,
    stack.api,
    Array.from({ length: 30 }, (_, i) => ({
      title: `Task number ${i + 1} with a realistic title`,
      ...(i % 3 === 0 ? { due_date: addDays(today, (i % 9) - 3) } : {}),
      ...(i % 4 === 0 ? { tags: ["home", "errands"].slice(0, 1 + (i % 2)) } : {}),
      ...(i % 5 === 0 ? { priority: "high" } : {}),
      ...(i % 6 === 0 ? { completed: true } : {}),
    })),
  );
  await setup.close();
  await ctx.addInitScript(() => {
    /** @type {any} */ (window).__longTasks = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) /** @type {any} */ (window).__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
    /** @param {Node | null | undefined} n */
    const describe = (n) => {
      if (!(n instanceof Element)) return n ? n.nodeName : "(gone)";
      const cls = typeof n.className === "string" && n.className ? `.${n.className.trim().split(/\s+/).slice(0, 3).join(".")}` : "";
      return `<${n.tagName.toLowerCase()}${cls}> "${(n.textContent ?? "").trim().slice(0, 30)}"`;
    };
    /** @type {any} */ (window).__shifts = [];
    new PerformanceObserver((l) => {
      for (const e of /** @type {any[]} */ (l.getEntries())) {
        if (e.hadRecentInput) continue;
        /** @type {any} */ (window).__shifts.push({
          at: e.startTime,
          value: e.value,
          sources: (e.sources ?? []).map((/** @type {any} */ s) => `${describe(s.node)} y ${s.previousRect.y}→${s.currentRect.y} h ${s.previousRect.height}→${s.currentRect.height}`),
        });
      }
    }).observe({ type: "layout-shift", buffered: true });
    /** @type {any} */ (window).__lcp = [];
    new PerformanceObserver((l) => {
      for (const e of /** @type {any[]} */ (l.getEntries())) /** @type {any} */ (window).__lcp.push({ at: e.startTime, size: e.size, what: describe(e.element) });
    }).observe({ type: "largest-contentful-paint", buffered: true });
  });

  /** @type {Array<Record<string, number>>} */
  const runs = [];
  /** @type {Array<{ url: string, bytes: number, unused: number }>} */
  let chunks = [];
  for (let i = 1; i <= RUNS; i++) {
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await cdp.send("Profiler.enable");
    await cdp.send("Debugger.enable");
    /** @type {Map<string, string>} */
    const urlOf = new Map();
    cdp.on("Debugger.scriptParsed", (e) => {
      if (e.url) urlOf.set(e.scriptId, e.url);
    });
    await cdp.send("Profiler.startPreciseCoverage", { callCount: false, detailed: true });
    if (PROFILE) {
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      await cdp.send("Profiler.start");
    }
    if (TIMELINE) await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute"] });
    await page.goto(`${stack.web}${PAGE}`, { waitUntil: "load" });
    await page.waitForLoadState("networkidle");
    // Idle: a callback the browser runs once no task is waiting (hydration and effects done).
    await page.evaluate(() => new Promise((done) => requestIdleCallback(() => done(undefined), { timeout: 10_000 })));
    const { result } = await cdp.send("Profiler.takePreciseCoverage");
    if (TIMELINE) printLongTasks(JSON.parse((await browser.stopTracing()).toString("utf8")));
    if (PROFILE) printProfile((await cdp.send("Profiler.stop")).profile);
    const m = await page.evaluate(() => {
      const paint = performance.getEntriesByType("paint").find((e) => e.name === "first-contentful-paint")?.startTime ?? 0;
      const scripts = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType("resource")).filter((e) => e.initiatorType === "script" || e.name.endsWith(".js"));
      const early = scripts.filter((e) => e.startTime < paint);
      /** @type {Array<{ start: number, duration: number }>} */
      const lt = /** @type {any} */ (window).__longTasks;
      /** @type {Array<{ at: number, value: number, sources: string[] }>} */
      const shifts = /** @type {any} */ (window).__shifts;
      /** @type {Array<{ at: number, size: number, what: string }>} */
      const lcps = /** @type {any} */ (window).__lcp;
      return {
        fcp: paint,
        lcp: lcps.at(-1)?.at ?? 0,
        cls: shifts.reduce((n, e) => n + e.value, 0),
        domNodes: document.getElementsByTagName("*").length,
        shifts,
        lcps,
        scriptsBeforeFCP: early.length,
        scriptBytesBeforeFCP: early.reduce((n, e) => n + e.encodedBodySize, 0),
        scripts: scripts.length,
        scriptWire: scripts.reduce((n, e) => n + e.encodedBodySize, 0),
        scriptDecoded: scripts.reduce((n, e) => n + e.decodedBodySize, 0),
        longTasks: lt.length,
        longest: Math.max(0, ...lt.map((t) => t.duration)),
        blocking: lt.reduce((n, t) => n + Math.max(0, t.duration - 50), 0),
        timeline: [
          ...lt.map((t) => ({ at: t.start, what: `long task ${t.duration.toFixed(0)} ms` })),
          ...scripts.map((e) => ({ at: e.responseEnd, what: `loaded ${e.name.replace(/^.*\//, "")}` })),
          { at: paint, what: "first contentful paint" },
        ].sort((a, b) => a.at - b.at),
      };
    });
    chunks = [];
    for (const s of result) {
      const url = s.url || urlOf.get(s.scriptId) || "";
      if (!url.includes("/_next/")) continue;
      const { scriptSource } = await cdp.send("Debugger.getScriptSource", { scriptId: s.scriptId });
      chunks.push({ url: new URL(url).pathname, bytes: scriptSource.length, unused: unusedBytes(scriptSource.length, s.functions) });
    }
    if (TIMELINE) for (const e of m.timeline) console.log(`    ${e.at.toFixed(0).padStart(6)} ms  ${e.what}`);
    for (const e of m.lcps) console.log(`    LCP candidate at ${e.at.toFixed(0)} ms: ${e.what} (${e.size} px²)`);
    for (const e of m.shifts) console.log(`    layout shift ${e.value.toFixed(4)} at ${e.at.toFixed(0)} ms: ${e.sources.join("; ")}`);
    const { timeline: _, shifts: _s, lcps: _l, ...figures } = m;
    const js = chunks.reduce((n, c) => n + c.bytes, 0);
    const unused = chunks.reduce((n, c) => n + c.unused, 0);
    runs.push({ ...figures, js, unused });
    log(
      `probe run ${i}: FCP ${m.fcp.toFixed(0)} ms (4× CPU), ${m.scriptsBeforeFCP} scripts (${kib(m.scriptBytesBeforeFCP)} on the wire) before it; ` +
        `${m.scripts} scripts, ${kib(m.scriptWire)} on the wire, ${kib(m.scriptDecoded)} uncompressed; ran ${kib(js - unused)} of ${kib(js)} (${kib(unused)} never ran); ` +
        `long tasks ${m.longTasks}, longest ${m.longest.toFixed(0)} ms, blocking ${m.blocking.toFixed(0)} ms; ` +
        `LCP ${m.lcp.toFixed(0)} ms, CLS ${m.cls.toFixed(4)}, ${m.domNodes} elements`,
    );
    await page.close();
  }
  /** @type {Record<string, number>} */
  const med = {};
  for (const k of Object.keys(runs[0] ?? {})) med[k] = median(runs.map((r) => r[k] ?? 0));
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, "probe.json"), `${JSON.stringify({ page: PAGE, runs, median: med, chunks }, null, 2)}\n`);
  console.log(`\n${PAGE}, median of ${RUNS} cold loads (4× CPU throttling, mobile viewport):`);
  console.log(`  scripts before first paint   ${med.scriptsBeforeFCP} (${kib(med.scriptBytesBeforeFCP ?? 0)} on the wire)`);
  console.log(`  scripts loaded               ${med.scripts}: ${kib(med.scriptWire ?? 0)} on the wire, ${kib(med.scriptDecoded ?? 0)} uncompressed`);
  console.log(`  JS never run (coverage)      ${kib(med.unused ?? 0)} of ${kib(med.js ?? 0)}`);
  console.log(`  long tasks                   ${med.longTasks}, longest ${(med.longest ?? 0).toFixed(0)} ms, blocking ${(med.blocking ?? 0).toFixed(0)} ms`);
  console.log(`  FCP, LCP (4× CPU, local)     ${(med.fcp ?? 0).toFixed(0)} ms, ${(med.lcp ?? 0).toFixed(0)} ms`);
  console.log(`  layout shift (CLS)           ${(med.cls ?? 0).toFixed(4)}`);
  console.log(`  elements in the page         ${med.domNodes}`);
  console.log("  chunks (last run): uncompressed, never run");
  for (const c of chunks.sort((a, b) => b.bytes - a.bytes)) console.log(`    ${c.url.padEnd(48)} ${kib(c.bytes).padStart(10)} ${kib(c.unused).padStart(10)}`);
} finally {
  await browser.close();
  await stack.stop();
}

// @ts-check
// `next build`, skipped when nothing it reads changed since the last build: the sources under
// web/ and gen/ts, the configuration and the lock file. The hash of those inputs is written
// into .next/ after a successful build; a clean clone has no .next/, so it always builds.
//
//   node scripts/build.mjs            build when needed
//   node scripts/build.mjs --force    build anyway (also: BUILD_FORCE=1)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stampFile = path.join(webDir, ".next", "source-hash");

/** The files and directories `next build` reads, relative to web/. */
const INPUTS = [
  "src",
  "public",
  "next.config.mjs",
  "postcss.config.mjs",
  "tsconfig.json",
  "package.json",
  "package-lock.json",
  "../gen/ts/src",
  "../gen/ts/package.json",
];

/** sourceHash is a SHA-256 over the names and contents of every input file. */
export function sourceHash() {
  const h = createHash("sha256");
  /** @param {string} p */
  const add = (p) => {
    const abs = path.join(webDir, p);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) add(path.join(p, name));
      return;
    }
    h.update(`${p}\0`);
    h.update(readFileSync(abs));
    h.update("\0");
  };
  INPUTS.forEach(add);
  return h.digest("hex");
}

/**
 * build runs `next build` unless .next/ holds a build of exactly these sources.
 * @param {{ force?: boolean, log?: (msg: string) => void }} [opts]
 * @returns {{ built: boolean, ms: number }}
 */
export function build(opts = {}) {
  const log = opts.log ?? ((m) => console.error(m));
  const started = Date.now();
  const hash = sourceHash();
  const current = existsSync(path.join(webDir, ".next", "BUILD_ID")) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === hash;
  if (current && !opts.force) {
    log("web: the production build in web/.next is up to date (sources unchanged), not rebuilding");
    return { built: false, ms: Date.now() - started };
  }
  log("web: next build …");
  const r = spawnSync(process.execPath, [path.join(webDir, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: webDir,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal})`);
  writeFileSync(stampFile, hash);
  const ms = Date.now() - started;
  log(`web: built in ${(ms / 1000).toFixed(1)} s`);
  return { built: true, ms };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    build({ force: process.argv.includes("--force") || process.env.BUILD_FORCE === "1" });
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}

// @ts-check
// The browser suite: every test file, one stack and one browser for all of them. Run with
// `make test-e2e` (E2E_GREP=regex runs only the tests whose names match), or
// `node --test-reporter=spec e2e/suite.mjs` in web/.
//
// Screenshots, axe results and the servers' logs land in web/test-results/.
import { after } from "node:test";
import { closeShared, isCI, log, noBrowser } from "./harness.mjs";
import "./todo.e2e.mjs";
import "./day-one.e2e.mjs";
import "./a11y.e2e.mjs";
import "./lists.e2e.mjs";
import "./share.e2e.mjs";
import "./live.e2e.mjs";

if (noBrowser && isCI) {
  // CI must run the suite: a missing browser is a failure, never a skip.
  console.error("e2e: FAIL: Chromium is missing (/usr/bin/chromium, or set CHROMIUM_PATH); .ci/run installs Debian's chromium. Under CI=true the suite fails rather than skips.");
  process.exit(1);
}

const started = Date.now();
after(async () => {
  await closeShared();
  log(`suite finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

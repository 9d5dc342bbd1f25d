"use client";

import { Suspense, type ReactNode } from "react";

/**
 * Deferred marks a part of the page that hydrates on its own, after the rest: React leaves a
 * Suspense boundary's server HTML as it is while it hydrates the page around it, then hydrates
 * the boundary later at low priority in short slices that yield to the browser. The page's
 * first hydration is then one short task instead of one long one (Lighthouse's Total Blocking
 * Time), and the HTML is on screen all along. Nothing here ever suspends, so after hydration
 * (and in every render in the browser) it is only its children.
 *
 * Only for small parts. React's server renderer sends a boundary whose HTML (with what came
 * before it in the same flush) passes 12.8 KB (`progressiveChunkSize`) out of line: a hidden
 * copy at the end of the page that a script swaps in on the next animation frame, after the
 * first paint and, on a busy phone, after the scripts have run. The task rows were such a
 * boundary: they were missing from the first frame (Lighthouse's LCP waited for every script)
 * and pushed what is below them down when they came (a layout shift of 0.12).
 */
export function Deferred({ children }: { children: ReactNode }) {
  return <Suspense fallback={null}>{children}</Suspense>;
}

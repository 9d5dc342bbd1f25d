"use client";

import { Suspense, type ReactNode } from "react";

/**
 * Deferred marks a part of the page that hydrates on its own, after the rest: React leaves a
 * Suspense boundary's server HTML as it is while it hydrates the page around it, then hydrates
 * the boundary later at low priority in short slices that yield to the browser. The page's
 * first hydration is then one short task instead of one long one (Lighthouse's Total Blocking
 * Time), and the HTML is on screen all along. Nothing here ever suspends, so after hydration
 * (and in every render in the browser) it is only its children.
 */
export function Deferred({ children }: { children: ReactNode }) {
  return <Suspense fallback={null}>{children}</Suspense>;
}

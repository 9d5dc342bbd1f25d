import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/** NotFound is every unknown address: what happened and the way back. */
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center px-4 py-10 text-center">
      <p className="text-sm font-semibold text-link">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">This page does not exist</h1>
      <p className="mt-2 text-muted">The address may be mistyped, or the page has moved.</p>
      <Link href="/dashboard" className="btn-primary mt-6">
        Back to your tasks
      </Link>
    </main>
  );
}

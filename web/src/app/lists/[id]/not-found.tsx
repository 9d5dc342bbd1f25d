import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "List not found" };

/** NotFound is a list's address the user cannot open: no such list, deleted, or not (or no longer) shared with them. */
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center px-4 py-10 text-center">
      <p className="text-sm font-semibold text-link">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">This list is not available</h1>
      <p className="mt-2 text-muted">It does not exist, it was deleted, or it is no longer shared with you.</p>
      <Link href="/dashboard" className="btn-primary mt-6">
        Back to your tasks
      </Link>
    </main>
  );
}

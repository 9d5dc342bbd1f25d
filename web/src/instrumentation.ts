// Runs once when the Next.js server starts, before it serves a request: brings Better Auth's
// tables up to date with Better Auth's own migration planner (the same one `auth migrate`
// uses), so a fresh database needs no manual step. The Go API does the same for its schema.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  if (process.env.AUTH_MIGRATE === "false") return;
  const { migrateAuthSchema } = await import("./lib/auth-migrate");
  await migrateAuthSchema();
}

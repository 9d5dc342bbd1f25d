import { getMigrations } from "better-auth/db/migration";
import { getAuth } from "./auth";

/**
 * migrateAuthSchema creates or extends Better Auth's tables (user, session, account,
 * verification, jwks) with Better Auth's own migration planner, the one `auth migrate` runs.
 */
export async function migrateAuthSchema(): Promise<void> {
  const { toBeCreated, toBeAdded, runMigrations } = await getMigrations(getAuth().options);
  if (toBeCreated.length === 0 && toBeAdded.length === 0) return;
  const tables = new Set([...toBeCreated, ...toBeAdded].map((t) => t.table));
  await runMigrations();
  console.log(`auth: migrated the Better Auth schema (${[...tables].join(", ")})`);
}

// The API's bearer token in the browser: a Better Auth JWT from GET /api/auth/token, kept in
// memory only (never in storage), renewed shortly before it expires and on demand after a 401.
import { loadAuthClient } from "./load-auth-client";

/** Renew this long before `exp`, so a token never expires between here and the API. */
export const RENEW_BEFORE_MS = 60_000;

interface Cached {
  token: string;
  /** When to stop using it, on this browser's clock. */
  renewAt: number;
}

let cached: Cached | null = null;
let inflight: Promise<string | null> | null = null;

/** getToken returns the cached token, or a new one when there is none or it is about to expire; null when signed out. */
export function getToken(): Promise<string | null> {
  if (cached && Date.now() < cached.renewAt) return Promise.resolve(cached.token);
  return fetchToken();
}

/**
 * renewToken replaces `rejected`, a token the API answered 401 to, with a new one. When another
 * call has renewed it meanwhile, that token is returned without asking again.
 */
export function renewToken(rejected: string | null): Promise<string | null> {
  if (cached && cached.token !== rejected && Date.now() < cached.renewAt) return Promise.resolve(cached.token);
  cached = null;
  return fetchToken();
}

/** clearToken forgets the token (at sign-out). */
export function clearToken(): void {
  cached = null;
}

function fetchToken(): Promise<string | null> {
  inflight ??= (async () => {
    try {
      const { data, error } = await (await loadAuthClient()).token();
      const token = error ? undefined : data?.token;
      cached = token ? { token, renewAt: renewAt(token) } : null;
      return token ?? null;
    } finally {
      inflight = null;
    }
  })();
  return inflight;
}

/**
 * renewAt reads the token's lifetime (exp - iat; no verification needed, the API does that) and
 * counts it from now on this clock, so a browser whose clock is off still renews in time.
 */
function renewAt(token: string): number {
  try {
    const part = token.split(".")[1] ?? "";
    const claims = JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: unknown; iat?: unknown };
    if (typeof claims.exp !== "number") return 0;
    const lifetimeMs =
      typeof claims.iat === "number" ? (claims.exp - claims.iat) * 1000 : claims.exp * 1000 - Date.now();
    return Date.now() + lifetimeMs - RENEW_BEFORE_MS;
  } catch {
    return 0; // unreadable: use it once, fetch another next time
  }
}

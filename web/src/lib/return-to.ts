// Where to go after signing in: a page of this app the visitor was sent away from (an invite),
// passed along as `?next=`. Only a path on this origin is followed, never another site.

/** DEFAULT_RETURN is where signing in leads when no page asked to come back. */
export const DEFAULT_RETURN = "/dashboard";

/**
 * returnTo is `next` when it is a path on this origin ("/invite/abc"), else DEFAULT_RETURN:
 * "//evil.example", "/\evil.example", "https://…" and anything odd are refused.
 */
export function returnTo(next: unknown): string {
  if (typeof next !== "string" || !/^\/(?![/\\])[\x21-\x7e]*$/.test(next)) return DEFAULT_RETURN;
  return next;
}

/** signInFor is the sign-in page that comes back to path afterwards. */
export const signInFor = (path: string) => `/sign-in?next=${encodeURIComponent(path)}`;

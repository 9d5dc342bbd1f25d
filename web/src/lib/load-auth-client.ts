// Better Auth's browser client, imported on first use: a page that needs it only when the user
// acts (signs in, signs out) or when its first API call needs a token does not load it with
// the page (about 13 KB of script off the first load's path).
import type { authClient } from "./auth-client";

let loading: Promise<typeof authClient> | null = null;

/** loadAuthClient resolves to the Better Auth client, importing it once. */
export function loadAuthClient(): Promise<typeof authClient> {
  loading ??= import("./auth-client")
    .then((m) => m.authClient)
    .catch((e: unknown) => {
      loading = null; // a failed chunk load may work next time
      throw e;
    });
  return loading;
}

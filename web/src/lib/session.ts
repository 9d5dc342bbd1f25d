// The session as server components see it (Better Auth, from the request's cookies).
import { headers } from "next/headers";
import { getAuth } from "./auth";

export async function getSession() {
  // headers() first: it makes the page dynamic, so `next build` never renders it.
  const h = await headers();
  return getAuth().api.getSession({ headers: h });
}

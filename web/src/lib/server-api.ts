// The Todo API as the signed-in user, from a server component: the request's session cookie
// becomes a Better Auth token, sent as the bearer like the browser's client does.
import { createTodoClient, type TodoApi } from "@todo-api/client";
import { headers } from "next/headers";
import { getAuth } from "./auth";

/** apiUrl is where the API is (TODO_API_URL), read at request time: one build runs against any address. */
export function apiUrl(): string {
  const url = process.env.TODO_API_URL;
  if (!url) throw new Error("TODO_API_URL is not set: the address of the Todo API");
  return url;
}

/** serverApi is the API client of the request's user, each call bounded by budgetMs. */
export async function serverApi(budgetMs: number): Promise<TodoApi> {
  const { token } = await getAuth().api.getToken({ headers: await headers() });
  return createTodoClient({
    baseUrl: apiUrl(),
    getToken: () => token,
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(budgetMs) }),
  });
}

// The Todo API client of the browser: the generated @todo-api/client with the Better Auth token
// and one retry after a 401 with a renewed token (the token expired, or the keys rotated).
import { createTodoClient, type TodoApi } from "@todo-api/client";
import { getToken, renewToken } from "./token";
import { isWrite, type Writes } from "./writes";

/**
 * createApi returns the client for the API at baseUrl (TODO_API_URL, passed down by the
 * server); writes, when given, counts the requests that change something while they are in
 * flight (the live refresh waits for them).
 */
export function createApi(baseUrl: string, writes?: Writes): TodoApi {
  const send: typeof fetch = writes
    ? (input, init) => {
        const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
        return isWrite(method) ? writes.track(() => retryOnceOn401(input, init)) : retryOnceOn401(input, init);
      }
    : retryOnceOn401;
  return createTodoClient({ baseUrl, getToken, fetch: send });
}

/**
 * retryOnceOn401 is the fetch the generated client sends every request with: on a 401 it asks
 * Better Auth for a new token and sends the same request again, once.
 */
async function retryOnceOn401(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const again = request.clone(); // before the body is used
  const response = await fetch(request);
  if (response.status !== 401) return response;
  const rejected = request.headers.get("Authorization")?.replace(/^Bearer /, "") ?? null;
  const fresh = await renewToken(rejected);
  if (!fresh || fresh === rejected) return response;
  again.headers.set("Authorization", `Bearer ${fresh}`);
  return fetch(again);
}

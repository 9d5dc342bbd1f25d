// Better Auth's HTTP endpoints: sign-up, sign-in, sign-out, session, /token (the API's bearer
// token) and /jwks (its public keys, fetched by the Go API).
import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "@/lib/auth";

export const GET = (req: Request) => toNextJsHandler(getAuth()).GET(req);
export const POST = (req: Request) => toNextJsHandler(getAuth()).POST(req);

// Better Auth on the server: email + password, sessions in PostgreSQL, and the JWT plugin that
// signs the bearer tokens the Go API trusts (it fetches the public keys from /api/auth/jwks).
//
// Settings come from the environment at run time: BETTER_AUTH_URL (this app's base URL),
// BETTER_AUTH_SECRET, AUTH_DATABASE_URL. The instance is made on first use, so `next build`
// (which loads this module) needs none of them.
import { betterAuth } from "better-auth";
import { nextCookies } from "better-auth/next-js";
import { jwt } from "better-auth/plugins";
import { Pool } from "pg";

function createAuth() {
  const base = process.env.BETTER_AUTH_URL;
  if (!base) throw new Error("BETTER_AUTH_URL is not set: the base URL of this app, e.g. http://localhost:3000");
  // The origin (scheme://host[:port]) is the `iss` and `aud` of every token. The API derives
  // its JWT_ISSUER and JWT_AUDIENCE from the same BETTER_AUTH_URL and compares them exactly,
  // so they are spelled out here rather than left to a default.
  const origin = new URL(base).origin;
  return betterAuth({
    appName: "Todo",
    baseURL: base,
    database: new Pool({ connectionString: process.env.AUTH_DATABASE_URL, max: 5 }),
    emailAndPassword: { enabled: true, autoSignIn: true, minPasswordLength: 8 },
    telemetry: { enabled: false },
    plugins: [
      jwt({
        jwt: {
          issuer: origin,
          audience: origin,
          expirationTime: "15m",
          // The API needs `sub` (always set: the user id) and `name`, which it records when
          // the user joins a shared list so that members are shown by name. The e-mail
          // address stays out of a token that travels in headers and may end up in logs.
          definePayload: ({ user }) => ({ name: user.name }),
        },
      }),
      // Lets server actions set cookies; keep it last.
      nextCookies(),
    ],
  });
}

let instance: ReturnType<typeof createAuth> | undefined;

/** getAuth returns the Better Auth instance, made on first use. */
export function getAuth(): ReturnType<typeof createAuth> {
  return (instance ??= createAuth());
}

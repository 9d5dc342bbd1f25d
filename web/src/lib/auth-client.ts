// Better Auth in the browser: same-origin calls to /api/auth/*; jwtClient adds token().
import { jwtClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

export const authClient = createAuthClient({ plugins: [jwtClient()] });

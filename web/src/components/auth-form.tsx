"use client";

import Link from "next/link";
import { useEffect, useState, type FormEvent } from "react";
import { loadAuthClient } from "@/lib/load-auth-client";
import { DEFAULT_RETURN } from "@/lib/return-to";

/**
 * AuthForm is the sign-in and the sign-up form: Better Auth's email + password endpoints. Once
 * signed in it goes to `next` (a path of this app, checked by the page: an invite the visitor
 * came from), else the dashboard.
 */
export function AuthForm({ mode, next = DEFAULT_RETURN }: { mode: "sign-in" | "sign-up"; next?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Until React handles the form, submitting it would send the password in the URL (a plain GET).
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const signUp = mode === "sign-up";

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    const { error } = await loadAuthClient().then(
      (authClient) =>
        signUp
          ? authClient.signUp.email({ name: String(form.get("name") ?? "").trim() || email, email, password })
          : authClient.signIn.email({ email, password }),
      () => ({ error: { message: "Could not reach the server. Check your connection and try again.", statusText: "" } }),
    );
    if (error) {
      setError(error.message ?? (error.statusText || "Something went wrong, try again."));
      setPending(false);
      return;
    }
    // A full load: the next page reads the new session cookie on the server.
    window.location.assign(next);
  }

  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center px-4 py-10">
      <h1 className="mb-1 text-2xl font-semibold tracking-tight">{signUp ? "Create your account" : "Sign in"}</h1>
      <p className="mb-6 text-sm text-muted">
        {signUp ? "Already have an account? " : "New here? "}
        <Link className="font-medium text-link underline underline-offset-2 hover:no-underline" href={`${signUp ? "/sign-in" : "/sign-up"}${next === DEFAULT_RETURN ? "" : `?next=${encodeURIComponent(next)}`}`}>
          {signUp ? "Sign in" : "Create an account"}
        </Link>
      </p>
      <form onSubmit={onSubmit} onFocus={() => void loadAuthClient().catch(() => {})} className="card space-y-4 p-6" noValidate={false}>
        {signUp && (
          <div>
            <label className="label" htmlFor="name">Name</label>
            <input className="input" id="name" name="name" autoComplete="name" />
          </div>
        )}
        <div>
          <label className="label" htmlFor="email">Email</label>
          <input className="input" id="email" name="email" type="email" autoComplete="email" required />
        </div>
        <div>
          <label className="label" htmlFor="password">Password</label>
          <input
            className="input"
            id="password"
            name="password"
            type="password"
            autoComplete={signUp ? "new-password" : "current-password"}
            minLength={signUp ? 8 : undefined}
            required
            aria-describedby={signUp ? "password-hint" : undefined}
          />
          {signUp && <p id="password-hint" className="hint">At least 8 characters.</p>}
        </div>
        {error && (
          <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
            {error}
          </p>
        )}
        <button className="btn-primary w-full" type="submit" disabled={pending || !ready}>
          {pending ? (signUp ? "Creating account…" : "Signing in…") : signUp ? "Create account" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

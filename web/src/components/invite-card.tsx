"use client";

import { TodoApiError, type InviteOffer } from "@todo-api/client";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { createApi } from "@/lib/api";
import { ROLE_DOES } from "@/lib/roles";
import { describeError } from "@/lib/tasks";

const page = "mx-auto flex min-h-dvh max-w-md flex-col justify-center px-4 py-10";

/** InviteGone is an invite that leads nowhere (unknown, used, revoked, expired): said plainly, with the way back. */
export function InviteGone() {
  return (
    <main className={`${page} items-center text-center`}>
      <p className="text-sm font-semibold text-link">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">This invite link is not valid</h1>
      <p className="mt-2 text-muted">It may have been used already, revoked, or it has expired. Ask the list’s owner for a new link.</p>
      <Link href="/dashboard" className="btn-primary mt-6">
        Back to your tasks
      </Link>
    </main>
  );
}

/**
 * InviteCard asks whether to join: "Ana invites you to Groceries as editor". Join accepts the
 * invite (POST /api/invites/{token}/accept) and opens the list. The offer comes read by the
 * server; when it could not be, it is read here.
 */
export function InviteCard({ apiUrl, token, offer: served }: { apiUrl: string; token: string; offer: InviteOffer | null }) {
  const api = useMemo(() => createApi(apiUrl), [apiUrl]);
  const [offer, setOffer] = useState(served);
  const [gone, setGone] = useState(false);
  const [error, setError] = useState("");
  const [joining, setJoining] = useState(false);

  useEffect(() => {
    if (served) return;
    api.getInvite({ path: { token } }).then(
      ({ data }) => setOffer(data),
      (e: unknown) => (e instanceof TodoApiError && e.status === 404 ? setGone(true) : setError(describeError(e))),
    );
  }, [api, token, served]);

  async function join() {
    setJoining(true);
    setError("");
    try {
      const { data: list } = await api.acceptInvite({ path: { token } });
      window.location.assign(`/lists/${list.id}`);
    } catch (e) {
      setJoining(false);
      if (e instanceof TodoApiError && e.status === 404) setGone(true);
      else setError(describeError(e));
    }
  }

  if (gone) return <InviteGone />;
  const inviter = offer?.invited_by.name ?? "Someone";
  return (
    <main className={page}>
      <div className="card p-6">
        {offer ? (
          <>
            <h1 className="text-xl font-semibold tracking-tight" data-testid="invite-offer">
              {inviter} invites you to {offer.list_name} as {offer.role}
            </h1>
            <p className="mt-2 text-sm text-muted">
              As {offer.role === "editor" ? "an editor" : "a viewer"} you {ROLE_DOES[offer.role]}.
            </p>
            <div className="mt-6 flex flex-wrap gap-2">
              <button type="button" className="btn-primary" onClick={() => void join()} disabled={joining}>
                {joining ? "Joining…" : "Join"}
                <span className="sr-only"> {offer.list_name}</span>
              </button>
              <Link href="/dashboard" className="btn-ghost">
                Not now
              </Link>
            </div>
          </>
        ) : (
          !error && (
            <p className="text-muted" aria-busy="true">
              Reading the invitation…
            </p>
          )
        )}
        {error && (
          <p role="alert" className="mt-4 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
            {error}
          </p>
        )}
      </div>
    </main>
  );
}

"use client";

import type { List, Member, PendingInvite, TodoApi } from "@todo-api/client";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { ROLE_DOES, ROLE_NAMES } from "@/lib/roles";
import { describeError } from "@/lib/tasks";
import { Modal } from "./modal";

type InviteRole = PendingInvite["role"];

const when = (iso: string) => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

interface Props {
  api: TodoApi;
  /** The list (not the inbox); its `role` says what the dialog offers. */
  list: List;
  /** The signed-in user's id, to tell them apart among the members. */
  me: string;
  onClose: () => void;
  /** Members or their roles changed: the list's member count is to be read again. */
  onChanged: () => void;
  /** The user left the list: it is gone for them. */
  onLeft: () => void;
}

/**
 * ShareDialog is a shared list's people. Its owner makes an invite link with a role (the link is
 * shown once: copy it), sees the pending invites and revokes them, changes a member's role and
 * removes members. A member sees who is in the list and can leave it.
 */
export function ShareDialog({ api, list, me, onClose, onChanged, onLeft }: Props) {
  const owner = list.role === "owner";
  const [members, setMembers] = useState<Member[] | null>(null);
  const [invites, setInvites] = useState<PendingInvite[] | null>(null);
  const [role, setRole] = useState<InviteRole>("editor");
  const [link, setLink] = useState<{ url: string; role: InviteRole } | null>(null);
  const [copied, setCopied] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      const [m, i] = await Promise.all([api.listMembers({ path: { id: list.id } }), owner ? api.listInvites({ path: { id: list.id } }) : undefined]);
      setMembers(m.data);
      if (i) setInvites(i.data);
    } catch (e) {
      setError(describeError(e));
    }
  }, [api, list.id, owner]);
  useEffect(() => {
    void load();
  }, [load]);

  /** act runs one change, then reads members and invites again; a refusal is said in the dialog. */
  async function act(run: () => Promise<unknown>, changed = true) {
    setBusy(true);
    setError("");
    try {
      await run();
      if (changed) onChanged();
      await load();
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  /**
   * changeRole shows the member's new role at once (the select is controlled: without this it
   * showed the old role until the members were read again) and puts it back if it is refused.
   */
  async function changeRole(userId: string, to: InviteRole) {
    setMembers((ms) => ms && ms.map((x) => (x.user_id === userId ? { ...x, role: to } : x)));
    if (!(await act(() => api.updateMember({ path: { id: list.id, user_id: userId }, body: { role: to } })))) await load();
  }

  async function invite(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCopied("");
    await act(async () => {
      const { data } = await api.createInvite({ path: { id: list.id }, body: { role } });
      setLink({ url: `${window.location.origin}/invite/${data.token}`, role: data.role });
    }, false);
  }

  async function copy() {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied("Copied: send it to the person you invite.");
    } catch {
      (document.getElementById("invite-link") as HTMLInputElement | null)?.select();
      setCopied("Selected: press Ctrl+C (⌘C) to copy it.");
    }
  }

  const leave = () =>
    act(() => api.removeMember({ path: { id: list.id, user_id: me } }), false).then((ok) => {
      if (ok) onLeft();
    });

  return (
    <Modal title={owner ? `Share “${list.name}”` : `People in “${list.name}”`} onClose={onClose} wide>
      {(close) => (
        <div className="space-y-6" data-testid="share-dialog">
          {owner && (
            <section aria-labelledby="invite-heading">
              <h3 id="invite-heading" className="font-semibold">
                Invite with a link
              </h3>
              <form onSubmit={invite} className="mt-2 flex flex-wrap items-end gap-2" aria-label="Create an invite link">
                <div className="min-w-40 flex-1">
                  <label className="label" htmlFor="invite-role">
                    Role
                  </label>
                  <select id="invite-role" className="input" value={role} onChange={(e) => setRole(e.target.value as InviteRole)} aria-describedby="invite-role-hint">
                    <option value="editor">Editor</option>
                    <option value="viewer">Viewer</option>
                  </select>
                </div>
                <button type="submit" className="btn-primary" disabled={busy} data-autofocus>
                  Create link
                </button>
                <p id="invite-role-hint" className="hint w-full">
                  {role === "editor" ? "An editor" : "A viewer"} {ROLE_DOES[role]}. The link works once, for 7 days.
                </p>
              </form>
              {link && (
                <div className="mt-3 rounded-lg bg-sunken p-3">
                  <label className="label" htmlFor="invite-link">
                    Invite link ({link.role}) — shown only now: copy it
                  </label>
                  <div className="flex gap-2">
                    <input id="invite-link" className="input min-w-0 flex-1 font-mono" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} />
                    <button type="button" className="btn-secondary" onClick={() => void copy()}>
                      Copy<span className="sr-only"> link</span>
                    </button>
                  </div>
                  <p role="status" className="hint">
                    {copied}
                  </p>
                </div>
              )}
            </section>
          )}

          {owner && (
            <section aria-labelledby="invites-heading">
              <h3 id="invites-heading" className="font-semibold">
                Pending invites
              </h3>
              {invites === null ? (
                <p className="mt-1 text-sm text-muted">Loading…</p>
              ) : invites.length === 0 ? (
                <p className="mt-1 text-sm text-muted">No pending invites.</p>
              ) : (
                <ul className="mt-1 divide-y divide-line" data-testid="invites">
                  {invites.map((i) => (
                    <li key={i.id} className="flex items-center gap-2 py-1 text-sm" data-testid="invite">
                      <span className="min-w-0 flex-1">
                        {ROLE_NAMES[i.role]} · expires {when(i.expires_at)}
                      </span>
                      <button
                        type="button"
                        className="btn-ghost text-danger"
                        disabled={busy}
                        onClick={() => void act(() => api.revokeInvite({ path: { id: list.id, invite_id: i.id } }), false)}
                      >
                        Revoke<span className="sr-only"> the {i.role} invite that expires {when(i.expires_at)}</span>
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}

          <section aria-labelledby="members-heading">
            <h3 id="members-heading" className="font-semibold">
              Members
            </h3>
            {members === null ? (
              <p className="mt-1 text-sm text-muted">Loading…</p>
            ) : (
              <ul className="mt-1 divide-y divide-line" data-testid="members">
                {members.map((m) => {
                  const you = m.user_id === me;
                  // A name is known once its member made an invite or joined with a token that had one.
                  const name = m.name ?? (you ? "You" : "Unnamed member");
                  return (
                    <li key={m.user_id} className="flex flex-wrap items-center gap-2 py-1 text-sm" data-testid="member">
                      <span className="min-w-0 flex-1 truncate font-medium">
                        {name}
                        {you && m.name && <span className="font-normal text-muted"> (you)</span>}
                      </span>
                      {owner && m.role !== "owner" ? (
                        <>
                          <label className="sr-only" htmlFor={`role-${m.user_id}`}>
                            Role of {name}
                          </label>
                          <select
                            id={`role-${m.user_id}`}
                            className="input w-auto"
                            value={m.role}
                            disabled={busy}
                            onChange={(e) => void changeRole(m.user_id, e.target.value as InviteRole)}
                          >
                            <option value="editor">Editor</option>
                            <option value="viewer">Viewer</option>
                          </select>
                          <button
                            type="button"
                            className="btn-ghost text-danger"
                            disabled={busy}
                            onClick={() => void act(() => api.removeMember({ path: { id: list.id, user_id: m.user_id } }))}
                          >
                            Remove<span className="sr-only"> {name}</span>
                          </button>
                        </>
                      ) : (
                        <span className="text-muted" data-testid="member-role">
                          {ROLE_NAMES[m.role]}
                        </span>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>

          {error && (
            <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
              {error}
            </p>
          )}

          <div className="flex flex-wrap justify-end gap-2">
            {!owner && (
              <button type="button" className="btn-secondary text-danger" disabled={busy} onClick={() => void leave()}>
                Leave list
              </button>
            )}
            <button type="button" className="btn-primary" onClick={close}>
              Done
            </button>
          </div>
        </div>
      )}
    </Modal>
  );
}

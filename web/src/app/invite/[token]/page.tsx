import { TodoApiError, type InviteOffer } from "@todo-api/client";
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { InviteCard } from "@/components/invite-card";
import { signInFor } from "@/lib/return-to";
import { apiUrl, serverApi } from "@/lib/server-api";
import { getSession } from "@/lib/session";

export const metadata: Metadata = { title: "Invitation" };

/**
 * InvitePage is where an invite link leads: who invites you to which list with which role,
 * and Join. Without a session: sign in (or up) first, then back here. An unknown, used,
 * revoked or expired invite is this segment's not-found page.
 */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  if (!(await getSession())) redirect(signInFor(`/invite/${encodeURIComponent(token)}`));
  let offer: InviteOffer | null = null;
  try {
    offer = (await (await serverApi(1500)).getInvite({ path: { token } })).data;
  } catch (e) {
    if (e instanceof TodoApiError && e.status === 404) notFound();
    // Anything else (slow, unreachable): the browser asks again and says what is wrong.
  }
  return <InviteCard apiUrl={apiUrl()} token={token} offer={offer} />;
}

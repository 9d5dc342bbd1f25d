import type { Metadata } from "next";
import { InviteGone } from "@/components/invite-card";

export const metadata: Metadata = { title: "Invitation not found" };

/** NotFound is an invite link that leads nowhere: unknown, used, revoked or expired. */
export default function NotFound() {
  return <InviteGone />;
}

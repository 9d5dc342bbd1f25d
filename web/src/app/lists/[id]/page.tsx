import { TodoApiError } from "@todo-api/client";
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { Dashboard } from "@/components/dashboard";
import { loadInitial } from "@/lib/initial";
import { signInFor } from "@/lib/return-to";
import { apiUrl, serverApi } from "@/lib/server-api";
import { getSession } from "@/lib/session";

export const metadata: Metadata = { title: "List" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * ListPage is one list's address: the dashboard opened on it. A list the user cannot see — it
 * does not exist, was deleted, or they are not (or no longer) a member — is not found.
 */
export default async function ListPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await getSession();
  if (!session) redirect(signInFor(`/lists/${encodeURIComponent(id)}`));
  if (!UUID.test(id)) notFound();
  try {
    await (await serverApi(1500)).getList({ path: { id } });
  } catch (e) {
    if (e instanceof TodoApiError && e.status === 404) notFound();
    // Anything else: the dashboard reads the list itself and says what is wrong.
  }
  const url = apiUrl();
  const initial = await loadInitial(url);
  return (
    <>
      <link rel="preconnect" href={url} crossOrigin="anonymous" />
      <Dashboard
        apiUrl={url}
        user={{ id: session.user.id, email: session.user.email }}
        // The first screen read on the server is the default view's: the list's own is read by the browser.
        initial={initial && { ...initial, sections: {} }}
        initialView={`list:${id}`}
      />
    </>
  );
}

import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Dashboard } from "@/components/dashboard";
import { loadInitial } from "@/lib/initial";
import { getSession } from "@/lib/session";

export const metadata: Metadata = { title: "Tasks" };

export default async function DashboardPage() {
  const session = await getSession();
  if (!session) redirect("/sign-in");
  // Read at request time, not build time: one build runs against any API address.
  const apiUrl = process.env.TODO_API_URL;
  if (!apiUrl) throw new Error("TODO_API_URL is not set: the address of the Todo API");
  return (
    <>
      {/* The first API call waits for its token: open the connection meanwhile (React puts the
          link in <head>). The calls carry no cookies (credentials "same-origin" across
          origins), so the connection to open is the anonymous one. */}
      <link rel="preconnect" href={apiUrl} crossOrigin="anonymous" />
      <Dashboard apiUrl={apiUrl} user={{ id: session.user.id, email: session.user.email }} initial={await loadInitial(apiUrl)} />
    </>
  );
}

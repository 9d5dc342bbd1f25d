import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { preconnect } from "react-dom";
import { Dashboard } from "@/components/dashboard";
import { getSession } from "@/lib/session";

export const metadata: Metadata = { title: "Tasks" };

export default async function DashboardPage() {
  const session = await getSession();
  if (!session) redirect("/sign-in");
  // Read at request time, not build time: one build runs against any API address.
  const apiUrl = process.env.TODO_API_URL;
  if (!apiUrl) throw new Error("TODO_API_URL is not set: the address of the Todo API");
  // The first API call waits for its token: open the connection meanwhile. The calls carry no
  // cookies (credentials "same-origin" across origins), so the connection is the anonymous one.
  preconnect(apiUrl, { crossOrigin: "anonymous" });
  return <Dashboard apiUrl={apiUrl} user={{ email: session.user.email }} />;
}

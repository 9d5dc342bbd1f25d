import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Dashboard } from "@/components/dashboard";
import { getSession } from "@/lib/session";

export const metadata: Metadata = { title: "Tasks" };

export default async function DashboardPage() {
  const session = await getSession();
  if (!session) redirect("/sign-in");
  // Read at request time, not build time: one build runs against any API address.
  const apiUrl = process.env.TODO_API_URL;
  if (!apiUrl) throw new Error("TODO_API_URL is not set: the address of the Todo API");
  return <Dashboard apiUrl={apiUrl} user={{ email: session.user.email }} />;
}

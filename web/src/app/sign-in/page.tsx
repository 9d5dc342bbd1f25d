import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth-form";
import { returnTo } from "@/lib/return-to";
import { getSession } from "@/lib/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = returnTo((await searchParams).next);
  if (await getSession()) redirect(next);
  return <AuthForm mode="sign-in" next={next} />;
}

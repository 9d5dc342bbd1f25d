import { redirect } from "next/navigation";

// The dashboard sends visitors without a session on to the sign-in page.
export default function Home(): never {
  redirect("/dashboard");
}

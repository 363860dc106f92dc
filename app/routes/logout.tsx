import { redirect, type ActionFunctionArgs } from "@remix-run/node";

export async function action({ context }: ActionFunctionArgs) {
  if (await context.getUser()) await context.trpc.auth.logout();
  return redirect("/login", { headers: { "Set-Cookie": context.clearSessionCookie() } });
}

export const loader = () => redirect("/");

import type { LoaderFunctionArgs } from "@remix-run/node";
import { RouteError } from "~/components/ErrorView";
import { requireUser } from "~/lib/guards.server";

// Any address no other route claims: a 404 inside the app shell (logged-out visitors log in first).
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  throw new Response("There is nothing at this address.", { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <RouteError />;
}

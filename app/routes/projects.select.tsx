import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { idInput } from "~/lib/schemas.server";
import { requireUser, safeRedirect, trpcErrorResponse } from "~/lib/guards.server";

/** Back to the page the switcher was on, when that page is on this site; else Home. */
function backTo(request: Request): string {
  const referer = request.headers.get("referer");
  if (!referer) return "/";
  try {
    const from = new URL(referer);
    if (from.host !== new URL(request.url).host) return "/";
    return safeRedirect(from.pathname + from.search);
  } catch {
    return "/";
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request);
  const parsed = idInput.safeParse({ id: (await request.formData()).get("id") });
  if (!parsed.success) throw new Response("Choose a project", { status: 400 });
  try {
    await context.trpc.projects.select(parsed.data);
  } catch (err) {
    throw trpcErrorResponse(err) ?? err;
  }
  return redirect(backTo(request));
}

export const loader = () => redirect("/");

import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser, trpcErrorResponse } from "~/lib/guards.server";

// Resource route: a cohort's members as a CSV download (?properties=email,plan adds columns).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUser(context, request);
  const properties = (new URL(request.url).searchParams.get("properties") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  try {
    const { csv, filename } = await context.trpc.automations.audiences.csv({ cohortId: params.cohortId ?? "", properties });
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    throw trpcErrorResponse(err) ?? err;
  }
}

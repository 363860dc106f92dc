import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser, trpcErrorResponse } from "~/lib/guards.server";

// Resource route: a stored report file, for anyone who may read the project's reports (viewer and up).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUser(context, request, "viewer");
  try {
    const file = await context.trpc.reports.file({ id: params.id ?? "" });
    const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
    return new Response(new Uint8Array(file.bytes), {
      headers: {
        "content-type": file.contentType,
        "content-length": String(file.bytes.length),
        "content-disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (err) {
    throw trpcErrorResponse(err) ?? err;
  }
}

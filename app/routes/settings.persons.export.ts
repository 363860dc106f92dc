import type { ActionFunctionArgs } from "@remix-run/node";
import { personRefInput } from "~/lib/schemas.server";
import { parseForm, text } from "~/lib/forms.server";
import { requireUser, trpcErrorResponse } from "~/lib/guards.server";

// Resource route: the export downloads as a file; the persons page posts here with reloadDocument.
export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "admin");
  const personId = text(await request.formData(), "personId");
  const parsed = parseForm(personRefInput, { personId });
  if (!parsed.ok) throw new Response("No such person", { status: 400 });
  try {
    const exported = await context.trpc.privacy.exportPerson(parsed.data);
    return new Response(JSON.stringify(exported, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="person-${exported.person?.id ?? personId}.json"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    throw trpcErrorResponse(err) ?? err;
  }
}

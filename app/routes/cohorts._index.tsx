import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { Time } from "~/components/Time";
import { expectedError, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  return json({ cohorts: await context.trpc.cohorts.list(), canWrite: user.role !== "viewer" });
}

type Created = { id: string; name: string; memberCount: number; unknown: string[]; unknownCount: number };
type ActionData = { intent: string; formError?: string; fieldErrors?: FieldErrors; recomputed?: { name: string; memberCount: number }; created?: Created };

/** The CSV comes from a file input or, without one, from the pasted text. */
async function csvOf(form: FormData): Promise<string> {
  const file = form.get("file");
  if (file && typeof file === "object" && "text" in file && file.size > 0) return await file.text();
  return text(form, "csvText");
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent === "recompute") {
      const r = await context.trpc.cohorts.recompute({ id: text(form, "id"), wait: true });
      return json<ActionData>({ intent, recomputed: { name: text(form, "name"), memberCount: r.queued ? 0 : r.memberCount } });
    }
    if (intent !== "createStatic") throw new Response("Unknown action", { status: 400 });
    const csv = await csvOf(form);
    // Check the file first, so a bad row does not leave an empty cohort behind.
    if (!csv.trim()) return json<ActionData>({ intent, fieldErrors: { csv: "Choose a CSV file or paste ids" } }, { status: 400 });
    const { cohort } = await context.trpc.cohorts.create({ kind: "static", name: text(form, "name"), description: text(form, "description") });
    try {
      const up = await context.trpc.cohorts.uploadCsv({ id: cohort.id, csv, idType: text(form, "idType") === "person_id" ? "person_id" : "distinct_id" });
      // Shown here rather than after a redirect: unknown ids (often emails) stay out of URLs.
      return json<ActionData>({ intent, created: { id: cohort.id, name: cohort.name, memberCount: up.memberCount, unknown: up.unknown, unknownCount: up.unknownCount } });
    } catch (err) {
      await context.trpc.cohorts.delete({ id: cohort.id });
      throw err;
    }
  } catch (err) {
    if (err instanceof Response) throw err;
    return json<ActionData>({ intent, ...expectedError(err) }, { status: 400 });
  }
}

export default function CohortsIndex() {
  const { cohorts, canWrite } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const createErrors = result?.intent === "createStatic" && !result.created ? result : undefined;
  const created = result?.created;
  return (
    <div className="stack-lg">
      {created ? (
        <Card title={<>Created <Link to={`/cohorts/${created.id}`}>{created.name}</Link></>}>
          <p>{created.memberCount.toLocaleString("en")} members.</p>
          {created.unknownCount > 0 ? (
            <div data-testid="unknown-ids">
              <p className="alert alert-error" role="alert">
                {created.unknownCount === 1 ? "1 id matches" : `${created.unknownCount.toLocaleString("en")} ids match`} no person in this project:
              </p>
              <pre className="code-block">{created.unknown.join("\n")}{created.unknownCount > created.unknown.length ? "\n…" : ""}</pre>
            </div>
          ) : null}
        </Card>
      ) : null}
      {result?.recomputed ? <FormMessage success={`“${result.recomputed.name}” now has ${result.recomputed.memberCount.toLocaleString("en")} member${result.recomputed.memberCount === 1 ? "" : "s"}.`} /> : null}
      {result?.intent === "recompute" ? <FormMessage error={result.formError} /> : null}
      <Card
        title="All cohorts"
        actions={canWrite ? <Link to="/cohorts/new" className="btn btn-primary btn-sm">New dynamic cohort</Link> : null}
      >
        {cohorts.length === 0 ? (
          <EmptyState title="No cohorts yet">Upload a list of ids below, or define one by rules.</EmptyState>
        ) : (
          <div className="table-wrap table-wrap-overflow">
            <table className="table" data-testid="cohorts-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col" className="num">Members</th>
                  <th scope="col">Computed</th>
                  <th scope="col"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {cohorts.map((c) => (
                  <tr key={c.id}>
                    <td><Link to={`/cohorts/${c.id}`}>{c.name}</Link></td>
                    <td>{c.kind === "dynamic" ? <Badge tone="info">dynamic</Badge> : <Badge>static</Badge>}</td>
                    <td className="num">{c.memberCount.toLocaleString("en")}</td>
                    <td className="nowrap"><Time value={c.computedAt} /></td>
                    <td className="actions">
                      {canWrite ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="recompute" />
                          <input type="hidden" name="id" value={c.id} />
                          <input type="hidden" name="name" value={c.name} />
                          <button type="submit" className="btn btn-sm btn-secondary" disabled={busy}>Recompute</button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {canWrite ? (
        <Card title="New static cohort" description="Upload a CSV with one id per row (a header row naming distinct_id or person_id is optional). Ids that match no one are listed after the upload.">
          <Form method="post" encType="multipart/form-data" className="form-grid" noValidate>
            <input type="hidden" name="intent" value="createStatic" />
            <FormMessage error={createErrors?.formError} />
            <TextField label="Name" name="name" required maxLength={200} error={createErrors?.fieldErrors?.name} />
            <TextField label="Description" name="description" maxLength={2000} />
            <SelectField label="The ids are" name="idType" defaultValue="distinct_id">
              <option value="distinct_id">distinct ids (what your app sends)</option>
              <option value="person_id">person ids (Foresight's UUIDs)</option>
            </SelectField>
            <TextField label="CSV file" name="file" type="file" accept=".csv,text/csv,text/plain" error={createErrors?.fieldErrors?.csv} />
            <label className="field">
              <span>…or paste ids</span>
              <textarea name="csvText" rows={4} placeholder={"user-1\nuser-2"} />
            </label>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy}>Create and upload</button>
            </div>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}

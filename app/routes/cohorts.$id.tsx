import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card, Stat } from "~/components/Card";
import { CohortRuleBuilder, type Group } from "~/components/CohortRuleBuilder";
import { ConfirmAction } from "~/components/ConfirmAction";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { Time } from "~/components/Time";
import { expectedError, text, type FieldErrors } from "~/lib/forms.server";
import { recordNotFound, requireUser } from "~/lib/guards.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.cohort.name ?? "Cohort"} · Cohorts · Foresight` }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  if (!UUID.test(params.id ?? "")) throw new Response("No such cohort", { status: 404 });
  const cursor = new URL(request.url).searchParams.get("after");
  const [cohort, page, all] = await Promise.all([
    context.trpc.cohorts.get({ id: params.id! }),
    context.trpc.cohorts.members({ id: params.id!, limit: 50, cursor: cursor && UUID.test(cursor) ? cursor : undefined }),
    context.trpc.cohorts.list(),
  ]).catch(recordNotFound("There is no such cohort."));
  const others = all.filter((c) => c.id !== cohort.id).map((c) => ({ id: c.id, name: c.name }));
  return json({ cohort, page, others, canWrite: user.role !== "viewer", paged: !!cursor });
}

type Upload = { matchedPersons: number; unknown: string[]; unknownCount: number; added: number; removed: number; memberCount: number };
type ActionData = { intent: string; formError?: string; fieldErrors?: FieldErrors; upload?: Upload; success?: string };

async function csvOf(form: FormData): Promise<string> {
  const file = form.get("file");
  if (file && typeof file === "object" && "text" in file && file.size > 0) return await file.text();
  return text(form, "csvText");
}

function definitionOf(form: FormData): unknown {
  try {
    return JSON.parse(text(form, "definition"));
  } catch {
    return null;
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const id = params.id!;
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    switch (intent) {
      case "recompute": {
        const r = await context.trpc.cohorts.recompute({ id, wait: true });
        return json<ActionData>({ intent, success: r.queued ? "Queued." : `Recomputed: ${r.memberCount} members (${r.added} joined, ${r.removed} left).` });
      }
      case "upload": {
        const mode = text(form, "mode") === "append" ? "append" : "replace";
        const idType = text(form, "idType") === "person_id" ? "person_id" : "distinct_id";
        const upload = await context.trpc.cohorts.uploadCsv({ id, csv: await csvOf(form), idType, mode });
        return json<ActionData>({ intent, upload });
      }
      case "rules":
        await context.trpc.cohorts.update({ id, definition: definitionOf(form) as never });
        return json<ActionData>({ intent, success: "Rules saved and membership recomputed." });
      case "rename":
        await context.trpc.cohorts.update({ id, name: text(form, "name"), description: text(form, "description") });
        return json<ActionData>({ intent, success: "Saved." });
      case "delete":
        await context.trpc.cohorts.delete({ id });
        return redirect("/cohorts");
      default:
        throw new Response("Unknown action", { status: 400 });
    }
  } catch (err) {
    if (err instanceof Response) throw err;
    return json<ActionData>({ intent, ...expectedError(err) }, { status: 400 });
  }
}

export default function CohortPage() {
  const { cohort, page, others, canWrite, paged } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errorOf = (intent: string) => (result?.intent === intent ? (result.fieldErrors ? Object.values(result.fieldErrors)[0] : undefined) ?? result.formError : undefined);
  return (
    <div className="stack-lg">
      <p><Link to="/cohorts">← All cohorts</Link></p>
      <FormMessage error={result && !["upload", "rules", "rename"].includes(result.intent) ? result.formError : undefined} success={result?.success} />
      <Card
        title={<>{cohort.name} {cohort.kind === "dynamic" ? <Badge tone="info">dynamic</Badge> : <Badge>static</Badge>}</>}
        description={cohort.description || undefined}
        actions={
          canWrite ? (
            <div className="cluster">
              <Form method="post">
                <input type="hidden" name="intent" value="recompute" />
                <button type="submit" className="btn btn-sm btn-secondary" disabled={busy}>Recompute now</button>
              </Form>
              <ConfirmAction
                label="Delete"
                prompt={<>Delete “{cohort.name}” and its membership? Insights filtering by it will match no one.</>}
                confirmLabel="Yes, delete"
                intent="delete"
                fields={{}}
              />
            </div>
          ) : null
        }
      >
        <div className="stat-row">
          <div className="stat-tile">
            <Stat label="Members" value={<span data-testid="member-count">{cohort.memberCount.toLocaleString("en")}</span>} />
          </div>
          <div className="stat-tile">
            <Stat label="Computed" value={<Time value={cohort.computedAt} />} />
          </div>
          {cohort.usedBy.length ? (
            <div className="stat-tile">
              <Stat label="Used by" value={cohort.usedBy.map((c) => c.name).join(", ")} />
            </div>
          ) : null}
        </div>
        <p><a href={`/automations/export/${cohort.id}`}>Download members (CSV)</a> · <Link to="/automations">Sync to a webhook</Link></p>
      </Card>

      {result?.upload ? (
        <Card title="Upload result">
          <p>
            {result.upload.matchedPersons} persons matched; {result.upload.added} joined, {result.upload.removed} left; {result.upload.memberCount} members now.
          </p>
          {result.upload.unknownCount > 0 ? (
            <div data-testid="unknown-ids">
              <p className="alert alert-error" role="alert">
                {result.upload.unknownCount === 1 ? "1 id matches" : `${result.upload.unknownCount.toLocaleString("en")} ids match`} no person in this project:
              </p>
              <pre className="code-block">{result.upload.unknown.join("\n")}{result.upload.unknownCount > result.upload.unknown.length ? "\n…" : ""}</pre>
            </div>
          ) : null}
        </Card>
      ) : null}

      {canWrite && cohort.kind === "static" ? (
        <Card title="Upload ids" description="A CSV with one id per row; a header naming distinct_id or person_id is optional.">
          <Form method="post" encType="multipart/form-data" className="form-grid" noValidate>
            <input type="hidden" name="intent" value="upload" />
            <FormMessage error={errorOf("upload")} />
            <SelectField label="The ids are" name="idType" defaultValue="distinct_id">
              <option value="distinct_id">distinct ids</option>
              <option value="person_id">person ids</option>
            </SelectField>
            <SelectField label="Mode" name="mode" defaultValue="replace">
              <option value="replace">replace the members</option>
              <option value="append">add to the members</option>
            </SelectField>
            <TextField label="CSV file" name="file" type="file" accept=".csv,text/csv,text/plain" />
            <label className="field">
              <span>…or paste ids</span>
              <textarea name="csvText" rows={4} />
            </label>
            <div className="form-actions"><button type="submit" className="btn btn-primary" disabled={busy}>Upload</button></div>
          </Form>
        </Card>
      ) : null}

      {cohort.kind === "dynamic" && cohort.definition ? (
        <Card title="Rules" description={canWrite ? "Saving recomputes the membership at once." : undefined}>
          {canWrite ? (
            <Form method="post" className="stack" noValidate>
              <input type="hidden" name="intent" value="rules" />
              <FormMessage error={errorOf("rules")} />
              <CohortRuleBuilder key={cohort.updatedAt} initial={cohort.definition as Group} cohorts={others} />
              <div className="form-actions"><button type="submit" className="btn btn-primary" disabled={busy}>Save rules</button></div>
            </Form>
          ) : (
            <pre className="code-block">{JSON.stringify(cohort.definition, null, 2)}</pre>
          )}
        </Card>
      ) : null}

      {canWrite ? (
        <Card title="Name and description">
          <Form method="post" className="form-grid" noValidate>
            <input type="hidden" name="intent" value="rename" />
            <FormMessage error={errorOf("rename")} />
            <TextField label="Name" name="name" required maxLength={200} defaultValue={cohort.name} />
            <TextField label="Description" name="description" maxLength={2000} defaultValue={cohort.description} />
            <div className="form-actions"><button type="submit" className="btn btn-secondary" disabled={busy}>Save</button></div>
          </Form>
        </Card>
      ) : null}

      <Card title="Members" description="Ordered by person id, 50 per page.">
        {page.members.length === 0 ? (
          <EmptyState title="No members">{cohort.kind === "static" ? "Upload a CSV of ids." : "No person matches the rules right now."}</EmptyState>
        ) : (
          <div className="table-wrap table-wrap-overflow">
            <table className="table" data-testid="members-table">
              <thead>
                <tr><th scope="col">Person</th><th scope="col">Distinct ids</th><th scope="col">Joined</th></tr>
              </thead>
              <tbody>
                {page.members.map((m) => (
                  <tr key={m.personId}>
                    <td><code>{m.personId}</code></td>
                    <td>{m.distinctIds.join(", ")}</td>
                    <td className="nowrap"><Time value={m.addedAt} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="cluster">
          {paged ? <Link to="?" className="btn btn-sm btn-ghost">First page</Link> : null}
          {page.nextCursor ? <Link to={`?after=${page.nextCursor}`} className="btn btn-sm btn-secondary">Next page</Link> : null}
        </div>
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}

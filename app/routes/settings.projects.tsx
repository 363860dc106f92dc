import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { TRPCError } from "@trpc/server";
import { createProjectInput, updateProjectInput } from "~/lib/schemas.server";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { FormMessage } from "~/components/Field";
import { CreateProjectForm, EditProject, TimezoneList } from "~/components/ProjectForms";
import { SecretOnce } from "~/components/SecretOnce";
import { Time } from "~/components/Time";
import { expectedError, optionalText, parseForm, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Projects · Settings · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const isAdmin = user.role === "admin";
  const [projects, current] = await Promise.all([
    context.trpc.projects.list(),
    context.trpc.projects.current().catch((err: unknown) => {
      if (err instanceof TRPCError && err.code === "PRECONDITION_FAILED") return null;
      throw err;
    }),
  ]);
  const zones = isAdmin ? ["UTC", ...Intl.supportedValuesOf("timeZone")] : [];
  return json({ projects, currentId: current?.id ?? null, isAdmin, zones });
}

type ActionData = {
  intent: "create" | "update";
  id?: string;
  fieldErrors?: FieldErrors;
  formError?: string;
  values?: { name: string; timezone: string };
  created?: { id: string; name: string; write: string; secret: string };
  updated?: string;
};

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "admin");
  const form = await request.formData();
  if (text(form, "intent") === "create") {
    const values = { name: text(form, "name"), timezone: text(form, "timezone") };
    const parsed = parseForm(createProjectInput, { name: values.name, timezone: optionalText(form, "timezone") });
    if (!parsed.ok) return json<ActionData>({ intent: "create", fieldErrors: parsed.fieldErrors, values }, { status: 400 });
    try {
      const { project, keys } = await context.trpc.projects.create(parsed.data);
      return json<ActionData>({ intent: "create", created: { id: project.id, name: project.name, ...keys } });
    } catch (err) {
      return json<ActionData>({ intent: "create", ...expectedError(err), values }, { status: 400 });
    }
  }
  if (text(form, "intent") !== "update") throw new Response("Unknown action", { status: 400 });
  const id = text(form, "id");
  const name = text(form, "name");
  const parsed = parseForm(updateProjectInput, { id, name, timezone: text(form, "timezone").trim() });
  if (!parsed.ok) {
    const fieldErrors = { ...parsed.fieldErrors, ...(name.trim() ? {} : { name: "Name the project" }) };
    return json<ActionData>({ intent: "update", id, fieldErrors }, { status: 400 });
  }
  try {
    const project = await context.trpc.projects.update(parsed.data);
    return json<ActionData>({ intent: "update", id, updated: project.name });
  } catch (err) {
    return json<ActionData>({ intent: "update", id, ...expectedError(err) }, { status: 400 });
  }
}

export default function ProjectsSettings() {
  const { projects, currentId, isAdmin, zones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const createErrors = result?.intent === "create" ? result : undefined;
  return (
    <div className="stack-lg">
      {isAdmin ? <TimezoneList zones={zones} /> : null}
      {result?.created ? (
        <SecretOnce
          title={`Project “${result.created.name}” created`}
          secrets={[
            { label: "Write key (for SDKs and capture)", value: result.created.write },
            { label: "Secret key (for server-side APIs)", value: result.created.secret },
          ]}
        />
      ) : null}
      {result?.updated ? <FormMessage success={`Saved “${result.updated}”.`} /> : null}

      <Card title="Projects" description="Each project has its own events, keys and time zone. Switch between them in the top bar.">
        <div className="table-wrap table-wrap-overflow">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Time zone</th>
                <th scope="col">Created</th>
                {isAdmin ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {projects.map((p) => {
                const failed = result?.intent === "update" && result.id === p.id && !result.updated ? result : undefined;
                return (
                  <tr key={p.id}>
                    <td>
                      <strong>{p.name}</strong> {p.id === currentId ? <Badge tone="accent">current</Badge> : null}
                    </td>
                    <td><code>{p.slug}</code></td>
                    <td>{p.timezone}</td>
                    <td className="nowrap"><Time value={p.createdAt} /></td>
                    {isAdmin ? (
                      <td className="actions">
                        <EditProject project={p} errors={failed?.fieldErrors} formError={failed?.formError} />
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>

      {isAdmin ? (
        <Card title="New project" description="A project starts with one write key and one secret key; both are shown once.">
          <CreateProjectForm
            key={result?.created?.id ?? "new"}
            errors={createErrors?.fieldErrors}
            formError={createErrors?.formError}
            values={createErrors?.values}
          />
        </Card>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}

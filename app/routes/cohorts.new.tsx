import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Card } from "~/components/Card";
import { CohortRuleBuilder } from "~/components/CohortRuleBuilder";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, TextField } from "~/components/Field";
import { expectedError, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "New cohort · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request, "analyst");
  const cohorts = await context.trpc.cohorts.list();
  return json({ cohorts: cohorts.map((c) => ({ id: c.id, name: c.name })) });
}

type ActionData = { formError?: string; fieldErrors?: FieldErrors; values: { name: string; description: string } };

/** The rule tree arrives as JSON from the builder; the procedure's zod schema checks it. */
function definitionOf(form: FormData): unknown {
  try {
    return JSON.parse(text(form, "definition"));
  } catch {
    return null;
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const form = await request.formData();
  const values = { name: text(form, "name"), description: text(form, "description") };
  try {
    const { cohort } = await context.trpc.cohorts.create({ kind: "dynamic", ...values, definition: definitionOf(form) as never });
    return redirect(`/cohorts/${cohort.id}`);
  } catch (err) {
    return json<ActionData>({ ...expectedError(err), values }, { status: 400 });
  }
}

export default function NewCohort() {
  const { cohorts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <Card title="New dynamic cohort" description="Persons matching these rules; membership is computed now and again every 15 minutes.">
      <Form method="post" className="stack" noValidate>
        <FormMessage error={result?.fieldErrors?.definition ?? result?.formError} />
        <TextField label="Name" name="name" required maxLength={200} defaultValue={result?.values.name} error={result?.fieldErrors?.name} />
        <TextField label="Description" name="description" maxLength={2000} defaultValue={result?.values.description} />
        <CohortRuleBuilder cohorts={cohorts} />
        <div className="form-actions cluster">
          <button type="submit" className="btn btn-primary" disabled={busy}>Create and compute</button>
          <Link to="/cohorts" className="btn btn-ghost">Cancel</Link>
        </div>
      </Form>
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}

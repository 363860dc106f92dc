import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { findPersonInput, personRefInput } from "~/lib/schemas.server";
import { Card } from "~/components/Card";
import { ConfirmAction } from "~/components/ConfirmAction";
import { ErasureReceipt } from "~/components/ErasureReceipt";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, TextField } from "~/components/Field";
import { PersonRecord } from "~/components/PersonRecord";
import { expectedError, parseForm, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";
import type { ErasureReceipt as Receipt } from "../../server/privacy/erase-person";
import type { PersonSummary } from "../../server/privacy/find-person";

export const meta: MetaFunction = () => [{ title: "Persons · Settings · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request, "admin");
  return json({ project: await context.trpc.projects.current() });
}

type ActionData = {
  intent: "find" | "erase";
  distinctId?: string;
  fieldErrors?: FieldErrors;
  formError?: string;
  person?: PersonSummary;
  receipt?: Receipt;
};

// Lookups are POSTed, so distinct ids (often emails) stay out of URLs, history and access logs.
export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "admin");
  const form = await request.formData();
  const intent = text(form, "intent");
  if (intent === "find") {
    const distinctId = text(form, "distinctId");
    const parsed = parseForm(findPersonInput, { distinctId });
    if (!parsed.ok) return json<ActionData>({ intent, distinctId, fieldErrors: parsed.fieldErrors }, { status: 400 });
    try {
      return json<ActionData>({ intent, distinctId, person: await context.trpc.privacy.findPerson(parsed.data) });
    } catch (err) {
      return json<ActionData>({ intent, distinctId, ...expectedError(err) }, { status: 404 });
    }
  }
  if (intent !== "erase") throw new Response("Unknown action", { status: 400 });
  const parsed = parseForm(personRefInput, { personId: text(form, "personId") });
  if (!parsed.ok) return json<ActionData>({ intent, formError: "No such person" }, { status: 400 });
  try {
    return json<ActionData>({ intent, receipt: await context.trpc.privacy.erasePerson(parsed.data) });
  } catch (err) {
    return json<ActionData>({ intent, ...expectedError(err) }, { status: 400 });
  }
}

export default function PersonsSettings() {
  const { project } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const found = result?.person;
  return (
    <div className="stack-lg">
      <Card
        title="Find a person"
        description={`Look up what ${project.name} stores about someone, to answer an access or erasure request. Any of their distinct ids works.`}
      >
        <Form method="post" className="form-grid" noValidate>
          <input type="hidden" name="intent" value="find" />
          {result?.intent === "find" && result.formError ? <FormMessage error={result.formError} /> : null}
          <TextField
            label="Distinct id"
            name="distinctId"
            required
            maxLength={200}
            autoComplete="off"
            defaultValue={result?.distinctId}
            error={result?.fieldErrors?.distinctId}
            hint="The id your app sends: a user id, an email, or an anonymous id from the SDK."
          />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary">
              Look up
            </button>
          </div>
        </Form>
      </Card>

      {result?.intent === "erase" && result.formError ? <FormMessage error={result.formError} /> : null}
      {result?.receipt ? <ErasureReceipt receipt={result.receipt} /> : null}

      {found ? (
        <PersonRecord
          person={found}
          actions={
            <div className="cluster">
              <Form method="post" action="/settings/persons/export" reloadDocument>
                <input type="hidden" name="personId" value={found.personId} />
                <button type="submit" className="btn btn-sm btn-secondary">
                  Export JSON
                </button>
              </Form>
              <ConfirmAction
                label="Erase"
                prompt={
                  <>
                    Erase this person? Their {found.eventCount.toLocaleString("en")} events, {found.distinctIds.length} distinct id
                    {found.distinctIds.length > 1 ? "s" : ""} and properties are deleted at once and cannot be recovered. Export first if they
                    asked for a copy.
                  </>
                }
                confirmLabel="Yes, erase everything"
                intent="erase"
                fields={{ personId: found.personId }}
              />
            </div>
          }
        />
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}

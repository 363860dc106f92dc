import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../server/auth/roles";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { FormMessage } from "~/components/Field";
import { EmptyState } from "~/components/EmptyState";
import { queryParam } from "~/components/insights/draft";
import { InsightBuilder } from "~/components/insights/InsightBuilder";
import { formError, loadAnswer, parseJson } from "~/components/insights/load-answer.server";
import { ResultView, type Answer } from "~/components/insights/ResultView";
import { SaveInsightForm } from "~/components/insights/SaveInsightForm";
import { text } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Explorer · Insights · Foresight" }];

// The query lives in the address (`?q=` JSON): the loader runs it, so results link and reload.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const param = queryParam(new URL(request.url).searchParams);
  const events = (await context.trpc.insights.eventNames()).map((e) => e.name);
  const canSave = hasRole(user.role, "analyst");
  if (!param) return json({ events, canSave, qText: null, query: null, answer: null, error: null });
  if ("error" in param) return json({ events, canSave, qText: param.text, query: null, answer: null, error: param.error }, { status: 400 });
  const loaded = await loadAnswer(context, param.raw);
  return json({ events, canSave, qText: param.text, ...loaded }, { status: loaded.error ? 400 : 200 });
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const form = await request.formData();
  if (text(form, "intent") !== "save") throw new Response("Unknown action", { status: 400 });
  try {
    const saved = await context.trpc.insights.create({ name: text(form, "name"), query: parseJson(text(form, "query")) as never });
    return redirect(`/insights/${saved.id}`);
  } catch (err) {
    return json({ formError: formError(err) }, { status: 400 });
  }
}

export default function InsightsExplorer() {
  const { events, canSave, qText, query, answer, error } = useLoaderData<typeof loader>();
  const saved = useActionData<typeof action>();
  return (
    <div className="insights-explorer stack-lg">
      <Card title="Query">
        <InsightBuilder key={qText ?? "new"} initial={query} initialText={qText ?? undefined} events={events} />
      </Card>
      {error ? <FormMessage error={error} /> : null}
      {answer ? (
        <Card title="Result">
          <ResultView answer={answer as Answer} query={query} name={query?.kind ?? "insight"} />
          {canSave && query ? <SaveInsightForm queryText={JSON.stringify(query)} error={saved?.formError} /> : null}
        </Card>
      ) : !error ? (
        <EmptyState title="Build a query and run it">
          {events.length ? "Pick a kind, events and filters above." : "No events have been captured in this project yet, so there is nothing to pick from."}
        </EmptyState>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}

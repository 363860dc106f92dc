import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { TRPCError } from "@trpc/server";
import { hasRole } from "../../server/auth/roles";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { FormMessage } from "~/components/Field";
import { queryParam } from "~/components/insights/draft";
import { InsightBuilder } from "~/components/insights/InsightBuilder";
import { formError, loadAnswer, parseJson } from "~/components/insights/load-answer.server";
import { ResultView, type Answer } from "~/components/insights/ResultView";
import { SavedInsightActions } from "~/components/insights/SavedInsightActions";
import { text } from "~/lib/forms.server";
import { requireUser, trpcErrorResponse } from "~/lib/guards.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.insight.name ?? "Insight"} · Insights · Foresight` }];

// The saved query runs unless the address carries an edited one (`?q=`), which can then be saved over it.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const insight = await context.trpc.insights.get({ id: params.id ?? "" }).catch((err: unknown) => {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) throw new Response("There is no such saved insight.", { status: 404 });
    throw trpcErrorResponse(err) ?? err;
  });
  const param = queryParam(new URL(request.url).searchParams);
  const edited = param && "raw" in param ? param : null;
  const events = (await context.trpc.insights.eventNames()).map((e) => e.name);
  const loaded = await loadAnswer(context, edited ? edited.raw : insight.query);
  const { query: _saved, ...meta } = insight;
  return json(
    { insight: meta, events, edited: !!edited, qText: edited?.text ?? JSON.stringify(insight.query), canEdit: hasRole(user.role, "analyst"), ...loaded },
    { status: loaded.error ? 400 : 200 },
  );
}

type ActionData = { intent: string; formError?: string; ok?: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const form = await request.formData();
  const intent = text(form, "intent");
  const id = params.id ?? "";
  try {
    if (intent === "rename") {
      await context.trpc.insights.rename({ id, name: text(form, "name") });
      return json<ActionData>({ intent, ok: "Renamed." });
    }
    if (intent === "update") {
      await context.trpc.insights.update({ id, query: parseJson(text(form, "query")) as never });
      return redirect(`/insights/${id}`);
    }
    if (intent === "delete") {
      await context.trpc.insights.delete({ id });
      return redirect("/insights/saved");
    }
  } catch (err) {
    return json<ActionData>({ intent, formError: formError(err) }, { status: 400 });
  }
  throw new Response("Unknown action", { status: 400 });
}

export default function SavedInsight() {
  const { insight, events, edited, qText, canEdit, query, answer, error } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack-lg">
      <Card
        title={<span data-testid="insight-name">{insight.name}</span>}
        description={edited ? "Showing your edits; save them to replace the saved query." : "Saved insight"}
        actions={canEdit ? <SavedInsightActions name={insight.name} edited={edited} queryText={JSON.stringify(query)} /> : null}
      >
        <FormMessage error={result?.formError} success={result?.ok} />
        <InsightBuilder key={qText} initial={query} initialText={qText} events={events} />
      </Card>
      {error ? <FormMessage error={error} /> : null}
      {answer ? (
        <Card title="Result">
          <ResultView answer={answer as Answer} query={query} name={insight.name} />
        </Card>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}

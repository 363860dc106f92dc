import { Form, useNavigation } from "@remix-run/react";
import { FormMessage } from "../Field";

/** Save the query that produced the shown result under a name (works without JavaScript). */
export function SaveInsightForm({ queryText, error }: { queryText: string; error?: string | null }) {
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post" className="save-insight stack">
      <input type="hidden" name="intent" value="save" />
      <input type="hidden" name="query" value={queryText} />
      <div className="cluster">
        <label className="field field-inline">
          <span>Name</span>
          <input name="name" required maxLength={200} placeholder="Booking funnel" />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Save insight
        </button>
      </div>
      <FormMessage error={error} />
    </Form>
  );
}

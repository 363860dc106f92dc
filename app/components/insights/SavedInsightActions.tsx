import { Form } from "@remix-run/react";
import { ConfirmAction } from "../ConfirmAction";

/** Rename, save edits over the saved query, delete (behind a confirmation). All work without JavaScript. */
export function SavedInsightActions({ name, edited, queryText }: { name: string; edited: boolean; queryText: string }) {
  return (
    <div className="cluster saved-insight-actions">
      <details className="confirm">
        <summary className="btn btn-sm btn-secondary">Rename</summary>
        <div className="confirm-panel">
          <Form method="post" className="cluster">
            <input type="hidden" name="intent" value="rename" />
            <label className="field">
              <span>New name</span>
              <input name="name" defaultValue={name} required maxLength={200} />
            </label>
            <button type="submit" className="btn btn-sm btn-primary">
              Save name
            </button>
          </Form>
        </div>
      </details>
      {edited ? (
        <Form method="post">
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="query" value={queryText} />
          <button type="submit" className="btn btn-sm btn-primary">
            Save changes
          </button>
        </Form>
      ) : null}
      <ConfirmAction label="Delete" prompt={`Delete “${name}” for everyone in this project?`} confirmLabel="Delete insight" intent="delete" fields={{}} />
    </div>
  );
}

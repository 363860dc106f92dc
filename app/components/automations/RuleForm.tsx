import { Form } from "@remix-run/react";
import { useState } from "react";
import { FilterList } from "~/components/insights/FilterList";
import type { Filter, FilterGroup } from "../../../server/query/schema/common";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import type { FieldErrors } from "~/lib/forms.server";
import { durationText } from "./describe";

type Values = Partial<Record<string, string>>;

/**
 * The form of an automation (create, or edit with `intent="update"`): trigger (with an optional
 * absence window), delay, action, dedup. When editing, a blank secret keeps the stored one.
 */
export function RuleForm({
  values,
  fieldErrors,
  formError,
  busy,
  intent = "create",
  submitLabel = "Create automation",
}: {
  values?: Values;
  fieldErrors?: FieldErrors;
  formError?: string;
  busy: boolean;
  intent?: "create" | "update";
  submitLabel?: string;
}) {
  const v = values ?? {};
  const e = fieldErrors ?? {};
  const editing = intent === "update";
  const customDedup = v.dedup?.startsWith("seconds:") ? Number(v.dedup.slice("seconds:".length)) : null;
  const [event, setEvent] = useState(v.event ?? "");
  const [filters, setFilters] = useState<(Filter | FilterGroup)[]>(() => parseFilters(v.filters));
  return (
    <Form method="post" className="stack" noValidate>
      <input type="hidden" name="intent" value={intent} />
      <FormMessage error={formError} />
      <TextField label="Name" name="name" required maxLength={200} placeholder="Abandoned checkout" defaultValue={v.name} error={e.name} />
      <fieldset className="stack">
        <legend>When</legend>
        <TextField label="A person does" name="event" required placeholder="checkout_started" defaultValue={v.event} error={e.event} onChange={(ev) => setEvent(ev.currentTarget.value)} />
        <div className="stack" role="group" aria-label="where (all of)">
          <span className="muted">where (all of these, optional)</span>
          <FilterList filters={filters} event={event || undefined} onChange={setFilters} />
          <input type="hidden" name="filters" value={JSON.stringify(filters)} />
          {e.filters ? <small className="field-error" role="alert">{e.filters}</small> : null}
        </div>
        <div className="cluster">
          <TextField label="and does not do (optional)" name="absentEvent" placeholder="booking_completed" defaultValue={v.absentEvent} error={e.absentEvent} />
          <TextField label="within (minutes)" name="withinMinutes" type="number" min={1} step="any" placeholder="60" defaultValue={v.withinMinutes} error={e.withinMinutes} />
        </div>
        <TextField
          label="Wait before acting (minutes)"
          name="delayMinutes"
          type="number"
          min={0}
          step="any"
          placeholder="60"
          defaultValue={v.delayMinutes}
          error={e.delayMinutes}
          hint="A rule with an absence window also waits for the window to close."
        />
      </fieldset>
      <fieldset className="stack">
        <legend>Then</legend>
        <SelectField label="Action" name="actionKind" defaultValue={v.actionKind ?? "webhook"}>
          <option value="webhook">Webhook (signed POST with the person's properties)</option>
          <option value="email">Email</option>
        </SelectField>
        <div className="cluster">
          <TextField label="Webhook URL" name="url" type="url" placeholder="https://crm.example/hooks/abandoned" defaultValue={v.url} error={e.url} />
          <TextField
            label="Signing secret (16+ characters)"
            name="secret"
            type="password"
            autoComplete="off"
            error={e.secret}
            hint={editing ? "Leave blank to keep the current secret." : undefined}
          />
        </div>
        <div className="cluster">
          <TextField label="Email to (comma-separated)" name="to" placeholder="crm@example.com" defaultValue={v.to} error={e.to} />
          <TextField label="and the address in person property" name="toPersonProperty" placeholder="email" defaultValue={v.toPersonProperty} error={e.toPersonProperty} />
          <TextField label="Subject" name="subject" placeholder="Your booking is waiting" defaultValue={v.subject} error={e.subject} />
        </div>
        <SelectField label="At most" name="dedup" defaultValue={v.dedup ?? "once"} error={e.dedup}>
          <option value="once">Once per person, ever</option>
          <option value="day">Once per person per day</option>
          <option value="week">Once per person per week</option>
          {customDedup !== null ? <option value={v.dedup}>Once per person per {durationText(customDedup)}</option> : null}
        </SelectField>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>{submitLabel}</button>
      </div>
    </Form>
  );
}

/** The filters a form was filled with (JSON of the trigger's filters); none when absent or unreadable. */
function parseFilters(json: string | undefined): (Filter | FilterGroup)[] {
  if (!json) return [];
  try {
    const f = JSON.parse(json) as unknown;
    return Array.isArray(f) ? (f as (Filter | FilterGroup)[]) : [];
  } catch {
    return [];
  }
}

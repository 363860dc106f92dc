import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { projectSettingsInput, settingsBounds } from "~/lib/schemas.server";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { expectedError, parseForm, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Privacy · Settings · Foresight" }];

const FIELDS = ["ipMode", "cookieless", "respectDnt", "strictEvents", "rateLimitPerSec", "retentionDays"] as const;
type Values = Partial<Record<(typeof FIELDS)[number], string>>;

/** Form strings to the typed input; anything unexpected is left for the schema to reject. */
function toInput(v: Values) {
  const bool = (s = "") => (s === "on" ? true : s === "off" ? false : s);
  const num = (s = "") => (s.trim() === "" ? Number.NaN : Number(s));
  return {
    ipMode: v.ipMode,
    cookieless: bool(v.cookieless),
    respectDnt: bool(v.respectDnt),
    strictEvents: bool(v.strictEvents),
    rateLimitPerSec: num(v.rateLimitPerSec),
    retentionDays: num(v.retentionDays),
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request, "admin");
  return json({ settings: await context.trpc.projectSettings.get(), bounds: settingsBounds });
}

type ActionData = { fieldErrors?: FieldErrors; formError?: string; values?: Values; saved?: boolean };

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "admin");
  const form = await request.formData();
  const values: Values = Object.fromEntries(FIELDS.map((f) => [f, text(form, f)]));
  const parsed = parseForm(projectSettingsInput, toInput(values));
  if (!parsed.ok) return json<ActionData>({ fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  try {
    await context.trpc.projectSettings.update(parsed.data);
    return json<ActionData>({ saved: true });
  } catch (err) {
    return json<ActionData>({ ...expectedError(err), values }, { status: 400 });
  }
}

function OnOff({ label, name, value, error, hint, on, off }: { label: string; name: string; value: string; error?: string; hint: string; on: string; off: string }) {
  return (
    <SelectField label={label} name={name} defaultValue={value} error={error} hint={hint}>
      <option value="on">{on}</option>
      <option value="off">{off}</option>
    </SelectField>
  );
}

export default function PrivacySettings() {
  const { settings, bounds } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.fieldErrors;
  const value = (name: keyof Values, current: string | number | boolean) =>
    result?.values?.[name] ?? (typeof current === "boolean" ? (current ? "on" : "off") : String(current));
  return (
    <div className="stack-lg">
      {result?.saved ? <FormMessage success="Saved. Capture applies the new settings at once (other web processes within 30 seconds)." /> : null}
      <Card
        title={`Privacy for ${settings.name}`}
        description="How this project collects events and how long it keeps them. Switch project in the top bar to change another's."
      >
        <Form method="post" className="form-grid" noValidate key={settings.updatedAt}>
          {result?.formError ? <FormMessage error={result.formError} /> : null}
          <SelectField
            label="IP addresses"
            name="ipMode"
            defaultValue={value("ipMode", settings.ipMode)}
            error={errors?.ipMode}
            hint="Truncating zeroes the last part (/24 for IPv4, /48 for IPv6). Country and city are looked up from the full address before it is stored, whichever you choose."
          >
            <option value="truncate">Truncate</option>
            <option value="keep">Keep as sent</option>
            <option value="drop">Don't store</option>
          </SelectField>
          <OnOff
            label="Cookieless mode"
            name="cookieless"
            value={value("cookieless", settings.cookieless)}
            error={errors?.cookieless}
            on="On"
            off="Off"
            hint="Distinct ids become a daily-rotating salted hash of IP address and user agent, so no cookie is needed; visitors cannot be followed from one day to the next, and IPs are not stored."
          />
          <OnOff
            label="Do-Not-Track"
            name="respectDnt"
            value={value("respectDnt", settings.respectDnt)}
            error={errors?.respectDnt}
            on="Respect it"
            off="Ignore it"
            hint="When respected, events from browsers that send DNT: 1 or Sec-GPC: 1 are acknowledged but not stored."
          />
          <OnOff
            label="Strict typed events"
            name="strictEvents"
            value={value("strictEvents", settings.strictEvents)}
            error={errors?.strictEvents}
            on="Reject mismatches"
            off="Store anyway"
            hint="Events with a typed definition (bookings, searches...) whose properties do not match it are refused with an error naming the property."
          />
          <TextField
            label="Rate limit (events per second per key)"
            name="rateLimitPerSec"
            type="number"
            inputMode="numeric"
            min={bounds.rateLimitPerSec.min}
            max={bounds.rateLimitPerSec.max}
            step={1}
            required
            defaultValue={value("rateLimitPerSec", settings.rateLimitPerSec)}
            error={errors?.rateLimitPerSec}
            hint="A burst of one second's worth is allowed; beyond it capture answers 429 with Retry-After."
          />
          <TextField
            label="Keep events for (days)"
            name="retentionDays"
            type="number"
            inputMode="numeric"
            min={bounds.retentionDays.min}
            max={bounds.retentionDays.max}
            step={1}
            required
            defaultValue={value("retentionDays", settings.retentionDays)}
            error={errors?.retentionDays}
            hint={`Older events and their ids are deleted every night (${bounds.retentionDays.min} to ${bounds.retentionDays.max.toLocaleString("en")} days). Persons are kept until erased under Persons.`}
          />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary">
              Save settings
            </button>
          </div>
        </Form>
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}

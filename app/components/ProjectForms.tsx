import { Form } from "@remix-run/react";
import { TextField } from "./Field";

type Errors = Partial<Record<string, string>> | undefined;

/** One shared list of IANA time zones for every time zone input on the page. */
export function TimezoneList({ zones }: { zones: string[] }) {
  return (
    <datalist id="timezones">
      {zones.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}

export function ProjectFields({ errors, values }: { errors: Errors; values?: { name?: string; timezone?: string } }) {
  return (
    <>
      <TextField label="Name" name="name" required maxLength={80} defaultValue={values?.name} error={errors?.name} />
      <TextField
        label="Time zone"
        name="timezone"
        list="timezones"
        required
        defaultValue={values?.timezone ?? "UTC"}
        error={errors?.timezone}
        hint="Days and weeks in insights start in this zone, e.g. Europe/Berlin."
        autoComplete="off"
      />
    </>
  );
}

export function CreateProjectForm({ errors, values, formError }: { errors: Errors; values?: { name?: string; timezone?: string }; formError?: string }) {
  return (
    <Form method="post" className="stack" noValidate>
      <input type="hidden" name="intent" value="create" />
      {formError ? (
        <p className="alert alert-error" role="alert">
          {formError}
        </p>
      ) : null}
      <ProjectFields errors={errors} values={values} />
      <div>
        <button type="submit" className="btn btn-primary">
          Create project
        </button>
      </div>
    </Form>
  );
}

/** Inline edit behind a disclosure; it opens by itself when the last save of this project failed. */
export function EditProject({
  project,
  errors,
  formError,
}: {
  project: { id: string; name: string; timezone: string; updatedAt: string };
  errors?: Errors;
  formError?: string;
}) {
  const failed = Boolean(errors || formError);
  return (
    <details className="confirm" key={project.updatedAt + (failed ? ":failed" : "")} open={failed || undefined}>
      <summary className="btn btn-sm btn-secondary">Edit</summary>
      <div className="confirm-panel">
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="id" value={project.id} />
          {formError ? (
            <p className="alert alert-error" role="alert">
              {formError}
            </p>
          ) : null}
          <ProjectFields errors={errors} values={project} />
          <div className="cluster">
            <button type="submit" className="btn btn-sm btn-primary">
              Save
            </button>
          </div>
        </Form>
      </div>
    </details>
  );
}

import { Form } from "@remix-run/react";
import { useHydrated } from "~/lib/use-hydrated";

/**
 * A plain POST form to /projects/select. Without JavaScript it has a Switch button; with it,
 * changing the select submits the form.
 */
export function ProjectSwitcher({ current, projects }: { current: { id: string; name: string } | null; projects: { id: string; name: string }[] }) {
  const hydrated = useHydrated();
  if (!current) return <span className="muted">No project yet</span>;
  return (
    <Form method="post" action="/projects/select" className="project-switcher">
      <label htmlFor="project-select" className="project-switcher-label">
        Project
      </label>
      <select
        id="project-select"
        key={current.id}
        name="id"
        defaultValue={current.id}
        onChange={(e) => e.currentTarget.form?.requestSubmit()}
      >
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      {hydrated ? null : (
        <button type="submit" className="btn btn-sm btn-secondary">
          Switch
        </button>
      )}
    </Form>
  );
}

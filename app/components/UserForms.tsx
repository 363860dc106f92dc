import { Form } from "@remix-run/react";
import { useRef } from "react";
import { ConfirmAction } from "./ConfirmAction";
import { FormMessage, SelectField, TextField } from "./Field";

const roles = [
  ["viewer", "Viewer: sees insights and dashboards"],
  ["analyst", "Analyst: also builds insights, experiments and flags"],
  ["admin", "Admin: also manages projects, keys and users"],
] as const;

type Errors = Partial<Record<string, string>> | undefined;

export function CreateUserForm({ errors, formError, values }: { errors: Errors; formError?: string; values?: Record<string, string> }) {
  return (
    <Form method="post" className="form-grid" noValidate>
      <input type="hidden" name="intent" value="create" />
      {formError ? <FormMessage error={formError} /> : null}
      <TextField label="Email" name="email" type="email" required autoComplete="off" defaultValue={values?.email} error={errors?.email} />
      <TextField label="Name" name="name" maxLength={120} autoComplete="off" defaultValue={values?.name} error={errors?.name} />
      <SelectField label="Role" name="role" defaultValue={values?.role ?? "viewer"} error={errors?.role}>
        {roles.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Password (optional)"
        name="password"
        type="password"
        autoComplete="new-password"
        error={errors?.password}
        hint="Leave empty to generate one; it is shown once so you can pass it on."
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          Create user
        </button>
      </div>
    </Form>
  );
}

interface UserRow {
  id: string;
  email: string;
  role: string;
  disabledAt: string | null;
}

function RoleForm({ user }: { user: UserRow }) {
  const details = useRef<HTMLDetailsElement>(null);
  return (
    <details className="confirm" ref={details}>
      <summary className="btn btn-sm btn-secondary">Role</summary>
      <div className="confirm-panel">
        <Form method="post" className="stack" onSubmit={() => details.current?.removeAttribute("open")}>
          <input type="hidden" name="intent" value="role" />
          <input type="hidden" name="id" value={user.id} />
          <SelectField label={`Role of ${user.email}`} name="role" defaultValue={user.role} key={user.role}>
            {roles.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <div>
            <button type="submit" className="btn btn-sm btn-primary">
              Save role
            </button>
          </div>
        </Form>
      </div>
    </details>
  );
}

/** Role, enable/disable and password reset for one user; you cannot disable yourself. */
export function UserActions({ user, isSelf }: { user: UserRow; isSelf: boolean }) {
  return (
    <div className="cluster cluster-end">
      <RoleForm user={user} />
      {user.disabledAt ? (
        <Form method="post">
          <input type="hidden" name="intent" value="enable" />
          <input type="hidden" name="id" value={user.id} />
          <button type="submit" className="btn btn-sm btn-secondary">
            Enable
          </button>
        </Form>
      ) : isSelf ? null : (
        <ConfirmAction
          label="Disable"
          prompt={<>Disable {user.email}? They are logged out at once and cannot log in until enabled again.</>}
          confirmLabel="Yes, disable"
          intent="disable"
          fields={{ id: user.id }}
        />
      )}
      <ConfirmAction
        label="Reset password"
        prompt={<>Give {user.email} a new generated password? Their sessions end; you will see the password once.</>}
        confirmLabel="Reset password"
        intent="reset"
        fields={{ id: user.id }}
        tone="secondary"
      />
    </div>
  );
}

import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <small id={id} className="field-error">
      {message}
    </small>
  );
}

type Common = { label: ReactNode; name: string; error?: string; hint?: ReactNode };

/** Label, input, hint and error, with aria-invalid/aria-describedby wired up. */
export function TextField({ label, name, error, hint, className, ...input }: Common & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <label className={`field${className ? ` ${className}` : ""}`}>
      <span>{label}</span>
      <input name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint ? (
        <small id={`${id}-hint`} className="field-hint">
          {hint}
        </small>
      ) : null}
      <FieldError id={`${id}-error`} message={error} />
    </label>
  );
}

export function SelectField({
  label,
  name,
  error,
  hint,
  className,
  children,
  ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <label className={`field${className ? ` ${className}` : ""}`}>
      <span>{label}</span>
      <select name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...select}>
        {children}
      </select>
      {hint ? (
        <small id={`${id}-hint`} className="field-hint">
          {hint}
        </small>
      ) : null}
      <FieldError id={`${id}-error`} message={error} />
    </label>
  );
}

/** A form-level message: errors are announced (role=alert), successes politely (role=status). */
export function FormMessage({ error, success }: { error?: string | null; success?: string | null }) {
  if (error) {
    return (
      <p className="alert alert-error" role="alert">
        {error}
      </p>
    );
  }
  if (success) {
    return (
      <p className="alert alert-success" role="status">
        {success}
      </p>
    );
  }
  return null;
}

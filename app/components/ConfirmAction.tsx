import { Form } from "@remix-run/react";
import { useRef, type ReactNode } from "react";

/**
 * A destructive action behind a second click that works without JavaScript: the first button
 * opens a <details> panel holding the real form.
 */
export function ConfirmAction({
  label,
  prompt,
  confirmLabel,
  intent,
  fields,
  tone = "danger",
}: {
  label: string;
  prompt: ReactNode;
  confirmLabel: string;
  intent: string;
  fields: Record<string, string>;
  tone?: "danger" | "secondary";
}) {
  const details = useRef<HTMLDetailsElement>(null);
  return (
    <details className="confirm" ref={details}>
      <summary className={`btn btn-sm btn-${tone === "danger" ? "danger-outline" : "secondary"}`}>{label}</summary>
      <div className="confirm-panel">
        <p>{prompt}</p>
        <Form method="post" className="cluster" onSubmit={() => details.current?.removeAttribute("open")}>
          <input type="hidden" name="intent" value={intent} />
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <button type="submit" className={`btn btn-sm btn-${tone === "danger" ? "danger" : "primary"}`}>
            {confirmLabel}
          </button>
        </Form>
      </div>
    </details>
  );
}
